import { planAlias, planAliases } from "../../../provider/plan/alias";

describe("planAlias", () => {
  it("creates a missing alias", () => {
    expect(planAlias(undefined, { name: "office", cidr: "192.0.2.0/24" })).toEqual([
      { kind: "createAlias", fields: { name: "office", cidr: "192.0.2.0/24" } },
    ]);
  });

  it("updates the comment sending cidr and comment", () => {
    expect(
      planAlias({ name: "office", cidr: "192.0.2.0/24", comment: "a" }, { name: "office", cidr: "192.0.2.0/24" }),
    ).toEqual([{ kind: "updateAlias", name: "office", cidr: "192.0.2.0/24", comment: "" }]);
  });

  it("renames in place with one call", () => {
    expect(
      planAlias(
        { name: "office", cidr: "192.0.2.0/24", comment: "c" },
        { name: "hq", cidr: "192.0.2.0/24", comment: "c" },
      ),
    ).toEqual([{ kind: "updateAlias", name: "office", rename: "hq", cidr: "192.0.2.0/24", comment: "c" }]);
  });

  it("fixes the case of a name with a PUT on the new spelling", () => {
    expect(planAlias({ name: "office", cidr: "192.0.2.1" }, { name: "Office", cidr: "192.0.2.1" })).toEqual([
      { kind: "updateAlias", name: "Office", cidr: "192.0.2.1", comment: "" },
    ]);
  });

  it("deletes an alias no longer wanted and plans nothing when equal", () => {
    const a = { name: "office", cidr: "192.0.2.1" };
    expect(planAlias(a, undefined)).toEqual([{ kind: "deleteAlias", name: "office" }]);
    expect(planAlias(a, { ...a })).toEqual([]);
  });
});

describe("planAliases", () => {
  it("creates, then updates, then deletes, matching names case-insensitively", () => {
    const ops = planAliases(
      [
        { name: "A", cidr: "10.0.0.1" },
        { name: "b", cidr: "10.0.0.2" },
      ],
      [
        { name: "a", cidr: "10.0.0.9" },
        { name: "c", cidr: "10.0.0.3" },
      ],
    );
    expect(ops.map((o) => o.kind)).toEqual(["createAlias", "updateAlias", "deleteAlias"]);
  });
});
