import { planIpSet, planIpSetEntries } from "../../../provider/plan/ipset";

describe("planIpSetEntries", () => {
  it("plans nothing for equal entries", () => {
    expect(planIpSetEntries([{ cidr: "10.0.0.0/8" }], [{ cidr: "10.0.0.0/8", nomatch: 0 }])).toEqual([]);
  });

  it("changes a comment in place, sending both comment and nomatch", () => {
    expect(
      planIpSetEntries([{ cidr: "10.0.0.0/8", nomatch: 1 }], [{ cidr: "10.0.0.0/8", nomatch: 1, comment: "x" }]),
    ).toEqual([{ kind: "updateEntry", cidr: "10.0.0.0/8", comment: "x", nomatch: 1 }]);
  });

  it("clears nomatch in place with an empty comment", () => {
    expect(planIpSetEntries([{ cidr: "10.0.0.5", nomatch: true }], [{ cidr: "10.0.0.5" }])).toEqual([
      { kind: "updateEntry", cidr: "10.0.0.5", comment: "", nomatch: 0 },
    ]);
  });

  it("adds before it updates and updates before it deletes", () => {
    const ops = planIpSetEntries(
      [{ cidr: "10.0.0.1" }, { cidr: "10.0.0.2" }],
      [{ cidr: "10.0.0.2", comment: "c" }, { cidr: "10.0.0.3" }],
    );
    expect(ops.map((o) => o.kind)).toEqual(["addEntry", "updateEntry", "deleteEntry"]);
  });

  it("changes one entry of a 10,000-entry set with two ops", () => {
    const current = Array.from({ length: 10_000 }, (_, i) => ({ cidr: `10.${i >> 8}.${i & 255}.0/24` }));
    const desired = [...current.slice(1), { cidr: "192.0.2.0/24" }];
    expect(planIpSetEntries(current, desired)).toEqual([
      { kind: "addEntry", entry: { cidr: "192.0.2.0/24" } },
      { kind: "deleteEntry", cidr: "10.0.0.0/24" },
    ]);
  });
});

describe("planIpSet", () => {
  it("creates the set, then adds every entry", () => {
    expect(planIpSet(undefined, { name: "mgmt", comment: "m", entries: [{ cidr: "10.0.0.1" }] })).toEqual([
      { kind: "createIpSet", name: "mgmt", comment: "m" },
      { kind: "addEntry", entry: { cidr: "10.0.0.1" } },
    ]);
  });

  it("sets a changed comment with a same-name rename", () => {
    expect(planIpSet({ name: "mgmt", entries: [] }, { name: "mgmt", comment: "new", entries: [] })).toEqual([
      { kind: "renameIpSet", from: "mgmt", to: "mgmt", comment: "new" },
    ]);
  });

  it("renames in place with one call before the entry ops", () => {
    expect(
      planIpSet(
        { name: "old", comment: "c", entries: [] },
        { name: "new", comment: "c", entries: [{ cidr: "10.0.0.1" }] },
      ),
    ).toEqual([
      { kind: "renameIpSet", from: "old", to: "new", comment: "c" },
      { kind: "addEntry", entry: { cidr: "10.0.0.1" } },
    ]);
  });

  it("plans nothing for an unchanged set", () => {
    const set = { name: "mgmt", comment: "c", entries: [{ cidr: "10.0.0.1" }] };
    expect(planIpSet(set, { ...set })).toEqual([]);
  });
});
