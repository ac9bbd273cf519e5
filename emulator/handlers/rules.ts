/**
 * Rule endpoints of every scope (Rules.pm): list, get, create (always at the top, disabled by
 * default), update (field edit or `moveto`), delete; plus the per-file reference checks of
 * `verify_rule` run against the cluster config and the rule's own file.
 */
import type { RuleFields } from "../../provider/model/wire";
import { compact, digestOf, fileRefFor, type Handler, type HandlerContext, type Params, writeLocked } from "../context";
import { assertIfModified, paramError, plainError } from "../http-error";
import { splitList } from "../schema";
import type { ConfigData, FileRef } from "../store";
import { type RuleEnv, type VerifiedRule, verifyRule } from "../verify-rule";

const RULE_PROPERTIES = [
  "action",
  "comment",
  "dest",
  "dport",
  "enable",
  "icmp-type",
  "iface",
  "log",
  "macro",
  "proto",
  "source",
  "sport",
  "type",
] as const;

type MutableRule = Record<string, string | number | undefined>;

/** The rule environment of a rules path template. */
export function ruleEnvOf(template: string): RuleEnv {
  if (template.startsWith("/cluster/firewall/groups/")) return "group";
  const ref = fileRefFor(template, {});
  if (ref.kind !== "guest") return ref.kind;
  return template.startsWith("/nodes/{node}/lxc/") ? "ct" : "vm";
}

async function clusterFor(ctx: HandlerContext, ref: FileRef, own: ConfigData): Promise<ConfigData> {
  return ref.kind === "cluster" ? own : (await ctx.store.load({ kind: "cluster" })).config;
}

function ruleListOf(config: ConfigData, env: RuleEnv, params: Params): RuleFields[] {
  if (env !== "group") return config.rules;
  const group = config.groups.find((g) => g.name === params.group);
  if (!group) throw plainError(`no such security group '${params.group ?? ""}'`);
  return group.rules;
}

/** Rules as Proxmox holds them after loading: verified (collecting errors), `ipversion` derived. */
function annotate(rules: readonly RuleFields[], cluster: ConfigData, own: ConfigData, env: RuleEnv): VerifiedRule[] {
  const local = env === "cluster" || env === "group" ? undefined : own;
  return rules.map((r) => verifyRule({ ...r }, { cluster, ...(local ? { local } : {}), env }, false));
}

function digestEntries(list: readonly VerifiedRule[]): Record<string, unknown>[] {
  return list.map((v) => ({ ...v.rule, ipversion: v.ipversion }));
}

function toWire(v: VerifiedRule, digest: string, pos: number | string): Record<string, unknown> {
  return compact({ ...v.rule, ipversion: v.ipversion, errors: v.errors, digest, pos });
}

async function loadRules(ctx: HandlerContext, template: string, params: Params) {
  const ref = fileRefFor(template, params);
  const env = ruleEnvOf(template);
  const { config } = await ctx.store.load(ref);
  const cluster = await clusterFor(ctx, ref, config);
  const rules = ruleListOf(config, env, params);
  return ctx.store.memo(config, cluster, `rules:${env}:${params.group ?? ""}`, () => {
    const list = annotate(rules, cluster, config, env);
    return { list, digest: digestOf(digestEntries(list)) };
  });
}

/** `copy_rule_data`: sent fields overwrite; '' or '-' deletes the field. */
function copyRuleData(rule: MutableRule, params: Params): void {
  for (const k of RULE_PROPERTIES) {
    const v = params[k];
    if (v === undefined) continue;
    if (v === "" || v === "-") delete rule[k];
    else rule[k] = v;
  }
}

/** What the writer keeps of a rule: group rules lose everything but action, iface, enable and comment. */
function storable(rule: MutableRule): RuleFields {
  const out: MutableRule = {};
  const keys = rule.type === "group" ? ["type", "action", "iface", "enable", "comment"] : RULE_PROPERTIES;
  for (const k of keys) if (rule[k] !== undefined) out[k] = rule[k];
  if (out.enable !== undefined) out.enable = Number(out.enable) > 0 ? 1 : 0;
  return out as unknown as RuleFields;
}

function perlCrash(line: number): never {
  throw plainError(
    `Can't use an undefined value as an ARRAY reference at /usr/share/perl5/PVE/API2/Firewall/Rules.pm line ${line}.`,
  );
}

/** Builds the rule handlers of one rules path template (`.../rules` or `.../rules/{pos}`). */
export function ruleHandlers(template: string): Record<string, Handler> {
  const env = ruleEnvOf(template);
  const single = template.endsWith("{pos}");
  if (!single) {
    return {
      GET: async (ctx, params) => {
        const { list, digest } = await loadRules(ctx, template, params);
        return list.map((v, i) => toWire(v, digest, i));
      },
      POST: async (ctx, params) => {
        const ref = fileRefFor(template, params);
        await writeLocked(ctx, ref, async (config) => {
          const rules = ruleListOf(config, env, params);
          const cluster = await clusterFor(ctx, ref, config);
          const rule: MutableRule = {};
          copyRuleData(rule, params);
          const local = env === "cluster" || env === "group" ? undefined : config;
          verifyRule(rule as unknown as RuleFields, { cluster, ...(local ? { local } : {}), env }, true);
          if (params.enable === undefined) rule.enable = 0;
          rules.unshift(storable(rule));
        });
        return null;
      },
    };
  }
  return {
    GET: async (ctx, params) => {
      const { list, digest } = await loadRules(ctx, template, params);
      const pos = Number(params.pos);
      const v = list[pos];
      if (!v) throw plainError(`no rule at position ${params.pos}`);
      return toWire(v, digest, params.pos ?? "");
    },
    PUT: async (ctx, params) => {
      const ref = fileRefFor(template, params);
      await writeLocked(ctx, ref, async (config, exists) => {
        const rules = ruleListOf(config, env, params);
        const cluster = await clusterFor(ctx, ref, config);
        const list = annotate(rules, cluster, config, env);
        assertIfModified(digestOf(digestEntries(list)), params.digest);
        const pos = Number(params.pos);
        if (!exists && env !== "group") perlCrash(373);
        const rule = rules[pos] as MutableRule | undefined;
        if (!rule) throw plainError(`no rule at position ${params.pos}`);
        const moveto = params.moveto === undefined ? undefined : Number(params.moveto);
        if (moveto !== undefined && moveto !== pos) {
          const reordered: RuleFields[] = [];
          rules.forEach((r, i) => {
            if (i === pos) return;
            if (i === moveto) reordered.push(rule as unknown as RuleFields);
            reordered.push(r);
          });
          if (moveto >= rules.length) reordered.push(rule as unknown as RuleFields);
          rules.splice(0, rules.length, ...reordered);
          return;
        }
        copyRuleData(rule, params);
        if (truthyDelete(params.delete)) deleteRuleProperties(rule, params.delete);
        const local = env === "cluster" || env === "group" ? undefined : config;
        verifyRule(rule as unknown as RuleFields, { cluster, ...(local ? { local } : {}), env }, true);
        rules[pos] = storable(rule);
      });
      return null;
    },
    DELETE: async (ctx, params) => {
      const ref = fileRefFor(template, params);
      await writeLocked(ctx, ref, async (config, exists) => {
        const rules = ruleListOf(config, env, params);
        const cluster = await clusterFor(ctx, ref, config);
        assertIfModified(digestOf(digestEntries(annotate(rules, cluster, config, env))), params.digest);
        if (!exists && env !== "group") perlCrash(462);
        const pos = Number(params.pos);
        if (pos >= rules.length) throw plainError(`no rule at position ${params.pos}`);
        rules.splice(pos, 1);
      });
      return null;
    },
  };
}

function truthyDelete(v: string | undefined): v is string {
  return v !== undefined && v !== "" && v !== "0";
}

/** `delete_rule_properties`: removes listed fields; unknown or required ones are 400s. */
function deleteRuleProperties(rule: MutableRule, list: string): void {
  for (const opt of splitList(list)) {
    if (!(RULE_PROPERTIES as readonly string[]).includes(opt))
      throw paramError({ delete: `no such property ('${opt}')` });
    if (opt === "type" || opt === "action") {
      throw paramError({ delete: `unable to delete required property '${opt}'` });
    }
    delete rule[opt];
  }
}
