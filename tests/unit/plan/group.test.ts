import type { RuleFields } from "../../../provider/model/wire";
import { planGroup } from "../../../provider/plan/group";

const ssh: RuleFields = { type: "in", action: "ACCEPT", enable: 1, proto: "tcp", dport: "22" };

describe("planGroup", () => {
  it("creates the group, then its rules", () => {
    expect(planGroup(undefined, { group: "web", comment: "w", rules: [ssh] })).toEqual([
      { kind: "createGroup", group: "web", comment: "w" },
      { kind: "createRule", fields: ssh },
    ]);
  });

  it("changes the comment with a same-name rename", () => {
    expect(planGroup({ group: "web", rules: [] }, { group: "web", comment: "new", rules: [] })).toEqual([
      { kind: "renameGroup", from: "web", to: "web", comment: "new" },
    ]);
  });

  it("renames in place with one call", () => {
    expect(planGroup({ group: "web", rules: [ssh] }, { group: "frontend", rules: [ssh] })).toEqual([
      { kind: "renameGroup", from: "web", to: "frontend" },
    ]);
  });

  it("deletes every rule before deleting the group", () => {
    expect(planGroup({ group: "web", rules: [ssh, ssh] }, undefined)).toEqual([
      { kind: "deleteRule", pos: 1 },
      { kind: "deleteRule", pos: 0 },
      { kind: "deleteGroup", group: "web" },
    ]);
  });

  it("plans nothing for an unchanged group", () => {
    expect(planGroup({ group: "web", rules: [ssh] }, { group: "web", rules: [ssh] })).toEqual([]);
  });
});
