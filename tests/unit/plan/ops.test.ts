import { describeOp } from "../../../provider/plan/ops";

describe("describeOp", () => {
  it.each([
    [{ kind: "moveRule", pos: 4, moveto: 1 } as const, "move rule 4 of cluster to index 1"],
    [{ kind: "moveRule", pos: 0, moveto: 3 } as const, "move rule 0 of cluster to index 2"],
    [{ kind: "deleteRule", pos: 2 } as const, "delete rule 2 of cluster"],
    [
      { kind: "createRule", fields: { type: "in", action: "ACCEPT", proto: "tcp", dport: "22", enable: 0 } } as const,
      "create rule at top of cluster: IN ACCEPT -p tcp -dport 22 (disabled)",
    ],
    [
      { kind: "updateRule", pos: 1, set: { comment: "x" }, delete: ["log"] } as const,
      "update rule 1 of cluster: comment=x; delete log",
    ],
    [
      { kind: "setOptions", set: { enable: 1 }, delete: ["ebtables"] } as const,
      "set options of cluster: enable=1; reset ebtables",
    ],
    [
      { kind: "addEntry", entry: { cidr: "10.0.0.0/8", nomatch: 1 } } as const,
      "add entry 10.0.0.0/8 (nomatch) to cluster",
    ],
    [{ kind: "renameGroup", from: "a", to: "b" } as const, "rename security group a to b in cluster"],
  ])("describes %j", (op, text) => {
    expect(describeOp(op, "cluster")).toBe(text);
  });
});
