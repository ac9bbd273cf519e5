import { formatIssues } from "../../../provider/model/common";
import { groupFromWire, groupToWire, validateGroup } from "../../../provider/model/group";

describe("validateGroup", () => {
  it("returns the canonical group with canonical rules", () => {
    expect(validateGroup({ name: "webtier", comment: "web", rules: [{ action: "ACCEPT", macro: "https" }] })).toEqual({
      ok: true,
      value: { group: "webtier", comment: "web", rules: [{ type: "in", action: "ACCEPT", enable: 1, macro: "HTTPS" }] },
      warnings: [],
    });
  });

  it("fails on names over 18 characters and upper case", () => {
    const long = validateGroup({ name: "a-very-long-group-name" });
    const upper = validateGroup({ name: "WebServer" });
    expect(long.ok ? "" : formatIssues(long.issues)).toBe(
      `name: "a-very-long-group-name" is 22 characters long; security group names are 2 to 18 lower-case letters, digits, '-' or '_', starting with a letter`,
    );
    expect(upper.ok ? "" : formatIssues(upper.issues)).toBe(
      `name: "WebServer" has upper-case letters; Proxmox lower-cases security group names when it reads its config, so "WebServer" could not be found again: use "webserver"`,
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
      [
        "rules[0].type: a security group cannot insert another group (Proxmox allows no nesting); put the rules here, or insert both groups where this one is used",
        `rules[1].iface: "net0" is not allowed on the rules of a security group (Proxmox has no interface match inside a group); set iface on the { type: "group" } rule that inserts the group`,
      ].join("\n"),
    );
  });
});

describe("validateGroup input shape", () => {
  it("reports the rules' issues even when the name is bad", () => {
    const result = validateGroup({ name: "X", rules: [{ action: "ACCEPT", pos: 0 }] });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(["name", "rules[0].pos"]);
  });

  it("fails on rules that are not a list", () => {
    const result = validateGroup({ name: "web", rules: "ssh" });
    expect(result.ok ? "" : formatIssues(result.issues)).toBe(`rules: "ssh" is text, not a list of rules`);
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
