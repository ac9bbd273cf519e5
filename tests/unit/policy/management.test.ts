import { configsFromTexts, overlay } from "../../../provider/policy/configs";
import { checkManagementAccess, sourceAddresses } from "../../../provider/policy/management";
import { readTopology } from "../../../provider/policy/topology";
import { clusterOn } from "./helpers";

const topology = readTopology({
  nodes: [
    { name: "pve1", ip: "192.0.2.2" },
    { name: "pve2", ip: "192.0.2.3", iface: "vmbr1" },
  ],
});
const NOW = 1_800_000_000;
const live = configsFromTexts({
  cluster: clusterOn("[IPSET management]\n198.51.100.0/24\n", "policy_in: DROP\n"),
});

describe("checkManagementAccess", () => {
  it("reports every source, node and port as reaching when the management IPSet holds the operator", () => {
    const r = checkManagementAccess({ configs: live, topology, sources: ["198.51.100.7"], nowSec: NOW });
    expect(r.map((x) => [x.node, x.port, x.reaches, x.decidedBy.kind])).toEqual([
      ["pve1", 8006, true, "implicit"],
      ["pve1", 22, true, "implicit"],
      ["pve2", 8006, true, "implicit"],
      ["pve2", 22, true, "implicit"],
    ]);
  });

  it("names the policy when enabling a DROP policy would lock out an operator outside the management IPSet", () => {
    const configs = configsFromTexts({ cluster: "[OPTIONS]\nenable: 0\n" });
    const r = checkManagementAccess({
      configs,
      topology,
      sources: ["203.0.113.9"],
      nowSec: NOW,
      changes: [{ scope: { kind: "cluster" }, options: { enable: 1, policy_in: "DROP" } }],
    });
    expect(r.every((x) => !x.reaches)).toBe(true);
    expect(r[0]).toMatchObject({
      source: "203.0.113.9",
      node: "pve1",
      port: 8006,
      action: "DROP",
      decidedBy: { kind: "policy", level: "cluster", option: "policy_in", value: "DROP" },
    });
  });

  it("names the planned rule that would drop the operator, overlaid on the live rule list (no enable = enabled)", () => {
    const r = checkManagementAccess({
      configs: live,
      topology,
      sources: ["198.51.100.7"],
      ports: [22],
      nodes: ["pve1"],
      nowSec: NOW,
      changes: [{ scope: { kind: "cluster" }, rules: [{ type: "in", action: "DROP" }] }],
    });
    expect(r).toEqual([
      expect.objectContaining({
        reaches: false,
        decidedBy: expect.objectContaining({ kind: "rule", level: "cluster", pos: 0, rule: "IN DROP" }),
      }),
    ]);
  });

  it("refuses a management IPSet change that removes the operator's network", () => {
    const change = { scope: { kind: "cluster" as const }, ipsets: { management: [{ cidr: "10.0.0.0/8" }] } };
    const r = checkManagementAccess({
      configs: live,
      topology,
      sources: ["198.51.100.7"],
      nowSec: NOW,
      changes: [change],
    });
    expect(r.filter((x) => !x.reaches).map((x) => `${x.node}:${x.port}`)).toEqual([
      "pve1:8006",
      "pve1:22",
      "pve2:8006",
      "pve2:22",
    ]);
  });

  it("sends the packet in on the interface that holds the node's address (host rules with -i see it)", () => {
    const configs = configsFromTexts({
      cluster: clusterOn("[RULES]\nIN ACCEPT -i vmbr1 -p tcp -dport 8006\n"),
    });
    const r = checkManagementAccess({ configs, topology, sources: ["203.0.113.9"], ports: [8006], nowSec: NOW });
    expect(r.map((x) => [x.node, x.reaches])).toEqual([
      ["pve1", false],
      ["pve2", true],
    ]);
  });

  it("tests a CIDR source at its first and last host address", () => {
    const configs = configsFromTexts({
      cluster: clusterOn("[IPSET management]\n198.51.100.0/25\n"),
    });
    const r = checkManagementAccess({
      configs,
      topology,
      sources: ["198.51.100.0/24"],
      ports: [22],
      nodes: ["pve1"],
      nowSec: NOW,
    });
    expect(r.map((x) => [x.address, x.reaches])).toEqual([
      ["198.51.100.1", true],
      ["198.51.100.254", false],
    ]);
  });

  it("skips sources of the other IP family than the node's address", () => {
    const r = checkManagementAccess({ configs: live, topology, sources: ["2001:db8::7"], nowSec: NOW });
    expect(r).toEqual([]);
  });

  it("treats an expired anti-lockout timestamp as the firewall off (everyone reaches)", () => {
    const configs = configsFromTexts({ cluster: `[OPTIONS]\nenable: ${NOW - 120}\npolicy_in: DROP\n` });
    const r = checkManagementAccess({ configs, topology, sources: ["203.0.113.9"], nowSec: NOW });
    expect(r.every((x) => x.reaches && x.decidedBy.kind === "gate")).toBe(true);
  });
});

describe("sourceAddresses", () => {
  it.each([
    ["192.0.2.7", ["192.0.2.7"]],
    ["192.0.2.0/24", ["192.0.2.1", "192.0.2.254"]],
    ["192.0.2.6/31", ["192.0.2.6", "192.0.2.7"]],
    ["2001:db8::/64", ["2001:db8::1", "2001:db8::ffff:ffff:ffff:fffe"]],
  ])("expands %s", (source, expected) => {
    expect(sourceAddresses(source)).toEqual(expected);
  });

  it("fails on a source that is no address", () => {
    expect(() => sourceAddresses("office")).toThrow("management source 'office': not an IP address or CIDR");
  });
});

describe("overlay", () => {
  it("replaces options, aliases, IPSets, groups and rules of one file without touching the input", () => {
    const before = JSON.stringify(live);
    const next = overlay(live, [
      {
        scope: { kind: "cluster" },
        options: { policy_in: null, policy_out: "DROP" },
        aliases: { office: "203.0.113.0/24" },
        ipsets: { management: null, admins: [{ cidr: "203.0.113.5" }] },
        groups: { web: [{ type: "in", action: "ACCEPT", proto: "tcp", dport: "80" }] },
        rules: [{ type: "group", action: "web" }],
      },
      { scope: { kind: "host", node: "pve1" }, options: { enable: 0 } },
      { scope: { kind: "guest", vmid: 100 }, options: { enable: 1 } },
    ]);
    expect(JSON.stringify(live)).toBe(before);
    expect(next.cluster.config).toEqual({
      options: { enable: "1", policy_out: "DROP" },
      aliases: [{ name: "office", cidr: "203.0.113.0/24" }],
      ipsets: [{ name: "admins", entries: [{ cidr: "203.0.113.5" }] }],
      rules: [{ type: "group", action: "web" }],
      groups: [{ name: "web", rules: [{ type: "in", action: "ACCEPT", proto: "tcp", dport: "80" }] }],
    });
    expect(next.cluster.layout).toBeUndefined();
    expect(next.hosts.pve1?.config.options).toEqual({ enable: "0" });
    expect(next.guests["100"]?.config.options).toEqual({ enable: "1" });
  });
});
