/**
 * fast-check generators of rule lists for the `planRules` property tests: rules drawn from small
 * pools of field values, so random lists hold duplicates and near-duplicates, plus group rules.
 */
import fc from "fast-check";
import type { RuleFields } from "../../../provider/model/wire";

/** Pools of a non-group rule's fields: `type`, `action` and `enable` always set, others optional. */
type RulePools = {
  readonly type: fc.Arbitrary<"in" | "out" | "forward">;
  readonly action: fc.Arbitrary<string>;
  readonly enable: fc.Arbitrary<number>;
} & { readonly [field in "proto" | "dport" | "source" | "comment"]?: fc.Arbitrary<string> };

/** A `GROUP web` or `GROUP db` rule, enabled or not. */
const groupRuleArb: fc.Arbitrary<RuleFields> = fc.record({
  type: fc.constant("group" as const),
  action: fc.constantFrom("web", "db"),
  enable: fc.constantFrom(0, 1),
});

/** A rule from `pools` (weight `weight`) or a group rule (weight 1). */
export function ruleArbOf(weight: number, pools: RulePools): fc.Arbitrary<RuleFields> {
  return fc.oneof(
    { weight, arbitrary: fc.record(pools, { requiredKeys: ["type", "action", "enable"] }) as fc.Arbitrary<RuleFields> },
    { weight: 1, arbitrary: groupRuleArb },
  );
}
