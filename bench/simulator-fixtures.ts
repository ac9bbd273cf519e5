/**
 * Deterministic inputs of the simulator scenario: one realistic cluster ({@link simulatorFiles},
 * {@link SIMULATOR_TOPOLOGY}) and a fixed stream of packets across every level
 * ({@link packetStream}).
 */
import type { ConfigTexts } from "../provider/policy/configs";
import type { TopologyFile } from "../provider/policy/topology";
import type { Packet } from "../provider/policy/types";
import { between, pick, prng } from "./policy-fixtures";

/** Rules in the cluster's `[RULES]` (fixed lines first, generated ones after). */
export const SIMULATOR_CLUSTER_RULES = 200;
/** Entries of the `blocklist` IPSet (networks, hosts and `nomatch` holes). */
export const SIMULATOR_BLOCKLIST_ENTRIES = 2000;

/**
 * Three nodes with two corosync rings; on `pve1` (the simulated node): VM 100 with two firewalled
 * NICs, CT 101 with a static address, VM 102 without firewall; VM 103 on `pve2`.
 */
export const SIMULATOR_TOPOLOGY: TopologyFile = {
  nodes: [1, 2, 3].map((i) => ({
    name: `pve${i}`,
    ip: `192.0.2.${i + 1}`,
    network: "192.0.2.0/24",
    rings: [`192.0.2.${i + 1}`, `198.51.100.${i + 1}`],
  })),
  guests: [
    {
      vmid: 100,
      type: "qemu",
      node: "pve1",
      nics: {
        net0: "virtio=BC:24:11:00:00:64,bridge=vmbr0,firewall=1",
        net1: "virtio=BC:24:11:00:01:64,bridge=vmbr1,firewall=1",
      },
    },
    {
      vmid: 101,
      type: "lxc",
      node: "pve1",
      nics: { net0: "name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:00:65,ip=10.0.0.101/24" },
    },
    { vmid: 102, type: "qemu", node: "pve1", nics: { net0: "virtio=BC:24:11:00:00:66,bridge=vmbr0" } },
    { vmid: 103, type: "qemu", node: "pve2", nics: { net0: "virtio=BC:24:11:00:00:67,bridge=vmbr0,firewall=1" } },
  ],
};

/** First octets of the blocklist's networks (public space, away from the addresses used elsewhere). */
const FEED_OCTETS = [31, 37, 45, 46, 62, 77, 80, 85, 91, 94, 103, 109, 141, 176, 185, 193, 194, 195, 212, 213];

/** The blocklist: /16 networks, each with a `nomatch` /24 hole, and single hosts. */
function blocklist(): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < SIMULATOR_BLOCKLIST_ENTRIES; i++) {
    const a = FEED_OCTETS[i % FEED_OCTETS.length] as number;
    const b = Math.floor(i / FEED_OCTETS.length);
    if (i % 8 === 0) out.push(`${a}.${b}.0.0/16`, `!${a}.${b}.7.0/24 # customer network`);
    else out.push(`${a}.${b}.${i % 256}.${1 + (i % 250)}`);
  }
  return out.slice(0, SIMULATOR_BLOCKLIST_ENTRIES);
}

/** The generated part of the cluster rules: services, macros, disabled rules, `-i`, ICMP types. */
function generatedRules(count: number): string[] {
  const r = prng(2026);
  const macros = ["HTTP", "HTTPS", "DNS", "SMTP", "NTP", "SNMP", "MySQL", "PostgreSQL", "Ping", "IMAPS"];
  return Array.from({ length: count }, (_, i) => {
    const src = pick(r, [
      "",
      " -source office",
      ` -source svc${i % 20}`,
      " -source +internal",
      ` -source 10.${i}.0.0/16`,
    ]);
    const iface = i % 9 === 0 ? " -i vmbr0" : "";
    const off = i % 17 === 0 ? "|" : "";
    const action = pick(r, ["ACCEPT", "ACCEPT", "DROP", "REJECT"]);
    if (i % 11 === 0) return `${off}IN ${pick(r, macros)}(${action})${iface}${src} # service ${i}`;
    if (i % 23 === 0) return `${off}IN ${action} -p icmp -icmp-type ${pick(r, ["timestamp-request", "3/4", "11"])}`;
    const dir = i % 6 === 0 ? "OUT" : "IN";
    const proto = i % 4 === 0 ? "udp" : "tcp";
    return `${off}${dir} ${action}${iface}${src} -p ${proto} -dport ${10_000 + i} # service ${i}`;
  });
}

/**
 * The cluster: `cluster.fw` with 200 rules, 22 aliases, a {@link SIMULATOR_BLOCKLIST_ENTRIES}-entry
 * blocklist with `nomatch` holes, an `internal` set with a hole, two security groups; `pve1`'s
 * `host.fw` with 20 rules; guest files for VM 100 (groups, `ipfilter`) and CT 101.
 */
export function simulatorFiles(): ConfigTexts {
  const fixed = [
    "IN DROP -source +blocklist -log nolog",
    "OUT DROP -dest +blocklist",
    "IN ACCEPT -source +management -p tcp -dport 8006",
    "IN SSH(ACCEPT) -source +management",
    "GROUP web -i vmbr0",
    "GROUP db",
    "IN Ping(ACCEPT) -source +internal",
    "IN ACCEPT -source monitor -p tcp -dport 9100",
  ];
  const aliases = Array.from({ length: 20 }, (_, a) => `svc${a} 10.${20 + a}.0.0/16`);
  const cluster = [
    "[OPTIONS]",
    "enable: 1",
    "policy_in: DROP",
    "policy_out: ACCEPT",
    "",
    "[ALIASES]",
    "office 203.0.113.0/24 # head office",
    "monitor 10.0.0.50",
    ...aliases,
    "",
    "[IPSET management]",
    "203.0.113.10",
    "",
    "[IPSET blocklist] # threat feed",
    ...blocklist(),
    "",
    "[IPSET internal]",
    "10.0.0.0/8",
    "!10.66.0.0/16 # guest network, not trusted",
    "",
    "[RULES]",
    ...fixed,
    ...generatedRules(SIMULATOR_CLUSTER_RULES - fixed.length),
    "",
    "[group web] # web servers",
    "IN HTTP(ACCEPT)",
    "IN HTTPS(ACCEPT)",
    "IN DROP -p tcp -dport 8080",
    "",
    "[group db]",
    "IN ACCEPT -source +internal -p tcp -dport 5432",
    "IN REJECT -p tcp -dport 5432",
    "",
  ];
  const host = [
    "[OPTIONS]",
    "enable: 1",
    "tcpflags: 1",
    "nosmurfs: 1",
    "",
    "[RULES]",
    "IN ACCEPT -i vmbr0 -source +management -p tcp -dport 22",
    "IN DROP -p tcp -dport 111",
    "IN REJECT -p tcp -dport 3128",
    ...Array.from({ length: 17 }, (_, i) => `IN ACCEPT -source svc${i} -p tcp -dport ${9_200 + i}`),
    "",
  ];
  const vm100 = [
    "[OPTIONS]",
    "enable: 1",
    "policy_in: DROP",
    "ipfilter: 1",
    "",
    "[IPSET ipfilter-net0]",
    "10.0.0.100",
    "",
    "[RULES]",
    "GROUP web -i net0",
    "GROUP db",
    "IN ACCEPT -source +dc/management -p tcp -dport 22",
    "OUT DROP -p tcp -dport 25",
    "IN ACCEPT -i net1 -p tcp -dport 9000",
    "",
  ];
  const ct101 = [
    "[OPTIONS]",
    "enable: 1",
    "policy_in: REJECT",
    "",
    "[RULES]",
    "IN ACCEPT -source 10.0.0.0/24 -p tcp -dport 6379",
    "IN DNS(ACCEPT)",
    "",
  ];
  return {
    cluster: cluster.join("\n"),
    hosts: { pve1: host.join("\n") },
    guests: { "100": vm100.join("\n"), "101": ct101.join("\n") },
  };
}

/** A source address of kind `kind` (0-6), varied by `r`. */
function source(r: () => number, kind: number): string {
  const a = pick(r, FEED_OCTETS);
  const b = between(r, 0, 9);
  switch (kind) {
    case 0:
      return `${a}.${b}.${between(r, 8, 255)}.${between(r, 1, 254)}`; // inside a blocklisted /16
    case 1:
      return `${a}.${b}.7.${between(r, 1, 254)}`; // in a nomatch hole of it
    case 2:
      return `192.0.2.${between(r, 5, 254)}`; // the nodes' network (management)
    case 3:
      return `203.0.113.${between(r, 1, 254)}`; // office
    case 4:
      return `10.${between(r, 0, 70)}.${between(r, 0, 255)}.${between(r, 1, 254)}`; // internal or a hole
    default:
      return `100.${between(r, 64, 127)}.${between(r, 0, 255)}.${between(r, 1, 254)}`; // anyone
  }
}

/** Packet templates: each takes the PRNG and a source, and says where the packet goes. */
const TEMPLATES: readonly ((r: () => number, src: string) => Packet)[] = [
  (r, src) => ({ from: "outside", to: "host", source: src, dport: pick(r, [22, 8006, 3128, 111, 9100, 5900, 10_033]) }),
  (r, src) => ({ from: "outside", to: "host", source: src, dport: 10_000 + between(r, 0, 199) }),
  (r, src) => ({ from: "outside", to: "host", source: src, proto: "udp", dport: 10_000 + 4 * between(r, 0, 49) }),
  (r, src) => ({
    from: "outside",
    to: "vm100",
    source: src,
    dest: "10.0.0.100",
    dport: pick(r, [80, 443, 8080, 5432, 22]),
  }),
  (r, src) => ({ from: "outside", to: "vm100i1", source: src, dport: pick(r, [9000, 9001, 80]) }),
  (r, src) => ({ from: "outside", to: "ct101", source: src, dest: "10.0.0.101", dport: pick(r, [6379, 53, 22]) }),
  (r) => ({ from: "vm100", to: "outside", source: "10.0.0.100", dport: pick(r, [25, 443, 10_006]) }),
  (r) => ({ from: "vm100", to: "outside", source: `10.0.${between(r, 1, 9)}.100`, dport: 443 }), // not in ipfilter-net0
  (r) => ({ from: "ct101", to: "vm100", source: "10.0.0.101", dest: "10.0.0.100", dport: pick(r, [5432, 80, 22]) }),
  (r) => ({ from: "host", to: "outside", dport: pick(r, [443, 10_006, 10_012]) }),
  (r) => ({ from: "outside", to: "host", proto: "udp", source: `198.51.100.${between(r, 2, 5)}`, dport: 5405 }),
  (r, src) => ({
    from: "outside",
    to: "host",
    proto: "icmp",
    source: src,
    dport: pick(r, ["echo-request", "13", "3/4"]),
  }),
  (r) => ({ from: "outside", to: "vm100", source: `2001:db8:${between(r, 1, 99)}::1`, dport: pick(r, [443, 22]) }),
  (r, src) => ({ from: "outside", to: "vm102", source: src, dport: pick(r, [80, 443]) }),
];

/**
 * The first `n` packets of a fixed stream: round-robin over 14 templates (outside to host on
 * management, service, UDP and ICMP ports; outside to VM 100's two NICs and CT 101; guest to
 * outside, including a spoofed source `ipfilter` drops; guest to guest; host to outside; corosync
 * from a ring address; IPv6; a guest without firewall), sources drawn from blocklisted networks,
 * their `nomatch` holes, management, office, internal and public addresses.
 */
export function packetStream(n: number): Packet[] {
  const r = prng(13);
  return Array.from({ length: n }, (_, i) => {
    const template = TEMPLATES[i % TEMPLATES.length]!;
    return template(r, source(r, Math.floor(i / TEMPLATES.length) % 7));
  });
}
