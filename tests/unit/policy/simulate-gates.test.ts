/**
 * Which levels filter at all (SIMULATOR.md §1: cluster `enable`, host `enable`, guest file and
 * `enable`, NIC `firewall=1`) and lines Proxmox skips while the rest of the file still applies.
 */
import { clusterOn, runCases, simulator } from "./helpers";

const NOW = 1_800_000_000;
const blacklist = "[IPSET blacklist]\n203.0.113.66\n";

describe("the cluster gate", () => {
  runCases(
    () => simulator({ cluster: "[OPTIONS]\nenable: 0\n", guests: { "100": "[OPTIONS]\nenable: 1\n" } }),
    [
      {
        it: "filters nothing on the host with the cluster firewall off (compile returns empty rulesets)",
        packet: { from: "outside", to: "host", dport: 22 },
        action: "ACCEPT",
        by: { kind: "gate", gate: "cluster-disabled" },
      },
      {
        it: "filters nothing for an enabled guest with the cluster firewall off",
        packet: { from: "outside", to: "vm100", dport: 22 },
        action: "ACCEPT",
        by: { kind: "gate", gate: "cluster-disabled" },
      },
    ],
  );
  runCases(
    () => simulator({}),
    [
      {
        it: "filters nothing without a cluster.fw (enable defaults to 0)",
        packet: { from: "outside", to: "host", dport: 22 },
        action: "ACCEPT",
        by: { kind: "gate", gate: "cluster-disabled" },
      },
    ],
  );
  const at = (age: number) => () => simulator({ cluster: `[OPTIONS]\nenable: ${NOW - age}\n` }, { nowSec: NOW });
  runCases(at(30), [
    {
      it: "filters while an anti-lockout enable timestamp is 30 s old",
      packet: { from: "outside", to: "host", dport: 9999 },
      action: "DROP",
      by: { kind: "policy", level: "cluster" },
    },
  ]);
  runCases(at(60), [
    {
      it: "filters while the timestamp is exactly 60 s old (parse_clusterfw_option: off only when older than 60 s)",
      packet: { from: "outside", to: "host", dport: 9999 },
      action: "DROP",
      by: { kind: "policy", level: "cluster" },
    },
  ]);
  runCases(at(61), [
    {
      it: "filters nothing once the timestamp is 61 s old (a stale timestamp reads as 0)",
      packet: { from: "outside", to: "host", dport: 9999 },
      action: "ACCEPT",
      by: { kind: "gate", gate: "cluster-disabled" },
    },
  ]);
});

describe("host, guest and NIC gates", () => {
  const build = () =>
    simulator({
      cluster: clusterOn(`${blacklist}\n[RULES]\nIN DROP -p tcp -dport 22\n`),
      hosts: { pve1: "[OPTIONS]\nenable: 0\nnftables: 1\n" },
      guests: {
        "100": "[OPTIONS]\nenable: 1\n",
        "101": "[OPTIONS]\nenable: 0\n\n[RULES]\nIN DROP\n",
        "200": "[RULES]\nIN DROP\n",
      },
    });
  runCases(build, [
    {
      it: "accepts host traffic with the host firewall off (PVEFW-INPUT stays empty)",
      packet: { from: "outside", to: "host", dport: 9999 },
      action: "ACCEPT",
      by: { kind: "gate", gate: "host-disabled" },
    },
    {
      it: "does not apply cluster rules anywhere when the host firewall is off",
      packet: { from: "outside", to: "host", dport: 22 },
      action: "ACCEPT",
      by: { kind: "gate", gate: "host-disabled" },
    },
    {
      it: "still filters an enabled guest when the host firewall is off (each gate is independent)",
      packet: { from: "outside", to: "vm100", dport: 80 },
      action: "DROP",
      by: { kind: "policy", level: "guest", vmid: 100 },
    },
    {
      it: "does not filter a guest whose firewall is disabled (enable: 0), whatever its rules say",
      packet: { from: "outside", to: "vm101", dport: 80 },
      action: "ACCEPT",
      by: { kind: "gate", gate: "guest-disabled" },
    },
    {
      it: "does not filter a guest whose file has no enable option (the default is off)",
      packet: { from: "outside", to: "ct200", dport: 80 },
      action: "ACCEPT",
      by: { kind: "gate", gate: "guest-disabled" },
    },
    {
      it: "still drops a blacklisted source towards a firewalled NIC of a disabled guest (PVEFW-FWBR-IN input filters)",
      packet: { from: "outside", to: "vm101", source: "203.0.113.66", dport: 80 },
      action: "DROP",
      by: { kind: "implicit", name: "blacklist", chain: "PVEFW-FWBR-IN" },
    },
    {
      it: "does not drop a blacklisted source towards a NIC without firewall=1 (no firewall bridge; Proxmox's simulator differs)",
      packet: { from: "outside", to: "vm102", source: "203.0.113.66", dport: 80 },
      action: "ACCEPT",
      by: { kind: "gate", gate: "nic-no-firewall" },
    },
  ]);
  runCases(
    () => simulator({ cluster: clusterOn(), guests: {} }),
    [
      {
        it: "does not filter a guest without a .fw file",
        packet: { from: "outside", to: "vm100", dport: 80 },
        action: "ACCEPT",
        by: { kind: "gate", gate: "guest-no-file" },
      },
    ],
  );

  it("warns that a node with host option nftables: 1 runs the nftables backend", () => {
    expect(build().warnings).toEqual([expect.stringContaining("nftables: 1")]);
  });
});

describe("lines Proxmox skips", () => {
  const CLUSTER = `[OPTIONS]
enable: 1
bogus_option: 1
policy_out: MAYBE

[ALIASES]
v6alias 2001:db8::99

[IPSET dup]
198.18.0.1

[IPSET dup]
198.18.0.2

[RULES]
IN ACCEPT -p tcp -dport 7001 -bogus x
IN ACCEPT -p tcp -dport 7002
IN ACCEPT -p ipv6-icmp -dport echo-request
IN ACCEPT -p icmpv6 -icmp-type echo-request
IN ACCEPT -p icmp -dport echo-request,echo-reply
IN ACCEPT -source 10.10.10.10 -p tcp -dport 0
IN ACCEPT -source v6alias -p icmp
FORWARD ACCEPT -p tcp -dport 7004
IN ACCEPT -p tcp -dport 7005 -log info
IN ACCEPT -source +dup -p tcp -dport 7006
`;
  const cr = (pos: number) => ({ kind: "rule", level: "cluster", pos });
  const policy = { kind: "policy", level: "cluster", option: "policy_in" };
  const v6 = { source: "2001:db8:9::1", dest: "2001:db8::2" };
  runCases(
    () => simulator({ cluster: CLUSTER }),
    [
      {
        it: "drops a rule line with an unknown parameter entirely",
        packet: { from: "outside", to: "host", dport: 7001 },
        action: "DROP",
        by: policy,
      },
      {
        it: "applies the next rule (the dropped line has no position)",
        packet: { from: "outside", to: "host", dport: 7002 },
        action: "ACCEPT",
        by: cr(0),
      },
      {
        it: "keeps the default policy_out when the option's value is invalid (the line is skipped)",
        packet: { from: "host", to: "outside", dport: 80 },
        action: "ACCEPT",
        by: { kind: "policy", option: "policy_out", value: "ACCEPT" },
      },
      {
        it: "skips -p ipv6-icmp with -dport (the generator dies: that protocol has no ports) and applies the next rule",
        packet: { from: "outside", to: "host", ...v6, proto: "icmpv6", dport: "echo-request" },
        action: "ACCEPT",
        by: cr(2),
      },
      {
        it: "skips an ICMP rule whose -dport lists two types (iptables' --icmp-type takes one)",
        packet: { from: "outside", to: "host", proto: "icmp", dport: "echo-reply" },
        action: "DROP",
        by: policy,
      },
      {
        it: "matches every port for -dport 0 (Perl sees 0 as no port)",
        packet: { from: "outside", to: "host", source: "10.10.10.10", dport: 12345 },
        action: "ACCEPT",
        by: cr(4),
      },
      {
        it: "never applies forward rules to host traffic (iptables backend)",
        packet: { from: "outside", to: "host", dport: 7004 },
        action: "DROP",
        by: policy,
      },
      {
        it: "drops a line mixing an IPv6 alias with -p icmp entirely, so the next rule moves up a position",
        packet: { from: "outside", to: "host", dport: 7005 },
        action: "ACCEPT",
        by: cr(6),
      },
      {
        it: "keeps only the last of two [IPSET dup] sections (the second replaces the first)",
        packet: { from: "outside", to: "host", source: "198.18.0.2", dport: 7006 },
        action: "ACCEPT",
        by: cr(7),
      },
      {
        it: "forgets the entries of the first [IPSET dup] section",
        packet: { from: "outside", to: "host", source: "198.18.0.1", dport: 7006 },
        action: "DROP",
        by: policy,
      },
    ],
  );
  runCases(
    () => simulator({ cluster: "[OPTIONS]\r\nenable: 1\r\npolicy_in: DROP\r\n" }),
    [
      {
        it: "keeps the firewall off for a CRLF cluster.fw ('[OPTIONS]\\r' is no section header)",
        packet: { from: "outside", to: "host", dport: 22 },
        action: "ACCEPT",
        by: { kind: "gate", gate: "cluster-disabled" },
      },
    ],
  );
});
