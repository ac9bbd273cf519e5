/**
 * Macros (Firewall.pm `$apply_macro`, `$pve_fw_macros`, `$pve_ipv6fw_macros`): one compiled rule
 * per template line, the IPv6 variants of Ping/Trcrt, IPv6-only macros, and the all-or-nothing
 * treatment of -p/-dport/-sport given next to a macro.
 */
import { clusterOn, runCases, simulator } from "./helpers";

const CLUSTER = clusterOn(`
[RULES]
IN SSH(ACCEPT) -source 198.51.100.0/24
IN https(ACCEPT) -source 10.44.0.0/16
IN DNS(ACCEPT) -source 10.53.0.0/16
IN Web(ACCEPT) -source 10.80.0.0/16
IN Ping(ACCEPT)
IN Trcrt(ACCEPT) -source 10.33.0.0/16
IN NeighborDiscovery(ACCEPT)
IN DHCPv6(ACCEPT)
IN GRE(ACCEPT) -source 10.47.0.0/16
IN SSH(ACCEPT) -source 10.22.0.0/16 -p tcp
IN SSH(ACCEPT) -source 10.23.0.0/16 -p tcp -dport 2222
IN DNS(ACCEPT) -source 10.54.0.0/16 -p udp
IN Nonsense(ACCEPT)
IN PMG(DROP) -source 10.66.0.0/16
IN HTTP(ACCEPT) -source 10.81.0.0/16 -p tcp -sport 40000:50000
`);

const build = () => simulator({ cluster: CLUSTER, hosts: { pve1: "[OPTIONS]\nndp: 0\n" } });
const cr = (pos: number, extra: Record<string, unknown> = {}) => ({ kind: "rule", level: "cluster", pos, ...extra });
const policy = { kind: "policy", level: "cluster", option: "policy_in" };
const v6 = { dest: "2001:db8::2" };

describe("macros", () => {
  runCases(build, [
    {
      it: "accepts SSH (tcp 22) by the SSH macro",
      packet: { from: "outside", to: "host", source: "198.51.100.5", dport: 22 },
      action: "ACCEPT",
      by: cr(0),
    },
    {
      it: "does not accept udp 22 by the SSH macro (its template is tcp only)",
      packet: { from: "outside", to: "host", source: "198.51.100.5", proto: "udp", dport: 22 },
      action: "DROP",
      by: policy,
    },
    {
      it: "finds a macro written in lower case and names it as Proxmox spells it (case-insensitive lookup)",
      packet: { from: "outside", to: "host", source: "10.44.0.1", dport: 443 },
      action: "ACCEPT",
      by: cr(1, { rule: "IN HTTPS(ACCEPT) -source 10.44.0.0/16" }),
    },
    {
      it: "accepts udp 53 by the DNS macro's first line",
      packet: { from: "outside", to: "host", source: "10.53.1.1", proto: "udp", dport: 53 },
      action: "ACCEPT",
      by: cr(2, { expansion: 0 }),
    },
    {
      it: "accepts tcp 53 by the DNS macro's second line",
      packet: { from: "outside", to: "host", source: "10.53.1.1", dport: 53 },
      action: "ACCEPT",
      by: cr(2, { expansion: 1 }),
    },
    {
      it: "accepts tcp 443 by the Web macro's second line",
      packet: { from: "outside", to: "host", source: "10.80.1.1", dport: 443 },
      action: "ACCEPT",
      by: cr(3, { expansion: 1 }),
    },
    {
      it: "accepts ICMP echo-request by Ping over IPv4",
      packet: { from: "outside", to: "host", proto: "icmp", dport: "echo-request" },
      action: "ACCEPT",
      by: cr(4),
    },
    {
      it: "accepts ICMPv6 echo-request by Ping over IPv6 (the IPv6 variant of the macro)",
      packet: { from: "outside", to: "host", source: "2001:db8:9::1", ...v6, proto: "icmpv6", dport: "echo-request" },
      action: "ACCEPT",
      by: cr(4),
    },
    {
      it: "accepts a traceroute probe (udp 33434:33524) by Trcrt",
      packet: { from: "outside", to: "host", source: "10.33.0.1", proto: "udp", dport: 33500 },
      action: "ACCEPT",
      by: cr(5, { expansion: 0 }),
    },
    {
      it: "accepts ICMPv6 router solicitation by NeighborDiscovery (host ndp is off here)",
      packet: { from: "outside", to: "host", source: "fe80::1", ...v6, proto: "icmpv6", dport: "router-solicitation" },
      action: "ACCEPT",
      by: cr(6, { expansion: 0 }),
    },
    {
      it: "accepts DHCPv6 over IPv6",
      packet: { from: "outside", to: "host", source: "fe80::1", ...v6, proto: "udp", sport: 546, dport: 547 },
      action: "ACCEPT",
      by: cr(7),
    },
    {
      it: "has no IPv4 rule for the IPv6-only DHCPv6 macro",
      packet: { from: "outside", to: "host", proto: "udp", sport: 546, dport: 547 },
      action: "DROP",
      by: policy,
    },
    {
      it: "accepts protocol 47 by the GRE macro (a protocol number)",
      packet: { from: "outside", to: "host", source: "10.47.0.1", proto: "gre" },
      action: "ACCEPT",
      by: cr(8),
    },
    {
      it: "accepts with -p tcp next to SSH (equal to the macro's own proto)",
      packet: { from: "outside", to: "host", source: "10.22.0.1", dport: 22 },
      action: "ACCEPT",
      by: cr(9),
    },
    {
      it: "skips SSH with -dport 2222 entirely (conflicts with the macro's dport 22)",
      packet: { from: "outside", to: "host", source: "10.23.0.1", dport: 22 },
      action: "DROP",
      by: policy,
    },
    {
      it: "skips DNS with -p udp entirely, its udp line included (the tcp line conflicts)",
      packet: { from: "outside", to: "host", source: "10.54.0.1", proto: "udp", dport: 53 },
      action: "DROP",
      by: policy,
    },
    {
      it: "drops by a macro with a DROP action",
      packet: { from: "outside", to: "host", source: "10.66.0.1", dport: 8006 },
      action: "DROP",
      by: cr(13),
    },
    {
      it: "narrows a macro by the rule's own -sport",
      packet: { from: "outside", to: "host", source: "10.81.0.1", sport: 45000, dport: 80 },
      action: "ACCEPT",
      by: cr(14),
    },
    {
      it: "does not match a source port outside the rule's -sport",
      packet: { from: "outside", to: "host", source: "10.81.0.1", sport: 30000, dport: 80 },
      action: "DROP",
      by: policy,
    },
  ]);
});
