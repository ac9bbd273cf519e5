/**
 * Security groups (Firewall.pm `ruleset_add_group_rule`, `generate_group_rules`): a jump (with
 * `-i` on host rules only) into GROUP-<name>-IN/OUT, which clears the accept-mark, accepts by
 * setting it, and drops or rejects for good; the caller then tests the mark.
 */
import { clusterOn, runCases, simulator } from "./helpers";

const CLUSTER = clusterOn(`
[ALIASES]
office 203.0.113.0/24

[IPSET webclients]
198.51.100.0/24

[RULES]
GROUP web -i vmbr1
GROUP ssh
GROUP Web
GROUP nosuch

[group web]
IN ACCEPT -p tcp -dport 80
IN DROP -p tcp -dport 81
IN REJECT -p tcp -dport 82
OUT DROP -p tcp -dport 83
FORWARD DROP -p tcp -dport 84

[group ssh]
IN ACCEPT -source office -p tcp -dport 22
IN DROP -p tcp -dport 22
IN ACCEPT -source +webclients -p tcp -dport 2222
`);

const VM100 = `[OPTIONS]
enable: 1

[ALIASES]
office 192.0.2.128/25

[IPSET webclients]
10.9.9.0/24

[RULES]
GROUP web
GROUP ssh
IN ACCEPT -p tcp -dport 9000
`;

const build = () => simulator({ cluster: CLUSTER, guests: { "100": VM100 } });
const inGroup = (group: string, pos: number, via: Record<string, unknown>) => ({
  kind: "rule",
  level: "group",
  group,
  pos,
  via: expect.objectContaining(via),
});
const clusterPolicy = { kind: "policy", level: "cluster", option: "policy_in" };

describe("security groups in host rules", () => {
  runCases(build, [
    {
      it: "accepts by a group rule when the packet arrives on the GROUP rule's -i vmbr1",
      packet: { from: "vmbr1/eth1", to: "host", dport: 80 },
      action: "ACCEPT",
      by: { ...inGroup("web", 0, { level: "cluster", pos: 0 }), chain: "GROUP-web-IN" },
    },
    {
      it: "skips the whole group for a packet on another interface (the jump carries -i)",
      packet: { from: "outside", to: "host", dport: 80 },
      action: "DROP",
      by: clusterPolicy,
    },
    {
      it: "drops for good by a DROP inside a group",
      packet: { from: "vmbr1/eth1", to: "host", dport: 81 },
      action: "DROP",
      by: inGroup("web", 1, { level: "cluster", pos: 0 }),
    },
    {
      it: "rejects by a REJECT inside a group",
      packet: { from: "vmbr1/eth1", to: "host", dport: 82 },
      action: "REJECT",
      by: inGroup("web", 2, { level: "cluster", pos: 0 }),
    },
    {
      it: "ignores a group's forward rules (only in/out rules are compiled)",
      packet: { from: "vmbr1/eth1", to: "host", dport: 84 },
      action: "DROP",
      by: clusterPolicy,
    },
    {
      it: "accepts by the first matching group rule (source alias resolved in the cluster)",
      packet: { from: "outside", to: "host", source: "203.0.113.5", dport: 22 },
      action: "ACCEPT",
      by: inGroup("ssh", 0, { level: "cluster", pos: 1 }),
    },
    {
      it: "drops by the group's next rule when the first does not match (first match wins inside a group)",
      packet: { from: "outside", to: "host", source: "198.18.0.1", dport: 22 },
      action: "DROP",
      by: inGroup("ssh", 1, { level: "cluster", pos: 1 }),
    },
    {
      it: "accepts by a group rule naming a cluster IPSet",
      packet: { from: "outside", to: "host", source: "198.51.100.9", dport: 2222 },
      action: "ACCEPT",
      by: inGroup("ssh", 2, { level: "cluster", pos: 1 }),
    },
    {
      it: "drops by a group's OUT rule on HOST-OUT when the out-interface matches -i",
      packet: { from: "host", to: "vmbr1/eth1", dport: 83 },
      action: "DROP",
      by: { ...inGroup("web", 3, { level: "cluster", pos: 0 }), chain: "GROUP-web-OUT" },
    },
    {
      it: "accepts the same OUT packet towards vmbr0 (the group is skipped)",
      packet: { from: "host", to: "outside", dport: 83 },
      action: "ACCEPT",
      by: { kind: "policy", option: "policy_out" },
    },
    {
      it: "applies nothing for a mixed-case or missing group name (Proxmox lower-cases group names; empty chain)",
      packet: { from: "outside", to: "host", source: "198.18.0.1", dport: 9000 },
      action: "DROP",
      by: clusterPolicy,
    },
  ]);
});

describe("security groups in guest rules", () => {
  runCases(build, [
    {
      it: "applies a group in a guest without any interface condition",
      packet: { from: "outside", to: "vm100", dport: 80 },
      action: "ACCEPT",
      by: { ...inGroup("web", 0, { level: "guest", vmid: 100, pos: 0 }), chain: "GROUP-web-IN" },
    },
    {
      it: "resolves a group's alias in the cluster, never in the guest (groups are compiled with cluster scope)",
      packet: { from: "outside", to: "vm100", source: "192.0.2.200", dport: 22 },
      action: "DROP",
      by: inGroup("ssh", 1, { level: "guest", pos: 1 }),
    },
    {
      it: "resolves a group's IPSet in the cluster, never in the guest",
      packet: { from: "outside", to: "vm100", source: "10.9.9.9", dport: 2222 },
      action: "DROP",
      by: { kind: "policy", level: "guest", vmid: 100, option: "policy_in" },
    },
    {
      it: "falls through a group without a match to the guest's next rule",
      packet: { from: "outside", to: "vm100", dport: 9000 },
      action: "ACCEPT",
      by: { kind: "rule", level: "guest", vmid: 100, pos: 2 },
    },
    {
      it: "drops by a group's OUT rule in the guest's OUT chain",
      packet: { from: "vm100", to: "outside", dport: 83 },
      action: "DROP",
      by: inGroup("web", 3, { level: "guest", pos: 0 }),
    },
  ]);
});

describe("accept-mark carry-over (SIMULATOR.md §12.10)", () => {
  runCases(build, [
    {
      it: "accepts guest -> host past a host GROUP rule with -i: its mark test has no -i and sees the guest OUT's mark",
      packet: { from: "vm100", to: "host", dport: 9999 },
      action: "ACCEPT",
      by: { kind: "policy", level: "guest", vmid: 100, option: "policy_out", value: "ACCEPT" },
    },
    {
      it: "drops the same port from outside, where no mark is set",
      packet: { from: "outside", to: "host", dport: 9999 },
      action: "DROP",
      by: clusterPolicy,
    },
  ]);
});

describe("a group that fails to compile", () => {
  const cluster = clusterOn(`
[ALIASES]
office 203.0.113.0/24

[RULES]
GROUP broken

[group broken]
IN ACCEPT -p tcp -dport 5000
IN ACCEPT -source guest/office -p tcp -dport 5001
IN ACCEPT -p tcp -dport 5002
`);
  const vm = "[OPTIONS]\nenable: 1\n\n[RULES]\nGROUP broken\n";
  const build = () => simulator({ cluster, guests: { "100": vm } });
  runCases(build, [
    {
      it: "leaves the group out of the host chain (the per-rule eval of enable_host_firewall catches the die)",
      packet: { from: "outside", to: "host", dport: 5000 },
      action: "DROP",
      by: clusterPolicy,
    },
    {
      it: "keeps the group's rules before the failing one in GROUP-broken-IN, which a guest still jumps to",
      packet: { from: "outside", to: "vm100", dport: 5000 },
      action: "ACCEPT",
      by: inGroup("broken", 0, { level: "guest", vmid: 100 }),
    },
    {
      it: "misses the group's rules after the failing one",
      packet: { from: "outside", to: "vm100", dport: 5002 },
      action: "DROP",
      by: { kind: "policy", level: "guest", vmid: 100 },
    },
    {
      it: "does not filter the guest's outbound traffic (building GROUP-broken-OUT dies and aborts the guest)",
      packet: { from: "vm100", to: "outside", dport: 25 },
      action: "ACCEPT",
      by: { kind: "unfiltered" },
    },
  ]);

  it("warns that the group's effect is undefined", () => {
    const v = build().simulate({ from: "outside", to: "vm100", dport: 5000 });
    expect(v.warnings).toEqual([
      expect.stringContaining("security group broken: rule 1 (IN ACCEPT -source guest/office -p tcp -dport 5001)"),
      expect.stringContaining("guest 100: Proxmox stops building this guest's chains"),
    ]);
  });
});
