import { planOptions } from "../../../provider/plan/options";

describe("planOptions", () => {
  it("plans nothing when equal", () => {
    expect(planOptions({ enable: 1, policy_in: "DROP" }, { policy_in: "DROP", enable: 1 })).toEqual([]);
  });

  it("sends only changed fields and deletes fields no longer wanted, in one call", () => {
    expect(planOptions({ enable: 1, policy_in: "DROP", ebtables: 0 }, { enable: 1, policy_in: "ACCEPT" })).toEqual([
      { kind: "setOptions", set: { policy_in: "ACCEPT" }, delete: ["ebtables"] },
    ]);
  });

  it("sets new fields on empty options", () => {
    expect(planOptions({}, { enable: 1 })).toEqual([{ kind: "setOptions", set: { enable: 1 }, delete: [] }]);
  });
});
