import { formatIssues } from "../../../provider/model/common";
import { groupFromWire, groupToWire, validateGroup } from "../../../provider/model/group";

describe("validateGroup", () => {
  it("returns the canonical group with canonical rules", () => {
    expect(validateGroup({ name: "webtier", comment: "web", rules: [{ action: "ACCEPT", macro: "https" }] })).toEqual({
      ok: true,
      value: { group: "webtier", comment: "web", rules: [{ type: "in", action: "ACCEPT", enable: 1, macro: "HTTPS" }] },
    });
  });

  it("fails on names over 18 characters and upper case", () => {
    const long = validateGroup({ name: "a-very-long-group-name" });
    const upper = validateGroup({ name: "WebServer" });
    expect(long.ok ? "" : formatIssues(long.issues)).toBe(
      "name: must be at most 18 characters (Proxmox limit for security groups)",
    );
    expect(upper.ok ? "" : formatIssues(upper.issues)).toBe(
      "name: must be lower-case letters, digits, '-' or '_', starting with a letter",
    );
  });

  it("fails on group rules and ifaces inside a group", () => {
    const result = validateGroup({
      name: "web",
      rules: [
        { type: "group", action: "other" },
        { action: "ACCEPT", iface: "net0" },
      ],
    });
    expect(result.ok ? "" : formatIssues(result.issues)).toBe(
      `rules[0].type: rule type "group" is not allowed in group scope (allowed: in, out, forward)\nrules[1].iface: is not allowed on group rules`,
    );
  });
});

describe("groupToWire", () => {
  it("round-trips through groupFromWire", () => {
    const wire = groupToWire({ name: "web", comment: "c", rules: [{ action: "DROP" }] });
    expect(groupFromWire(wire)).toEqual({
      name: "web",
      comment: "c",
      rules: [{ type: "in", action: "DROP", enable: true }],
    });
  });
});
