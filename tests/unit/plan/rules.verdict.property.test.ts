/**
 * The verdict-level claims of `planRules`, proven on a small packet model independent of the
 * planner: each packet has a direction, a destination port and a source; a non-group rule matches
 * when its direction, port and source (when set) match, and decides with its action; a group rule
 * decides for some packets and returns for others (a fixed table per group). A list's verdict for
 * a packet is the first enabled rule that decides it, else the policy.
 */
import fc from "fast-check";
import type { RuleFields } from "../../../provider/model/wire";
import type { RuleOp } from "../../../provider/plan/ops";
import { agreeOnSharedPackets, isEnabled } from "../../../provider/plan/rule-fields";
import { checkRuleSafety, planRules, simulateRuleOps } from "../../../provider/plan/rules";
import { ruleArbOf } from "./rule-arb";

interface Packet {
  readonly type: "in" | "out" | "forward";
  readonly dport: string;
  readonly source: string;
}

const PACKETS: readonly Packet[] = (["in", "out", "forward"] as const).flatMap((type) =>
  ["22", "80", "443", "8080"].flatMap((dport) => ["10.0.0.1", "10.0.0.2"].map((source) => ({ type, dport, source }))),
);

/** What a security group does with a packet: a verdict, or `undefined` when it returns. */
const GROUPS: Readonly<Record<string, (p: Packet) => string | undefined>> = {
  web: (p) =>
    p.type === "in" && p.dport === "80" ? "ACCEPT" : p.type === "out" && p.dport === "443" ? "DROP" : undefined,
  db: (p) => (p.type === "in" && p.source === "10.0.0.1" ? "REJECT" : undefined),
};

function verdict(list: readonly RuleFields[], p: Packet): string {
  for (const r of list) {
    if (!isEnabled(r)) continue;
    if (r.type === "group") {
      const v = GROUPS[r.action]?.(p);
      if (v !== undefined) return v;
      continue;
    }
    if (r.type === p.type && (r.dport ?? p.dport) === p.dport && (r.source ?? p.source) === p.source) return r.action;
  }
  return "policy";
}

const ruleArb = ruleArbOf(8, {
  type: fc.constantFrom("in" as const, "out" as const, "forward" as const),
  action: fc.constantFrom("ACCEPT", "DROP", "REJECT"),
  enable: fc.constantFrom(0, 1, 1),
  dport: fc.constantFrom("22", "80", "443"),
  source: fc.constantFrom("10.0.0.1", "10.0.0.2"),
});

/** A current list and a desired list that inserts distinct new rules anywhere into it. */
const insertionArb = fc
  .tuple(fc.array(ruleArb, { maxLength: 12 }), fc.array(fc.tuple(ruleArb, fc.nat()), { minLength: 1, maxLength: 10 }))
  .map(([current, inserts]) => {
    const desired = [...current];
    for (const [k, [rule, at]] of inserts.entries())
      desired.splice(at % (desired.length + 1), 0, { ...rule, comment: `new-${k}` });
    return { current, desired };
  });
const params = { seed: 20261123, numRuns: 500 };

/** Indices of the ops that update the first rule the plan creates, followed through every move. */
function updatesOfFirstCreated(current: readonly RuleFields[], ops: readonly RuleOp[]): number[] {
  const ids = current.map((_, i) => i);
  let first = -1;
  const hits: number[] = [];
  ops.forEach((op, step) => {
    if (op.kind === "createRule") {
      const id = current.length + step;
      if (first < 0) first = id;
      ids.unshift(id);
    } else if (op.kind === "updateRule") {
      if (ids[op.pos] === first) hits.push(step);
    } else if (op.kind === "moveRule") {
      const [id] = ids.splice(op.pos, 1) as [number];
      ids.splice(op.moveto > op.pos ? op.moveto - 1 : op.moveto, 0, id);
    } else ids.splice(op.pos, 1);
  });
  return hits;
}

/** Enabled rules below an enabled rule that disagrees with them: each costs an extra enable. */
function disagreeingBelow(desired: readonly RuleFields[]): number {
  return desired.filter(
    (r, j) => isEnabled(r) && desired.slice(0, j).some((q) => isEnabled(q) && !agreeOnSharedPackets(q, r)),
  ).length;
}

describe("planRules (verdicts)", () => {
  it("gives every packet its old or its new verdict at every step when rules are only inserted", () => {
    fc.assert(
      fc.property(insertionArb, ({ current, desired }) => {
        const before = PACKETS.map((p) => verdict(current, p));
        const after = PACKETS.map((p) => verdict(desired, p));
        const strays: string[] = [];
        let state = current;
        for (const [step, op] of [undefined, ...planRules(current, desired)].entries()) {
          if (op) state = simulateRuleOps(state, [op]);
          PACKETS.forEach((p, i) => {
            const v = verdict(state, p);
            if (v !== before[i] && v !== after[i]) strays.push(`after op ${step}: ${JSON.stringify(p)} gets ${v}`);
          });
        }
        expect(strays).toEqual([]);
      }),
      params,
    );
  });

  it("creates into an empty list with one write per rule plus one enable per rule below a disagreeing one", () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 30 }), (desired) => {
        const ops = planRules([], desired);
        expect(checkRuleSafety([], ops, desired)).toEqual({ ok: true });
        expect(ops.length).toBe(desired.length + disagreeingBelow(desired));
        expect(ops.filter((o) => o.kind === "moveRule")).toEqual([]);
      }),
      params,
    );
  });

  it("costs an inserted rule at most 3 writes, and at most 2 when it goes above every current rule", () => {
    fc.assert(
      fc.property(insertionArb, ({ current, desired }) => {
        const firstKept = desired.findIndex((r) => !(r.comment ?? "").startsWith("new-"));
        const top = firstKept < 0 ? desired.length : firstKept;
        const inserted = desired.length - current.length;
        expect(planRules(current, desired).length).toBeLessThanOrEqual(3 * inserted - top);
      }),
      params,
    );
  });

  it("ends with the last update of the first-created rule whenever that rule is updated, when rules are only inserted", () => {
    fc.assert(
      fc.property(insertionArb, ({ current, desired }) => {
        const ops = planRules(current, desired);
        const hits = updatesOfFirstCreated(current, ops);
        if (hits.length > 0) expect(hits[hits.length - 1]).toBe(ops.length - 1);
      }),
      params,
    );
  });
});
