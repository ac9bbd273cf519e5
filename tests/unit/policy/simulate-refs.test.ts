/**
 * Aliases and IPSets at dc and guest scope (Firewall.pm `ipt_gen_src_or_dst_match`,
 * `resolve_alias`, `generate_ipset_chains`), kernel `hash:net` semantics with `nomatch`, and the
 * read-order rule of `verify_rule` (a rule may only name what its file defined above it).
 */
import { clusterOn, runCases, simulator } from "./helpers";

const CLUSTER = clusterOn(`
[ALIASES]
db 10.0.0.10
shared 10.0.0.20
clusteronly 10.0.0.30
v6host 2001:db8::30

[IPSET office]
203.0.113.0/24
!203.0.113.128/25
203.0.113.200
clusteronly

[IPSET both]
198.51.100.0/24
2001:db8:77::/48

[IPSET empty]

[IPSET masked]
198.18.5.77/24

[IPSET all]
0.0.0.0/0

[RULES]
IN ACCEPT -source +office -p tcp -dport 8000
IN ACCEPT -source +both -p tcp -dport 8001
IN ACCEPT -source +empty -p tcp -dport 8002
IN ACCEPT -source +masked -p tcp -dport 8003
IN ACCEPT -source 10.5.0.1-10.5.0.9 -p tcp -dport 8004
IN ACCEPT -source 10.6.0.1,10.6.0.2 -p tcp -dport 8005
IN ACCEPT -source +management -p tcp -dport 8006
IN ACCEPT -source dc/db -p tcp -dport 8007
IN ACCEPT -source +all -p tcp -dport 8008
`);

const VM100 = `[OPTIONS]
enable: 1

[ALIASES]
shared 10.0.0.21

[IPSET both]
10.7.0.0/16

[IPSET local]
shared
dc/shared
clusteronly
nosuchalias

[RULES]
IN ACCEPT -source shared -p tcp -dport 100
IN ACCEPT -source dc/shared -p tcp -dport 101
IN ACCEPT -source guest/shared -p tcp -dport 102
IN ACCEPT -source guest/clusteronly -p tcp -dport 103
IN ACCEPT -source clusteronly -p tcp -dport 104
IN ACCEPT -source +both -p tcp -dport 105
IN ACCEPT -source +dc/both -p tcp -dport 106
IN ACCEPT -source +guest/office -p tcp -dport 107
IN ACCEPT -source +local -p tcp -dport 108
IN ACCEPT -source later -p tcp -dport 109
IN ACCEPT -dest v6host -p tcp -dport 110

[ALIASES]
later 10.0.0.99
`;

const build = () => simulator({ cluster: CLUSTER, guests: { "100": VM100 } });
const cr = (pos: number) => ({ kind: "rule", level: "cluster", pos });
const gr = (pos: number) => ({ kind: "rule", level: "guest", vmid: 100, pos });
const clusterPolicy = { kind: "policy", level: "cluster", option: "policy_in" };
const guestPolicy = { kind: "policy", level: "guest", vmid: 100, option: "policy_in" };
const host = (source: string, dport: number) => ({ from: "outside", to: "host", source, dport });
const vm = (source: string, dport: number, dest?: string) => ({
  from: "outside",
  to: "vm100",
  source,
  dport,
  ...(dest ? { dest } : {}),
});

describe("cluster IPSets", () => {
  runCases(build, [
    { it: "matches an address inside a set's network", packet: host("203.0.113.5", 8000), action: "ACCEPT", by: cr(0) },
    {
      it: "excludes an address whose most specific entry is nomatch",
      packet: host("203.0.113.130", 8000),
      action: "DROP",
      by: clusterPolicy,
    },
    {
      it: "includes an address inside a nomatch range when a more specific entry matches it (longest prefix wins)",
      packet: host("203.0.113.200", 8000),
      action: "ACCEPT",
      by: cr(0),
    },
    {
      it: "resolves an alias entry of a cluster set in the cluster",
      packet: host("10.0.0.30", 8000),
      action: "ACCEPT",
      by: cr(0),
    },
    {
      it: "skips a /0 entry (Proxmox refuses a zero prefix), leaving that set empty",
      packet: host("10.0.0.30", 8008),
      action: "DROP",
      by: clusterPolicy,
    },
    {
      it: "tests an IPv4 packet against the set's IPv4 entries",
      packet: host("198.51.100.7", 8001),
      action: "ACCEPT",
      by: cr(1),
    },
    {
      it: "tests an IPv6 packet against the set's IPv6 entries",
      packet: { from: "outside", to: "host", source: "2001:db8:77::1", dest: "2001:db8::2", dport: 8001 },
      action: "ACCEPT",
      by: cr(1),
    },
    { it: "matches nothing with an empty set", packet: host("203.0.113.5", 8002), action: "DROP", by: clusterPolicy },
    {
      it: "clears host bits of an entry as the kernel does (198.18.5.77/24 holds 198.18.5.1)",
      packet: host("198.18.5.1", 8003),
      action: "ACCEPT",
      by: cr(3),
    },
    { it: "matches inside an address range (iprange)", packet: host("10.5.0.5", 8004), action: "ACCEPT", by: cr(4) },
    { it: "misses outside an address range", packet: host("10.5.0.10", 8004), action: "DROP", by: clusterPolicy },
    { it: "matches any element of an address list", packet: host("10.6.0.2", 8005), action: "ACCEPT", by: cr(5) },
    {
      it: "skips a rule naming +management when the user never defined that set (verify_rule sees no such ipset)",
      packet: host("192.0.2.77", 8006),
      action: "ACCEPT",
      by: { kind: "implicit", name: "management" },
    },
    {
      it: "keeps the position of a rule Proxmox skips (the +management rule is pos 6, dc/db is pos 7)",
      packet: host("10.0.0.10", 8007),
      action: "ACCEPT",
      by: cr(7),
    },
  ]);
});

describe("guest aliases and IPSets", () => {
  runCases(build, [
    {
      it: "resolves an unscoped alias in the guest before the cluster",
      packet: vm("10.0.0.21", 100),
      action: "ACCEPT",
      by: gr(0),
    },
    {
      it: "does not use the cluster alias of the same name for an unscoped reference",
      packet: vm("10.0.0.20", 100),
      action: "DROP",
      by: guestPolicy,
    },
    {
      it: "resolves dc/ in the cluster even when the guest has the name",
      packet: vm("10.0.0.20", 101),
      action: "ACCEPT",
      by: gr(1),
    },
    { it: "resolves guest/ in the guest", packet: vm("10.0.0.21", 102), action: "ACCEPT", by: gr(2) },
    {
      it: "skips guest/x when x exists only in the cluster (verify passes, compiling dies)",
      packet: vm("10.0.0.30", 103),
      action: "DROP",
      by: guestPolicy,
    },
    {
      it: "falls back to the cluster alias for an unscoped name the guest lacks",
      packet: vm("10.0.0.30", 104),
      action: "ACCEPT",
      by: gr(4),
    },
    {
      it: "uses the guest's own IPSet for an unscoped +name",
      packet: vm("10.7.1.1", 105),
      action: "ACCEPT",
      by: gr(5),
    },
    {
      it: "does not use the cluster set of the same name for an unscoped +name",
      packet: vm("198.51.100.7", 105),
      action: "DROP",
      by: guestPolicy,
    },
    { it: "uses the cluster set for +dc/name", packet: vm("198.51.100.7", 106), action: "ACCEPT", by: gr(6) },
    {
      it: "skips +guest/x when x is only a cluster set",
      packet: vm("203.0.113.5", 107),
      action: "DROP",
      by: guestPolicy,
    },
    {
      it: "resolves a guest set's unscoped alias entry in the guest first",
      packet: vm("10.0.0.21", 108),
      action: "ACCEPT",
      by: gr(8),
    },
    {
      it: "resolves a guest set's dc/ alias entry in the cluster",
      packet: vm("10.0.0.20", 108),
      action: "ACCEPT",
      by: gr(8),
    },
    {
      it: "skips a guest set entry naming a missing alias (the rest of the set still applies)",
      packet: vm("10.0.0.30", 108),
      action: "ACCEPT",
      by: gr(8),
    },
    {
      it: "skips a rule naming an alias defined further down the file (Proxmox verifies while reading)",
      packet: vm("10.0.0.99", 109),
      action: "DROP",
      by: guestPolicy,
    },
    {
      it: "applies an IPv6 alias rule to IPv6 packets only",
      packet: vm("2001:db8:1::1", 110, "2001:db8::30"),
      action: "ACCEPT",
      by: gr(10),
    },
  ]);
});
