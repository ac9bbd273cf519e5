import fc from "fast-check";
import type { RuleFields } from "../../../provider/model/wire";
import { ruleKey } from "../../../provider/plan/rule-fields";
import { checkRuleSafety, planRules, simulateRuleOps } from "../../../provider/plan/rules";
import { ruleArbOf } from "./rule-arb";

const ruleArb = ruleArbOf(9, {
  type: fc.constantFrom("in" as const, "out" as const),
  action: fc.constantFrom("ACCEPT", "DROP"),
  enable: fc.constantFrom(0, 1),
  proto: fc.constant("tcp"),
  dport: fc.constantFrom("22", "80", "443"),
  comment: fc.constantFrom("a", "b"),
});
const listArb = fc.array(ruleArb, { maxLength: 30 });
const params = { seed: 20240611, numRuns: 400 };

/** Exact matches (multiset intersection) and the LIS of their new indices, k-th occurrence to k-th. */
function exactStats(cur: readonly RuleFields[], des: readonly RuleFields[]): { exact: number; lis: number } {
  const queues = new Map<string, number[]>();
  des.forEach((r, j) => {
    const k = ruleKey(r);
    queues.set(k, [...(queues.get(k) ?? []), j]);
  });
  const seq: number[] = [];
  for (const r of cur) {
    const q = queues.get(ruleKey(r));
    const j = q?.shift();
    if (j !== undefined) seq.push(j);
  }
  const tails: number[] = [];
  for (const v of seq) {
    let lo = 0;
    while (lo < tails.length && (tails[lo] as number) < v) lo++;
    tails[lo] = v;
  }
  return { exact: seq.length, lis: tails.length };
}

describe("planRules (properties)", () => {
  it("produces exactly the desired list when replayed with simulateRuleOps", () => {
    fc.assert(
      fc.property(listArb, listArb, (cur, des) => {
        expect(simulateRuleOps(cur, planRules(cur, des))).toEqual(des);
      }),
      params,
    );
  });

  it("passes checkRuleSafety at every step", () => {
    fc.assert(
      fc.property(listArb, listArb, (cur, des) => {
        expect(checkRuleSafety(cur, planRules(cur, des), des)).toEqual({ ok: true });
      }),
      params,
    );
  });

  it("plans nothing when the lists are equal", () => {
    fc.assert(
      fc.property(listArb, (list) => {
        expect(planRules(list, list)).toEqual([]);
      }),
      params,
    );
  });

  it("stays within deletes/edits + moves (n - LIS) + 3 per created rule", () => {
    fc.assert(
      fc.property(listArb, listArb, (cur, des) => {
        const { exact, lis } = exactStats(cur, des);
        const bound = cur.length - exact + (exact - lis) + 3 * (des.length - exact);
        expect(planRules(cur, des).length).toBeLessThanOrEqual(bound);
      }),
      params,
    );
  });
});
