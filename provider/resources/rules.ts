import type { FirewallApi } from "../client/firewall";
import type { Issue } from "../model/common";
import { canonicalRule, type RuleInput, ruleFromWire, ruleToWire, validateRule } from "../model/rule";
import { parseScopeId, type Scope, scopeId } from "../model/scope";
import type { RuleFields } from "../model/wire";
import { applyRuleList, storedRule } from "./apply-rules";
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
 * Rules that still contain unknown values are passed through unvalidated.
 */
export function checkRules(raw: unknown, scope: Scope | undefined): { rules: unknown; issues: Issue[] } {
  if (raw === undefined) return { rules: [], issues: [] };
  if (containsUnknown(raw) && !Array.isArray(raw)) return { rules: raw, issues: [] };
  if (!Array.isArray(raw)) return { rules: raw, issues: [{ path: "rules", reason: "must be a list of rules" }] };
  if (!scope) return { rules: raw, issues: [] };
  const issues: Issue[] = [];
  const out = raw.map((rule, i) => {
    if (containsUnknown(rule)) return rule;
    const result = validateRule(rule, scope, i);
    if (!result.ok) {
      issues.push(...result.issues);
      return rule;
    }
    return ruleFromWire(result.value);
  });
  return { rules: out, issues };
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

/**
 * The complete, ordered rule list of one scope (`FirewallRules`). Authoritative: rules on the
 * server that are not declared are removed; deleting the resource empties the list.
 */
export const rulesKind: KindImpl = {
  compared: ["scope", "rules"],

  check(news) {
    const scope = checkScope(news["scope"], ["cluster", "node", "vm", "vnet"]);
    const rules = checkRules(news["rules"], scope.scope);
    return { inputs: { ...news, scope: scope.args, rules: rules.rules }, issues: [...scope.issues, ...rules.issues] };
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
