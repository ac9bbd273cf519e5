/**
 * Packets to and from the node itself (PVEFW-HOST-IN / PVEFW-HOST-OUT). Each case says which fact
 * decides it: Firewall.pm `enable_host_firewall` order (lo, conntrack, NDP, input filters, IGMP,
 * host rules, cluster rules, management, corosync, policy), and the standard chains.
 */
import { type Case, clusterOn, runCases, simulator } from "./helpers";

const CLUSTER = clusterOn(`
[ALIASES]
admin 203.0.113.10

[IPSET blacklist]
203.0.113.96/28
!203.0.113.100

[IPSET management]
203.0.113.0/25

[RULES]
IN DROP -source 203.0.113.50 -p tcp -dport 9000
IN ACCEPT -source 203.0.113.51 -p tcp -dport 9100
IN ACCEPT -i vmbr1 -p tcp -dport 9200
IN ACCEPT -i net0 -p tcp -dport 9300
|IN ACCEPT -p tcp -dport 9400
IN accept -p tcp -dport 9500
IN ACCEPT -dport 9600
IN ACCEPT -p tcp -dport 9601
IN REJECT -p tcp -dport 9700
IN REJECT -p udp -dport 9700
IN REJECT -source 203.0.113.70 -p icmp -dport echo-request
IN ACCEPT -p icmp -dport echo-request
IN ACCEPT -p icmp -dport destination-unreachable
IN DROP -source admin -p tcp -dport 22
OUT DROP -p tcp -dport 25
OUT REJECT -i vmbr1 -p tcp -dport 26
`);

const HOST = `[OPTIONS]
tcpflags: 1

[RULES]
IN ACCEPT -source 203.0.113.50 -p tcp -dport 9000
IN DROP -source 203.0.113.51 -p tcp -dport 9100
`;

const build = () => simulator({ cluster: CLUSTER, hosts: { pve1: HOST } });
const rule = (level: string, pos: number) => ({ kind: "rule", level, pos });
const policy = { kind: "policy", level: "cluster", option: "policy_in", value: "DROP" };
const mgmt = { kind: "implicit", name: "management" };

describe("host input: rule order", () => {
  runCases(build, [
    {
      it: "accepts by a host rule before a conflicting cluster rule (host.fw rules come first)",
      packet: { from: "outside", to: "host", source: "203.0.113.50", dport: 9000 },
      action: "ACCEPT",
      by: { ...rule("host", 0), node: "pve1", chain: "PVEFW-HOST-IN" },
    },
    {
      it: "drops by a host rule even when a later cluster rule accepts",
      packet: { from: "outside", to: "host", source: "203.0.113.51", dport: 9100 },
      action: "DROP",
      by: rule("host", 1),
    },
    {
      it: "accepts a -i vmbr1 rule for a packet arriving on vmbr1",
      packet: { from: "vmbr1/eth1", to: "host", dport: 9200 },
      action: "ACCEPT",
      by: rule("cluster", 2),
    },
    {
      it: "ignores a -i vmbr1 rule for a packet arriving on vmbr0 (the bridge is the in-interface)",
      packet: { from: "outside", to: "host", dport: 9200 },
      action: "DROP",
      by: policy,
    },
    {
      it: "never matches -i net0 on a host rule (no node interface is called net0)",
      packet: { from: "outside", to: "host", dport: 9300 },
      action: "DROP",
      by: policy,
    },
    {
      it: "skips a disabled rule (| prefix)",
      packet: { from: "outside", to: "host", dport: 9400 },
      action: "DROP",
      by: policy,
    },
    {
      it: "skips a rule with a lower-case action (verify_rule: unknown action 'accept')",
      packet: { from: "outside", to: "host", dport: 9500 },
      action: "DROP",
      by: policy,
    },
    {
      it: "skips a rule with -dport but no -p (verify_rule: dport requires proto)",
      packet: { from: "outside", to: "host", dport: 9600 },
      action: "DROP",
      by: policy,
    },
    {
      it: "still applies the rule after a skipped one (skipped rules keep their positions)",
      packet: { from: "outside", to: "host", dport: 9601 },
      action: "ACCEPT",
      by: rule("cluster", 7),
    },
    {
      it: "rejects TCP for a REJECT rule (PVEFW-reject answers with a TCP reset)",
      packet: { from: "outside", to: "host", dport: 9700 },
      action: "REJECT",
      by: { ...rule("cluster", 8), note: "rejected with a TCP reset" },
    },
    {
      it: "rejects UDP for a REJECT rule (ICMP port-unreachable)",
      packet: { from: "outside", to: "host", proto: "udp", dport: 9700 },
      action: "REJECT",
      by: rule("cluster", 9),
    },
    {
      it: "drops ICMP hit by a REJECT rule (the kernel's PVEFW-reject never rejects ICMP)",
      packet: { from: "outside", to: "host", source: "203.0.113.70", proto: "icmp", dport: "echo-request" },
      action: "DROP",
      by: { ...rule("cluster", 10), note: "REJECT of ICMP is a DROP in the kernel (PVEFW-reject)" },
    },
  ]);
});

describe("host input: management access", () => {
  runCases(build, [
    {
      it: "drops SSH from a management address when a cluster DROP comes first (user rules precede the management accepts)",
      packet: { from: "outside", to: "host", source: "203.0.113.10", dport: 22 },
      action: "DROP",
      by: rule("cluster", 13),
    },
    {
      it: "accepts the GUI (8006) from the same management address (the DROP only names port 22)",
      packet: { from: "outside", to: "host", source: "203.0.113.10", dport: 8006 },
      action: "ACCEPT",
      by: mgmt,
    },
    {
      it: "accepts SSH from another address of the management IPSet",
      packet: { from: "outside", to: "host", source: "203.0.113.20", dport: 22 },
      action: "ACCEPT",
      by: mgmt,
    },
    {
      it: "accepts the GUI from the local network, which Proxmox always adds to the management IPSet",
      packet: { from: "outside", to: "host", source: "192.0.2.50", dport: 8006 },
      action: "ACCEPT",
      by: { ...mgmt, detail: expect.stringContaining("192.0.2.0/24") },
    },
    {
      it: "accepts the SPICE proxy (3128) from the management IPSet",
      packet: { from: "outside", to: "host", source: "203.0.113.20", dport: 3128 },
      action: "ACCEPT",
      by: mgmt,
    },
    {
      it: "accepts VNC consoles (5900:5999) from the management IPSet",
      packet: { from: "outside", to: "host", source: "203.0.113.20", dport: 5950 },
      action: "ACCEPT",
      by: mgmt,
    },
    {
      it: "accepts migration (60000:60050) from the management IPSet",
      packet: { from: "outside", to: "host", source: "203.0.113.20", dport: 60010 },
      action: "ACCEPT",
      by: mgmt,
    },
    {
      it: "drops a port the management accepts do not list (8007)",
      packet: { from: "outside", to: "host", source: "203.0.113.20", dport: 8007 },
      action: "DROP",
      by: policy,
    },
    {
      it: "drops the GUI from outside the management IPSet and the local network (policy_in DROP)",
      packet: { from: "outside", to: "host", source: "203.0.113.200", dport: 8006 },
      action: "DROP",
      by: policy,
    },
    {
      it: "drops management traffic that is UDP (the accepts are TCP only)",
      packet: { from: "outside", to: "host", source: "203.0.113.20", proto: "udp", dport: 8006 },
      action: "DROP",
      by: policy,
    },
  ]);
});

describe("host input: input filters and built-in accepts", () => {
  runCases(build, [
    {
      it: "drops a blacklisted source before the management accept (blacklist is an input filter)",
      packet: { from: "outside", to: "host", source: "203.0.113.97", dport: 8006 },
      action: "DROP",
      by: { kind: "implicit", name: "blacklist" },
    },
    {
      it: "lets a nomatch entry of the blacklist through (longest prefix wins)",
      packet: { from: "outside", to: "host", source: "203.0.113.100", dport: 8006 },
      action: "ACCEPT",
      by: mgmt,
    },
    {
      it: "drops a multicast source as a smurf (nosmurfs is on by default)",
      packet: { from: "outside", to: "host", source: "224.0.0.5", dport: 8006 },
      action: "DROP",
      by: { kind: "implicit", name: "smurfs" },
    },
    {
      it: "drops a broadcast source type as a smurf",
      packet: { from: "outside", to: "host", source: "192.0.2.255", srctype: "BROADCAST", dport: 8006 },
      action: "DROP",
      by: { kind: "implicit", name: "smurfs" },
    },
    {
      it: "lets source 0.0.0.0 pass the smurf check (DHCP), leaving the decision to the policy",
      packet: { from: "outside", to: "host", source: "0.0.0.0", proto: "udp", dport: 67, sport: 68 },
      action: "DROP",
      by: policy,
    },
    {
      it: "drops a TCP SYN from source port 0 when the host option tcpflags is on",
      packet: { from: "outside", to: "host", source: "203.0.113.20", dport: 8006, sport: 0 },
      action: "DROP",
      by: { kind: "implicit", name: "tcpflags" },
    },
    {
      it: "accepts IGMP before any user rule",
      packet: { from: "outside", to: "host", proto: "igmp" },
      action: "ACCEPT",
      by: { kind: "implicit", name: "igmp" },
    },
    {
      it: "accepts corosync from another node's ring-0 address to this node's ring-0 address",
      packet: { from: "outside", to: "host", source: "192.0.2.3", proto: "udp", dport: 5405 },
      action: "ACCEPT",
      by: { kind: "implicit", name: "corosync" },
    },
    {
      it: "accepts corosync on ring 1 between the nodes' ring-1 addresses",
      packet: { from: "outside", to: "host", source: "198.51.100.3", dest: "198.51.100.2", proto: "udp", dport: 5404 },
      action: "ACCEPT",
      by: { kind: "implicit", name: "corosync" },
    },
    {
      it: "drops corosync across rings (ring-1 source to the ring-0 address)",
      packet: { from: "outside", to: "host", source: "198.51.100.3", proto: "udp", dport: 5405 },
      action: "DROP",
      by: policy,
    },
    {
      it: "drops corosync from an address that is no node's ring address",
      packet: { from: "outside", to: "host", source: "192.0.2.50", proto: "udp", dport: 5405 },
      action: "DROP",
      by: policy,
    },
    {
      it: "drops corosync multicast with the knet transport (no multicast accept is generated)",
      packet: { from: "outside", to: "host", source: "192.0.2.3", dest: "239.192.1.1", proto: "udp", dport: 5405 },
      action: "DROP",
      by: { ...policy, note: expect.stringContaining("multicast") },
    },
  ]);
});

describe("host input: ICMP and the DROP policy", () => {
  runCases(build, [
    {
      it: "accepts ICMP echo-request by name",
      packet: { from: "outside", to: "host", proto: "icmp", dport: "echo-request" },
      action: "ACCEPT",
      by: rule("cluster", 11),
    },
    {
      it: "accepts ICMP type 8 given as a number (the kernel compares types, not names)",
      packet: { from: "outside", to: "host", proto: "icmp", dport: "8" },
      action: "ACCEPT",
      by: rule("cluster", 11),
    },
    {
      it: "defaults an ICMP packet without a type to echo-request",
      packet: { from: "outside", to: "host", proto: "icmp" },
      action: "ACCEPT",
      by: rule("cluster", 11),
    },
    {
      it: "matches port-unreachable (3/3) with a destination-unreachable rule (a type name covers all its codes)",
      packet: { from: "outside", to: "host", proto: "icmp", dport: "port-unreachable" },
      action: "ACCEPT",
      by: rule("cluster", 12),
    },
    {
      it: "accepts time-exceeded under the DROP policy (PVEFW-Drop accepts critical ICMP)",
      packet: { from: "outside", to: "host", proto: "icmp", dport: "time-exceeded" },
      action: "ACCEPT",
      by: { ...policy, note: expect.stringContaining("critical ICMP") },
    },
    {
      it: "drops ICMP redirect under the DROP policy",
      packet: { from: "outside", to: "host", proto: "icmp", dport: "redirect" },
      action: "DROP",
      by: policy,
    },
  ]);
});

describe("host output", () => {
  runCases(build, [
    {
      it: "drops by a cluster OUT rule",
      packet: { from: "host", to: "outside", dport: 25 },
      action: "DROP",
      by: { ...rule("cluster", 14), chain: "PVEFW-HOST-OUT" },
    },
    {
      it: "rejects by an OUT rule whose -i is matched as the out-interface (vmbr1)",
      packet: { from: "host", to: "vmbr1/eth1", dport: 26 },
      action: "REJECT",
      by: rule("cluster", 15),
    },
    {
      it: "accepts the same port towards vmbr0 (the rule's interface differs)",
      packet: { from: "host", to: "outside", dport: 26 },
      action: "ACCEPT",
      by: { kind: "policy", option: "policy_out", value: "ACCEPT" },
    },
    {
      it: "accepts the GUI towards the local network before the output policy",
      packet: { from: "host", to: "outside", dest: "192.0.2.3", dport: 8006 },
      action: "ACCEPT",
      by: { kind: "implicit", name: "local-network" },
    },
  ]);
});

const cases =
  (policyIn: string, transport?: string): (() => ReturnType<typeof simulator>) =>
  () =>
    simulator(
      { cluster: clusterOn("", `policy_in: ${policyIn}\n`) },
      transport
        ? {
            topology: {
              nodes: [
                { name: "pve1", ip: "192.0.2.2" },
                { name: "pve2", ip: "192.0.2.3" },
              ],
              corosync: { transport: transport as "udp" },
            },
          }
        : {},
    );

describe("host input: REJECT policy", () => {
  const reject = { kind: "policy", option: "policy_in", value: "REJECT" };
  runCases(cases("REJECT"), [
    {
      it: "rejects TCP at the REJECT policy",
      packet: { from: "outside", to: "host", dport: 4444 },
      action: "REJECT",
      by: reject,
    },
    {
      it: "rejects Microsoft SMB (udp 137) at the REJECT policy",
      packet: { from: "outside", to: "host", proto: "udp", dport: 137 },
      action: "REJECT",
      by: reject,
    },
    {
      it: "drops UPnP (udp 1900) quietly under the REJECT policy (PVEFW-Reject)",
      packet: { from: "outside", to: "host", proto: "udp", dport: 1900 },
      action: "DROP",
      by: { ...reject, note: expect.stringContaining("UPnP") },
    },
    {
      it: "drops DNS replies (udp sport 53) under the REJECT policy",
      packet: { from: "outside", to: "host", proto: "udp", sport: 53, dport: 40000 },
      action: "DROP",
      by: reject,
    },
    {
      it: "drops ICMP at the REJECT policy (PVEFW-reject never rejects ICMP)",
      packet: { from: "outside", to: "host", proto: "icmp", dport: "echo-request" },
      action: "DROP",
      by: reject,
    },
    {
      it: "drops a broadcast destination under the REJECT policy (PVEFW-DropBroadcast)",
      packet: { from: "outside", to: "host", dest: "255.255.255.255", proto: "udp", dport: 9 },
      action: "DROP",
      by: { ...reject, note: expect.stringContaining("broadcast") },
    },
    {
      it: "accepts fragmentation-needed under the REJECT policy (critical ICMP)",
      packet: { from: "outside", to: "host", proto: "icmp", dport: "fragmentation-needed" },
      action: "ACCEPT",
      by: reject,
    },
  ]);
});

describe("host input: ACCEPT policy and corosync multicast", () => {
  runCases(cases("ACCEPT"), [
    {
      it: "accepts anything at the ACCEPT policy",
      packet: { from: "outside", to: "host", dport: 4444 },
      action: "ACCEPT",
      by: { kind: "policy", option: "policy_in", value: "ACCEPT" },
    },
  ]);
  runCases(cases("DROP", "udp"), [
    {
      it: "accepts corosync multicast when the totem transport is udp",
      packet: { from: "outside", to: "host", source: "192.0.2.3", dest: "239.192.1.1", proto: "udp", dport: 5405 },
      action: "ACCEPT",
      by: { kind: "implicit", name: "corosync", detail: expect.stringContaining("multicast") },
    },
  ] satisfies Case[]);
});
