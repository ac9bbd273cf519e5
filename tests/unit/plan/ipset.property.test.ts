import fc from "fast-check";
import type { IpSetEntryFields } from "../../../provider/model/wire";
import { planIpSetEntries } from "../../../provider/plan/ipset";
import type { IpSetOp } from "../../../provider/plan/ops";

const entriesArb = fc
  .uniqueArray(
    fc.record(
      {
        cidr: fc.integer({ min: 0, max: 40 }).map((i) => `10.0.0.${i}`),
        nomatch: fc.constant(1 as const),
        comment: fc.constantFrom("a", "b"),
      },
      { requiredKeys: ["cidr"] },
    ),
    { selector: (e) => e.cidr, maxLength: 30 },
  )
  .map((list) => list as IpSetEntryFields[]);
const params = { seed: 7, numRuns: 300 };
const norm = (e: IpSetEntryFields) => ({ cidr: e.cidr, comment: e.comment ?? "", nomatch: e.nomatch ? 1 : 0 });

/** Applies the ops as Proxmox would, checking after each op that the set is not empty. */
function apply(current: readonly IpSetEntryFields[], ops: readonly IpSetOp[], mustStayNonEmpty: boolean) {
  const set = new Map(current.map((e) => [e.cidr, norm(e)]));
  for (const op of ops) {
    if (op.kind === "addEntry") set.set(op.entry.cidr, norm(op.entry));
    else if (op.kind === "updateEntry") set.set(op.cidr, { cidr: op.cidr, comment: op.comment, nomatch: op.nomatch });
    else if (op.kind === "deleteEntry") set.delete(op.cidr);
    if (mustStayNonEmpty) expect(set.size).toBeGreaterThan(0);
  }
  return set;
}

describe("planIpSetEntries (properties)", () => {
  it("yields the desired set when its ops are applied, never passing through an empty set", () => {
    fc.assert(
      fc.property(entriesArb, entriesArb, (current, desired) => {
        const ops = planIpSetEntries(current, desired);
        const got = apply(current, ops, current.length > 0 && desired.length > 0);
        expect(got).toEqual(new Map(desired.map((e) => [e.cidr, norm(e)])));
      }),
      params,
    );
  });

  it("costs the symmetric difference plus the changed entries", () => {
    fc.assert(
      fc.property(entriesArb, entriesArb, (current, desired) => {
        const have = new Map(current.map((e) => [e.cidr, norm(e)]));
        const want = new Map(desired.map((e) => [e.cidr, norm(e)]));
        const added = [...want.keys()].filter((c) => !have.has(c)).length;
        const removed = [...have.keys()].filter((c) => !want.has(c)).length;
        const changed = [...want].filter(
          ([c, e]) => have.has(c) && JSON.stringify(have.get(c)) !== JSON.stringify(e),
        ).length;
        expect(planIpSetEntries(current, desired)).toHaveLength(added + removed + changed);
      }),
      params,
    );
  });
});
