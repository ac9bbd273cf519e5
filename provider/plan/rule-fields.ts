import { RULE_FIELD_NAMES, type RuleFields } from "../model/wire";
import type { RuleField } from "./ops";

/**
 * Small pure helpers over rule records shared by the rules planner and its simulator.
 * Fields are compared by value; an absent field equals `undefined`.
 */

/** Every rule field, in a fixed order (used for keys and diffs). */
export const RULE_FIELDS: readonly RuleField[] = RULE_FIELD_NAMES;

/** Fields that do not change which packets a rule matches or what it does with them. */
const COSMETIC_FIELDS: ReadonlySet<RuleField> = new Set<RuleField>(["enable", "comment", "log"]);

/**
 * Whether a rule is active. Proxmox reads an absent `enable` as enabled (only `enable: 0` is
 * written with a leading `|`), and any value >= 1 as enabled.
 */
export function isEnabled(rule: RuleFields): boolean {
  return rule.enable === undefined || rule.enable >= 1;
}

/** The rule with `enable` made explicit as 0 or 1, as Proxmox reads it back. */
export function withExplicitEnable(rule: RuleFields): RuleFields {
  return { ...rule, enable: isEnabled(rule) ? 1 : 0 };
}

/**
 * Whether two rules give the same verdict to every packet they both match, whatever else they
 * match: true for rules of different directions (`in`, `out` and `forward` compile into separate
 * chains, so no packet meets both) and for non-group rules of one direction with the same action.
 * False whenever one of them is a `group` rule: a jump into a security group may accept, drop,
 * reject or return, depending on the group's own rules.
 *
 * So while such rules are active, a packet's verdict does not depend on which of them are present
 * yet: the rules planner creates a rule active only when it agrees with every active rule above
 * it in the final order that is not there yet.
 */
export function agreeOnSharedPackets(a: RuleFields, b: RuleFields): boolean {
  if (a.type === "group" || b.type === "group") return false;
  return a.type !== b.type || a.action === b.action;
}

function keyOf(rule: RuleFields, fields: readonly RuleField[]): string {
  return JSON.stringify(fields.map((f) => (f === "enable" ? (isEnabled(rule) ? 1 : 0) : (rule[f] ?? null))));
}

/** A string equal for two rules exactly when every field is equal (enable as 0/1). */
export function ruleKey(rule: RuleFields): string {
  return keyOf(rule, RULE_FIELDS);
}

/** A string equal for two rules that differ at most in `enable`, `comment` and `log`. */
export function ruleIdentityKey(rule: RuleFields): string {
  return keyOf(
    rule,
    RULE_FIELDS.filter((f) => !COSMETIC_FIELDS.has(f)),
  );
}

/**
 * What one field-update PUT must send to turn `from` into `to`: the changed or added fields in
 * `set` (`enable` always as 0/1, never deleted, because `delete=enable` enables a rule) and the
 * fields `to` lacks in `delete`. Both empty when the rules are equal.
 */
export function ruleDiff(from: RuleFields, to: RuleFields): { set: Partial<RuleFields>; delete: RuleField[] } {
  const set: Record<string, string | number> = {};
  const del: RuleField[] = [];
  for (const f of RULE_FIELDS) {
    if (f === "enable") {
      const want = isEnabled(to) ? 1 : 0;
      if ((isEnabled(from) ? 1 : 0) !== want) set.enable = want;
      continue;
    }
    const a = from[f];
    const b = to[f];
    if (a === b) continue;
    if (b === undefined) del.push(f);
    else set[f] = b;
  }
  return { set: set as Partial<RuleFields>, delete: del };
}
