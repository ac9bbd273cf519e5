import type { FirewallApi } from "../client/firewall";
import { type Issue, joinPath } from "../model/common";
import { kindOf, show } from "../model/input";
import {
  canonicalRule,
  RULE_INPUT_KEYS,
  type RuleInput,
  ruleFromWire,
  ruleKeyReason,
  ruleToWire,
  validateRule,
} from "../model/rule";
import { parseScopeId, type Scope, scopeId } from "../model/scope";
import type { RuleFields } from "../model/wire";
import { applyRuleList, storedRule } from "./apply-rules";
import { type InputSpec, splitInputs } from "./check-input";
import { type AliasVersionLookup, isAliasRef } from "./digest";
import { containsUnknown, type KindContext, type KindImpl, type Props } from "./framework";
import { checkScope, propsScope, scopeArgsOf, scopeReplaces } from "./scope-input";

/** Canonical wire rules of stored or checked props (`rules` holds the camelCase canonical form). */
export function rulesOf(props: Props): RuleFields[] {
  const rules = (props["rules"] ?? []) as RuleInput[];
  return rules.map((r) => canonicalRule(ruleToWire(r)));
}

/** The camelCase canonical form users see in state. */
export function ruleStates(rules: readonly RuleFields[]): Props[] {
  return rules.map((r) => ruleFromWire(r) as Props);
}

/**
 * Validates a rule list for `scope` (or, when the scope is unknown in a preview, for its kind).
 * Rules that still contain unknown values are passed through; only their property names are
 * checked until the values are known.
 */
export function checkRules(
  raw: unknown,
  scope: Scope | undefined,
): { rules: unknown; issues: Issue[]; warnings: Issue[] } {
  const issues: Issue[] = [];
  const warnings: Issue[] = [];
  if (raw === undefined) return { rules: [], issues, warnings };
  if (containsUnknown(raw) && !Array.isArray(raw)) return { rules: raw, issues, warnings };
  if (!Array.isArray(raw))
    return {
      rules: raw,
      issues: [{ path: "rules", reason: `${show(raw)} is ${kindOf(raw)}, not a list of rules` }],
      warnings,
    };
  const out = raw.map((rule, i) => {
    if (containsUnknown(rule) || !scope) {
      if (rule !== null && typeof rule === "object" && !Array.isArray(rule))
        for (const key of Object.keys(rule))
          if (!RULE_INPUT_KEYS.includes(key))
            issues.push({ path: joinPath(joinPath("rules", i), key), reason: ruleKeyReason(key) });
      return rule;
    }
    const result = validateRule(rule, scope, i);
    if (!result.ok) {
      issues.push(...result.issues);
      return rule;
    }
    warnings.push(...result.warnings);
    return ruleFromWire(result.value);
  });
  return { rules: out, issues, warnings };
}

/**
 * Resolves alias names the way a rule in `scope` does (guest aliases first, then the cluster's;
 * `dc/` and `guest/` pick one), fetching alias lists only when a desired rule names an alias.
 */
export async function aliasVersions(
  api: FirewallApi,
  scope: Scope,
  rules: readonly RuleFields[],
): Promise<AliasVersionLookup> {
  if (!rules.some((r) => [r.source, r.dest].some((s) => s !== undefined && isAliasRef(s)))) return () => undefined;
  const versionMap = async (s: Scope) =>
    new Map((await api.listAliases(s)).map((a) => [a.name.toLowerCase(), a.ipversion === 6 ? 6 : (4 as 4 | 6)]));
  const cluster = await versionMap({ kind: "cluster" });
  const guest = scope.kind === "vm" ? await versionMap(scope) : new Map<string, 4 | 6>();
  return (ref) => {
    const [prefix, name] = ref.includes("/") ? (ref.split("/") as [string, string]) : ["", ref];
    const key = name.toLowerCase();
    if (prefix === "dc") return cluster.get(key);
    if (prefix === "guest") return guest.get(key);
    return guest.get(key) ?? cluster.get(key);
  };
}

/** Applies `desired` to `scope`'s list and returns the state props. */
export async function applyRules(api: FirewallApi, scope: Scope, desired: readonly RuleFields[]): Promise<Props> {
  const applied = await applyRuleList(api, scope, desired, await aliasVersions(api, scope, desired));
  return { rules: ruleStates(applied.rules), digest: applied.digest ?? "" };
}

/** Create and update are the same: make the scope's list equal the props' rules (authoritative). */
async function applyList(ctx: KindContext, props: Props): Promise<Props> {
  const scope = propsScope(props);
  return { scope: scopeArgsOf(scope), ...(await applyRules(ctx.api, scope, rulesOf(props))) };
}

const RULES_INPUTS: InputSpec = { resource: "FirewallRules", fields: ["rules"], outputs: ["digest"], scope: true };

/**
 * The complete, ordered rule list of one scope (`FirewallRules`). Authoritative: rules on the
 * server that are not declared are removed; deleting the resource empties the list.
 */
export const rulesKind: KindImpl = {
  compared: ["scope", "rules"],

  check(news) {
    const split = splitInputs(news, RULES_INPUTS);
    const scope = checkScope(news["scope"], ["cluster", "node", "vm", "vnet"]);
    const rules = checkRules(split.fields["rules"], scope.scope);
    return {
      inputs: { ...split.common, scope: scope.args, rules: rules.rules },
      issues: [...split.issues, ...scope.issues, ...rules.issues],
      warnings: rules.warnings,
    };
  },

  idOf(inputs) {
    return scopeId(propsScope(inputs));
  },

  replaces: scopeReplaces,
  deleteBeforeReplace: () => false,

  create: applyList,

  async read(ctx: KindContext, id: string, props?: Props) {
    const scope = props?.["scope"] !== undefined ? propsScope(props) : parseScopeId(id);
    if (!scope || scope.kind === "group") return undefined;
    const { rules, digest } = await ctx.api.listRules(scope);
    const states = ruleStates(rules.map(storedRule));
    return {
      props: { scope: scopeArgsOf(scope), rules: states, digest: digest ?? "" },
      inputs: { scope: scopeArgsOf(scope), rules: states },
    };
  },

  update: (ctx, _id, _olds, news) => applyList(ctx, news),

  async delete(ctx, _id, olds) {
    await applyRules(ctx.api, propsScope(olds), []);
  },
};
