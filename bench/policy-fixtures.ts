/**
 * Deterministic inputs of the policy-engine scenarios: a corpus of varied firewall
 * configurations for lint, each with the problems planted in it (see {@link lintCorpus}).
 * The simulator's ruleset and packet stream are in `simulator-fixtures.ts`.
 *
 * Everything is generated from a seeded PRNG, so every run lints exactly the same text.
 */
import { mulberry32 } from "../emulator/faults";
import type { Code, LintFile } from "../provider/policy/lint/index";
import { readTopology } from "../provider/policy/topology";
import type { PolicyTopology } from "../provider/policy/types";

/** The Unix time the policy scenarios run "at" (anti-lockout timestamps are judged against it). */
export const POLICY_NOW_SEC = 1_800_000_000;

/** A seeded PRNG: the same `seed` gives the same numbers in [0, 1) on every run (the emulator's faults use it too). */
export const prng = mulberry32;

/** An integer in `[lo, hi]` from `r`. */
export function between(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** One element of `items` from `r`. */
export function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}

/** One configuration of the lint corpus: a cluster's files, its topology, and what lint must find. */
export interface LintCase {
  readonly files: readonly LintFile[];
  readonly topology: PolicyTopology;
  /** The codes of the problems planted in it; lint must report each at least once. */
  readonly planted: readonly Code[];
}

const MACROS = ["HTTP", "HTTPS", "DNS", "SMTP", "IMAPS", "NTP", "SNMP", "Ping", "MySQL", "PostgreSQL"] as const;
const LOG = ["", " -log nolog", " -log info", " -log warning"] as const;

/** The mutable text of one config while it is built. */
interface Draft {
  readonly k: number;
  readonly r: () => number;
  cluster: { options: string[]; aliases: string[]; ipsets: string[]; rules: string[]; groups: string[] };
  hosts: Record<string, { options: string[]; rules: string[] }>;
  /** By vmid; `after` holds sections written below `[RULES]`. */
  guests: Record<string, { options: string[]; aliases: string[]; ipsets: string[]; rules: string[]; after: string[] }>;
  /** Guests whose NICs get no `firewall=1`. */
  unfiltered: Set<string>;
  /** Guests whose files are written with CRLF line ends. */
  crlf: Set<string>;
}

/** A planted problem: changes the draft and names the finding lint must report for it. */
type Problem = (d: Draft) => Code;

const firstGuest = (d: Draft): string => Object.keys(d.guests)[0] as string;
const lastGuest = (d: Draft): string => Object.keys(d.guests).at(-1) as string;

/** Every kind of problem the corpus plants, each config getting four of them in turn. */
const PROBLEMS: readonly Problem[] = [
  (d) => {
    d.cluster.rules.push(d.cluster.rules[2] as string);
    return "PVEFW041"; // an exact duplicate
  },
  (d) => {
    d.cluster.rules.push(`IN ACCEPT -source office -p tcp -dport 8443 # shadowed by the office rule above`);
    return "PVEFW040";
  },
  (d) => {
    const g = d.guests[firstGuest(d)]!;
    g.rules.push("IN DROP # catch-all", "IN ACCEPT -p tcp -dport 9100 # after the catch-all");
    return "PVEFW042";
  },
  (d) => {
    d.cluster.rules.push(`IN ACCEPT -source backup${d.k} -p tcp -dport 873 # no such alias`);
    return "PVEFW021";
  },
  (d) => {
    d.hosts.pve1!.rules.push(`IN ACCEPT -source +trusted${d.k} -p tcp -dport 9090 # no such ipset`);
    return "PVEFW020";
  },
  (d) => {
    d.cluster.rules.push("GROUP monitoring # no such group: Proxmox applies nothing");
    return "PVEFW022";
  },
  (d) => {
    d.cluster.rules.push("IN HTTP(ACCEPT) -p tcp -dport 8080 # the macro already sets the port");
    return "PVEFW030";
  },
  (d) => {
    d.cluster.rules.push("IN ACCEPT -source 198.51.100.7 -dest 2001:db8::7 -p tcp -dport 25");
    return "PVEFW060";
  },
  (d) => {
    d.cluster.ipsets.push(`[IPSET webclients${d.k}]`, `10.${d.k}.40.0/24`, `10.${d.k}.40.17 # inside the /24`, "");
    return "PVEFW061";
  },
  (d) => {
    d.unfiltered.add(lastGuest(d));
    return "PVEFW050"; // guest rules, but no NIC with firewall=1
  },
  (d) => {
    d.crlf.add(Object.keys(d.guests)[1] as string);
    return "PVEFW002"; // a file saved with CRLF line ends
  },
  (d) => {
    d.hosts.pve1!.options.push("log_level: info");
    return "PVEFW001"; // not a host option (log_level_in is)
  },
  (d) => {
    d.cluster.ipsets.push("[IPSET management]", `10.${d.k}.9.0/24`, "");
    return "PVEFW003"; // a repeated [IPSET] section: Proxmox keeps only the last
  },
  (d) => {
    const g = d.guests[firstGuest(d)]!;
    g.rules.push("IN ACCEPT -source jumphost -p tcp -dport 22");
    g.after.push("[ALIASES]", "jumphost 10.255.0.10", "");
    return "PVEFW023"; // used above its definition
  },
];

/** `count` addresses of a blocklist feed: networks and hosts, a few `nomatch` holes. */
function blocklist(r: () => number, count: number, k: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const a = 1 + ((i * 7 + k) % 223);
    const b = (i * 13) % 256;
    if (a === 10 || a === 127) continue;
    if (i % 10 === 0) {
      out.push(`${a}.${b}.0.0/16 # feed ${i}`);
      if (out.length < count && r() < 0.5) out.push(`!${a}.${b}.${between(r, 0, 255)}.0/24 # customer`);
    } else out.push(`${a}.${b}.${between(r, 0, 255)}.${between(r, 1, 254)}`);
  }
  return out;
}

function clusterDraft(d: Draft, big: boolean): void {
  const { r, k } = d;
  const c = d.cluster;
  c.options.push("enable: 1", `policy_in: ${k % 4 === 3 ? "REJECT" : "DROP"}`, "policy_out: ACCEPT");
  if (k % 3 === 0) c.options.push("log_ratelimit: enable=1,rate=10/second,burst=20");
  c.aliases.push("office 203.0.113.0/24 # head office", `monitor 10.${k}.0.50`);
  for (let a = 0; a < between(r, 8, 30); a++) c.aliases.push(`svc${a} 10.${k}.${10 + a}.${between(r, 1, 254)}`);
  c.ipsets.push("[IPSET management] # admins", `10.${k}.0.0/24`, "192.0.2.0/28", "");
  const feed = big ? between(r, 2000, 4000) : between(r, 20, 200);
  c.ipsets.push("[IPSET blocklist] # threat feed", ...blocklist(r, feed, k), "");
  c.rules.push(
    "IN DROP -source +blocklist -log nolog",
    "IN ACCEPT -source +management -p tcp -dport 8006",
    "IN ACCEPT -source office -p tcp -dport 8000:9000",
    "IN SSH(ACCEPT) -source +management",
    "GROUP web -i vmbr0",
  );
  const n = between(r, 20, 150);
  for (let i = 0; i < n; i++) {
    const dir = r() < 0.8 ? "IN" : "OUT";
    const action = pick(r, ["ACCEPT", "ACCEPT", "ACCEPT", "DROP", "REJECT"]);
    const src = pick(r, ["", " -source office", ` -source svc${i % 8}`, ` -source 10.${k}.${i % 250}.0/24`]);
    const disabled = r() < 0.1 ? "|" : "";
    const line =
      r() < 0.2
        ? `${disabled}${dir} ${pick(r, MACROS)}(${action})${src}`
        : `${disabled}${dir} ${action}${src} -p ${r() < 0.8 ? "tcp" : "udp"} -dport ${10_000 + i}`;
    c.rules.push(`${line}${pick(r, LOG)} # rule ${i}`);
  }
  c.groups.push("[group web] # web servers", "IN HTTP(ACCEPT)", "IN HTTPS(ACCEPT)", "", "[group db]");
  c.groups.push(`IN ACCEPT -source svc1 -p tcp -dport 5432`, `IN DROP -p tcp -dport 5432`, "");
}

function nodeDraft(d: Draft, node: string): void {
  const { r, k } = d;
  d.hosts[node] = {
    options: ["enable: 1", "nosmurfs: 1", "tcpflags: 1", "log_level_in: nolog", "nf_conntrack_max: 262144"],
    rules: [
      "IN ACCEPT -i vmbr0 -source +management -p tcp -dport 22",
      `IN ACCEPT -source 10.${k}.0.0/24 -p udp -dport 5404:5405`,
      "IN Ping(ACCEPT)",
      ...Array.from({ length: between(r, 2, 12) }, (_, i) => `IN ACCEPT -source svc${i} -p tcp -dport ${9_100 + i}`),
    ],
  };
}

function guestDraft(d: Draft, vmid: string, g: number): void {
  const { r, k } = d;
  const set = Array.from({ length: between(r, 1, 3) }, (_, i) => `10.${k}.1.${(g * 4 + i) % 250}`);
  d.guests[vmid] = {
    options: ["enable: 1", `policy_in: ${g % 2 === 0 ? "DROP" : "ACCEPT"}`, "dhcp: 1", "ipfilter: 1", "macfilter: 1"],
    aliases: [`app 10.${k}.2.${g}`],
    ipsets: ["[IPSET ipfilter-net0]", ...set, ""],
    rules: [
      "GROUP web -i net0",
      "IN ACCEPT -source +dc/management -p tcp -dport 22",
      `IN ACCEPT -source app -p tcp -dport ${3000 + g}`,
      ...Array.from({ length: between(r, 1, 10) }, (_, i) => `OUT ACCEPT -p tcp -dport ${20_000 + i}`),
    ],
    after: [],
  };
}

const section = (header: string, lines: readonly string[]) => (lines.length ? [header, ...lines, ""] : []);

/**
 * Configuration `k` of the corpus: a cluster of 1-3 nodes and 3-9 guests, with aliases, groups,
 * 25-155 cluster rules (macros, disabled rules, log levels), host rules on every node, a rule list
 * per guest, and a blocklist IPSet of 2,000-4,000 entries (with `nomatch` holes) in every fifth
 * config, 20-200 entries elsewhere; plus four planted problems (rotating through every kind).
 */
export function lintCase(k: number): LintCase {
  const d: Draft = {
    k,
    r: prng(k + 1),
    cluster: { options: [], aliases: [], ipsets: [], rules: [], groups: [] },
    hosts: {},
    guests: {},
    unfiltered: new Set(),
    crlf: new Set(),
  };
  clusterDraft(d, k % 5 === 0);
  const nodes = Array.from({ length: 1 + (k % 3) }, (_, i) => `pve${i + 1}`);
  for (const node of nodes) nodeDraft(d, node);
  const guestCount = 3 + (k % 7);
  for (let g = 0; g < guestCount; g++) guestDraft(d, String(100 + g), g);
  const planted = [0, 1, 2, 3].map((j) => (PROBLEMS[(k * 4 + j) % PROBLEMS.length] as Problem)(d));

  const c = d.cluster;
  const files: LintFile[] = [
    {
      path: "firewall/cluster.fw",
      role: { kind: "cluster" },
      text: [
        ...section("[OPTIONS]", c.options),
        ...section("[ALIASES]", c.aliases),
        ...c.ipsets,
        ...section("[RULES]", c.rules),
        ...c.groups,
      ].join("\n"),
    },
  ];
  for (const [node, h] of Object.entries(d.hosts)) {
    const text = [...section("[OPTIONS]", h.options), ...section("[RULES]", h.rules)].join("\n");
    files.push({ path: `nodes/${node}/host.fw`, role: { kind: "host", node }, text });
  }
  for (const [vmid, g] of Object.entries(d.guests)) {
    const lines = [
      ...section("[OPTIONS]", g.options),
      ...section("[ALIASES]", g.aliases),
      ...g.ipsets,
      ...section("[RULES]", g.rules),
      ...g.after,
    ];
    const text = lines.join(d.crlf.has(vmid) ? "\r\n" : "\n");
    files.push({ path: `firewall/${vmid}.fw`, role: { kind: "guest", vmid }, text });
  }
  const guests = Object.keys(d.guests).map((vmid, g) => {
    const mac = `BC:24:11:${k.toString(16).padStart(2, "0")}:00:${g.toString(16).padStart(2, "0")}`;
    const fw = d.unfiltered.has(vmid) ? "" : ",firewall=1";
    return g % 2 === 0
      ? {
          vmid: Number(vmid),
          type: "qemu" as const,
          node: nodes[g % nodes.length]!,
          nics: { net0: `virtio=${mac},bridge=vmbr0${fw}` },
        }
      : {
          vmid: Number(vmid),
          type: "lxc" as const,
          node: nodes[g % nodes.length]!,
          nics: { net0: `name=eth0,bridge=vmbr0${fw},hwaddr=${mac},ip=10.${k}.1.${g}/16` },
        };
  });
  const topology = readTopology({
    nodes: nodes.map((name, i) => ({ name, ip: `10.${k}.0.${2 + i}`, network: `10.${k}.0.0/24` })),
    guests,
  });
  return { files, topology, planted };
}

/** The first `n` configurations of the corpus ({@link lintCase}). */
export function lintCorpus(n: number): LintCase[] {
  return Array.from({ length: n }, (_, k) => lintCase(k));
}
