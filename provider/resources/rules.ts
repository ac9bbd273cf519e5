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
import { ruleKey } from "../plan/rule-fields";
import { planRules } from "../plan/rules";
import { applyRuleList, storedRule } from "./apply-rules";
import { type InputSpec, splitInputs } from "./check-input";
import { ruleLines, rulePlanLines } from "./describe";
import { type AliasVersionLookup, isAliasRef } from "./digest";
import { containsUnknown, type KindContext, type KindImpl, type Props } from "./framework";
import { type Existing, ownerMark } from "./ownership";
import { type ReferenceLists, verifyReferences } from "./preflight";
import { holdsOnlyDeclared, markedRule, markRulePlan } from "./rule-marks";
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
  lists: ReferenceLists,
  scope: Scope,
  rules: readonly RuleFields[],
): Promise<AliasVersionLookup> {
  if (!rules.some((r) => [r.source, r.dest].some((s) => s !== undefined && isAliasRef(s)))) return () => undefined;
  const versionMap = async (s: Scope) =>
    new Map((await lists.aliases(s)).map((a) => [a.name.toLowerCase(), a.ipversion === 6 ? 6 : (4 as 4 | 6)]));
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

/**
 * Makes the rule list of `scope` (a scope's or a security group's) equal `desired`: verifies its
 * references first (nothing is written when one that this write would make is missing; one that is
 * already on the server as declared is reported and kept, see {@link verifyReferences}), then
 * applies the minimal plan, recording every write in the context's journal. `mark` keeps the list
 * marked as half-made by its creator until the last write (see {@link markRulePlan}).
 *
 * @param what - how messages name the list (`rules of qemu/pve1/100`)
 * @throws MissingReferenceError before any write when a rule it would write names a missing group,
 *   alias or IPSet
 */
export async function applyRules(
  ctx: KindContext,
  scope: Scope,
  desired: readonly RuleFields[],
  what: string,
  mark?: string,
): Promise<{ rules: RuleFields[]; digest: string | undefined }> {
  await verifyReferences(ctx.lists, scope, desired, what, { existing: scope, warn: ctx.warn });
  const applied = await applyRuleList(ctx.api, scope, desired, await aliasVersions(ctx.lists, scope, desired), {
    journal: ctx.journal,
    shape: mark === undefined ? undefined : (current, ops) => markRulePlan(current, ops, mark, desired),
  });
  return { rules: applied.rules, digest: applied.digest };
}

/**
 * What a create finds in a non-empty rule list (of a scope, or of a security group when `group`
 * is set): the rules, one line each, the ownership mark one of them carries, and what taking it
 * over would change.
 */
export function surveyRuleList(
  headline: string,
  live: readonly RuleFields[],
  desired: readonly RuleFields[],
  scopeIsGroup = false,
): Existing {
  const marked = markedRule(live);
  return {
    headline,
    items: ruleLines(live, scopeIsGroup),
    mark: marked?.owner,
    equal: live.length === desired.length && live.every((r, i) => ruleKey(r) === ruleKey(desired[i]!)),
    subset: holdsOnlyDeclared(live, desired, marked?.index),
    changes: rulePlanLines(live, planRules(live, desired), scopeIsGroup),
  };
}

function whatOf(scope: Scope): string {
  return `rules of ${scopeId(scope)}`;
}

/** Create and update are the same: make the scope's list equal the props' rules (authoritative). */
async function applyList(ctx: KindContext, props: Props, mark?: string): Promise<Props> {
  const scope = propsScope(props);
  const applied = await applyRules(ctx, scope, rulesOf(props), whatOf(scope), mark);
  return { scope: scopeArgsOf(scope), rules: ruleStates(applied.rules), digest: applied.digest ?? "" };
}

const RULES_INPUTS: InputSpec = { resource: "FirewallRules", fields: ["rules"], outputs: ["digest"], scope: true };

/**
 * The complete, ordered rule list of one scope (`FirewallRules`). Authoritative: rules on the
 * server that are not declared are removed; deleting the resource empties the list.
 */
export const rulesKind: KindImpl = {
  noun: "rules of",
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
  /** As {@link applyRules} before its first write (the list's own rules count as already there). */
  verifyReferences(ctx, inputs, _before, declared) {
    const scope = propsScope(inputs);
    return verifyReferences(ctx.lists, scope, rulesOf(inputs), whatOf(scope), {
      existing: scope,
      warn: ctx.warn,
      declared,
    });
  },

  async survey(ctx, inputs) {
    const scope = propsScope(inputs);
    // Through `lists`: the reference check of the create that follows compares against this read.
    const live = await ctx.lists.rules(scope);
    if (live.length === 0) return undefined;
    const n = live.length;
    return surveyRuleList(
      `the rule list of ${scopeId(scope)} is not empty: it has ${n} ${n === 1 ? "rule" : "rules"}`,
      live,
      rulesOf(inputs),
    );
  },

  /**
   * A new list (or this resource's half-made one) is marked until its last write when the create
   * needs two or more writes; an adopted list is reconciled like an update.
   */
  create: (ctx, inputs, intent) =>
    applyList(ctx, inputs, intent.mode !== "adopt" && intent.owner !== undefined ? ownerMark(intent.owner) : undefined),

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
    const scope = propsScope(olds);
    await applyRules(ctx, scope, [], whatOf(scope));
  },
};
