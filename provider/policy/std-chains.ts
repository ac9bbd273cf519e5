/**
 * Proxmox's standard chains (Firewall.pm `$pve_std_chains_conf`), in their kernel meaning, and the
 * small rule groups every chain builder uses: policies (`ruleset_add_chain_policy`), NDP
 * (`ruleset_chain_add_ndp`), conntrack (`ruleset_chain_add_conn_filters`) and the input filters
 * (`ruleset_chain_add_input_filters`).
 *
 * Simulated packets open a new connection (conntrack NEW, a TCP SYN), so the rules on INVALID or
 * ESTABLISHED state and on non-SYN TCP flags never match; they are kept where they sit in the
 * chain only when cheap, and left out otherwise.
 *
 * @module
 */
import type { ParsedIp } from "../model/ip";
import { type KernelSet, listMatcher, parseNet } from "./address";
import { type Cond, cond, type IrRule, type Origin, plain, type Target } from "./ir";
import { icmpCondition, icmpMatches, type PortRange, portIn } from "./ports";

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;

function net(text: string): (ip: ParsedIp) => boolean {
  return listMatcher([parseNet(text)!]);
}
const srcIn =
  (has: ReturnType<typeof net>): Cond =>
  (p) =>
    has(p.src);
const dstIn =
  (has: ReturnType<typeof net>): Cond =>
  (p) =>
    has(p.dst);
const dport =
  (...ranges: PortRange[]): Cond =>
  (p) =>
    portIn(ranges, p.dport);
const sport =
  (...ranges: PortRange[]): Cond =>
  (p) =>
    portIn(ranges, p.sport);
const port = (lo: number, hi = lo): PortRange => ({ lo, hi });
const icmpType = (name: string, version: 4 | 6): Cond => {
  const c = icmpCondition(name, version)!;
  return (p) => p.icmp !== undefined && icmpMatches(c, p.icmp);
};

const J = (chain: string): Target => ({ k: "JUMP", chain });
const G = (chain: string): Target => ({ k: "GOTO", chain });
const DROP: Target = { k: "DROP" };
const ACCEPT: Target = { k: "ACCEPT" };
const REJECT: Target = { k: "REJECT" };

const SMB_NOTE = "Microsoft SMB noise, dropped quietly by PVEFW-Drop";
const CRITICAL_ICMP = "critical ICMP is accepted even under a DROP or REJECT policy (PVEFW-Drop/PVEFW-Reject)";

/** The standard chains of one IP version, by name. */
export function standardChains(version: 4 | 6): Map<string, IrRule[]> {
  const chains = new Map<string, IrRule[]>();
  chains.set("PVEFW-SET-ACCEPT-MARK", [plain([], { k: "MARK", on: true })]);
  chains.set("PVEFW-blacklist", [plain([], DROP)]);
  const smbDrop = (t: Target, note?: string): IrRule[] => [
    plain([cond.proto(UDP), dport(port(135), port(445))], t, note),
    plain([cond.proto(UDP), dport(port(137, 139))], t, note),
    plain([cond.proto(UDP), dport(port(1024, 65535)), sport(port(137))], t, note),
    plain([cond.proto(TCP), dport(port(135), port(139), port(445))], t, note),
  ];
  const tail: IrRule[] = [
    plain([cond.proto(UDP), dport(port(1900))], DROP, "UPnP (udp 1900) is dropped quietly by PVEFW-Drop/PVEFW-Reject"),
    plain(
      [cond.proto(UDP), sport(port(53))],
      DROP,
      "DNS replies (udp sport 53) are dropped by PVEFW-Drop/PVEFW-Reject",
    ),
  ];
  if (version === 4) {
    chains.set("PVEFW-DropBroadcast", [
      plain([cond.dstType("BROADCAST")], DROP, "broadcast destinations are dropped quietly (PVEFW-DropBroadcast)"),
      plain([cond.dstType("MULTICAST")], DROP, "multicast destinations are dropped quietly (PVEFW-DropBroadcast)"),
      plain([cond.dstType("ANYCAST")], DROP, "anycast destinations are dropped quietly (PVEFW-DropBroadcast)"),
      plain([dstIn(net("224.0.0.0/4"))], DROP, "multicast destinations are dropped quietly (PVEFW-DropBroadcast)"),
    ]);
    chains.set("PVEFW-reject", [
      plain([cond.dstType("BROADCAST")], DROP, "REJECT of a broadcast is a DROP in the kernel (PVEFW-reject)"),
      plain([srcIn(net("224.0.0.0/4"))], DROP, "REJECT of a multicast source is a DROP in the kernel (PVEFW-reject)"),
      plain([cond.proto(ICMP)], DROP, "REJECT of ICMP is a DROP in the kernel (PVEFW-reject)"),
      plain([cond.proto(TCP)], REJECT, "rejected with a TCP reset"),
      plain([cond.proto(UDP)], REJECT, "rejected with ICMP port-unreachable"),
      plain([], REJECT, "rejected with ICMP host-prohibited"),
    ]);
    const critical = [
      plain([cond.proto(ICMP), icmpType("fragmentation-needed", 4)], ACCEPT, CRITICAL_ICMP),
      plain([cond.proto(ICMP), icmpType("time-exceeded", 4)], ACCEPT, CRITICAL_ICMP),
    ];
    chains.set("PVEFW-Drop", [plain([], J("PVEFW-DropBroadcast")), ...critical, ...smbDrop(DROP, SMB_NOTE), ...tail]);
    chains.set("PVEFW-Reject", [
      plain([], J("PVEFW-DropBroadcast")),
      ...critical,
      ...smbDrop(J("PVEFW-reject")),
      ...tail,
    ]);
    chains.set("PVEFW-smurfs", [
      plain([srcIn(net("0.0.0.0/32"))], { k: "RETURN" }),
      plain([cond.srcType("BROADCAST")], G("PVEFW-smurflog")),
      plain([srcIn(net("224.0.0.0/4"))], G("PVEFW-smurflog")),
    ]);
    chains.set("PVEFW-smurflog", [plain([], DROP, "smurf: a broadcast or multicast source (PVEFW-smurfs)")]);
  } else {
    chains.set("PVEFW-DropBroadcast", [
      plain([dstIn(net("ff00::/8"))], DROP, "multicast destinations are dropped quietly (PVEFW-DropBroadcast)"),
    ]);
    chains.set("PVEFW-reject", [
      plain([cond.proto(ICMPV6)], DROP, "REJECT of ICMPv6 is a DROP in the kernel (PVEFW-reject)"),
      plain([cond.proto(TCP)], REJECT, "rejected with a TCP reset"),
      plain([cond.proto(UDP)], REJECT, "rejected with ICMPv6 port-unreachable"),
      plain([], REJECT, "rejected with ICMPv6 adm-prohibited"),
    ]);
    const head = [
      plain([cond.proto(TCP), dport(port(43))], J("PVEFW-reject"), "IPv6 PVEFW-Drop/PVEFW-Reject reject tcp 43 (auth)"),
      plain([], J("PVEFW-DropBroadcast")),
      plain([cond.proto(ICMPV6), icmpType("destination-unreachable", 6)], ACCEPT, CRITICAL_ICMP),
      plain([cond.proto(ICMPV6), icmpType("time-exceeded", 6)], ACCEPT, CRITICAL_ICMP),
      plain([cond.proto(ICMPV6), icmpType("packet-too-big", 6)], ACCEPT, CRITICAL_ICMP),
    ];
    chains.set("PVEFW-Drop", [...head, ...smbDrop(DROP, SMB_NOTE), ...tail]);
    chains.set("PVEFW-Reject", [...head, ...smbDrop(J("PVEFW-reject")), ...tail]);
  }
  chains.set("PVEFW-tcpflags", [
    plain(
      [cond.proto(TCP), (p) => p.sport === 0],
      G("PVEFW-logflags"),
      "a TCP SYN from source port 0 (PVEFW-tcpflags)",
    ),
  ]);
  chains.set("PVEFW-logflags", [plain([], DROP, "illegal TCP flags (PVEFW-tcpflags)")]);
  return chains;
}

/** `ruleset_add_chain_policy`: the rules a policy becomes at the end of a chain. */
export function policyRules(policy: string, accept: Target, origin: Origin, acceptNote?: string): IrRule[] {
  if (policy === "ACCEPT") return [{ conds: [], target: accept, origin, ...(acceptNote ? { note: acceptNote } : {}) }];
  if (policy === "REJECT") {
    return [
      { conds: [], target: J("PVEFW-Reject"), origin },
      { conds: [], target: G("PVEFW-reject"), origin },
    ];
  }
  return [
    { conds: [], target: J("PVEFW-Drop"), origin },
    { conds: [], target: DROP, origin },
  ];
}

/** `ruleset_chain_add_ndp`: neighbour discovery for IPv6 (RA only inbound or with `radv`). */
export function ndpRules(
  version: 4 | 6,
  options: Readonly<Record<string, string>>,
  direction: "IN" | "OUT",
  target: Target,
  chain: string,
): IrRule[] {
  if (version !== 6 || options.ndp === "0") return [];
  const types = ["router-solicitation"];
  if (direction !== "OUT" || truthyOption(options.radv)) types.push("router-advertisement");
  types.push("neighbor-solicitation", "neighbor-advertisement");
  return types.map((t) => ({
    conds: [cond.proto(ICMPV6), icmpType(t, 6)],
    target,
    origin: { kind: "implicit", name: "ndp", chain, detail: `IPv6 neighbour discovery (icmpv6 ${t}) is accepted` },
  }));
}

/** `ruleset_chain_add_conn_filters`: INVALID and RELATED,ESTABLISHED (never a NEW packet). */
export function connRules(allowInvalid: boolean, accept: Target): IrRule[] {
  const rules: IrRule[] = [];
  if (!allowInvalid) rules.push(plain([cond.ctstate(["INVALID"])], DROP));
  rules.push(plain([cond.ctstate(["RELATED", "ESTABLISHED"])], accept));
  return rules;
}

/** `ruleset_chain_add_input_filters`: blacklist, smurfs (IPv4) and TCP flags. */
export function inputFilterRules(
  version: 4 | 6,
  hostOptions: Readonly<Record<string, string>>,
  blacklist: KernelSet | undefined,
  chain: string,
): IrRule[] {
  const rules: IrRule[] = [];
  if (blacklist) {
    rules.push({
      conds: [cond.srcSet(blacklist)],
      target: J("PVEFW-blacklist"),
      origin: { kind: "implicit", name: "blacklist", chain, detail: "source is in the cluster IPSet blacklist" },
    });
  }
  if (version === 4 && hostOptions.nosmurfs !== "0") {
    rules.push({
      conds: [cond.ctstate(["INVALID", "NEW"])],
      target: J("PVEFW-smurfs"),
      origin: {
        kind: "implicit",
        name: "smurfs",
        chain,
        detail: "broadcast or multicast source (host option nosmurfs)",
      },
    });
  }
  if (truthyOption(hostOptions.tcpflags)) {
    rules.push({
      conds: [cond.proto(TCP)],
      target: J("PVEFW-tcpflags"),
      origin: { kind: "implicit", name: "tcpflags", chain, detail: "illegal TCP flags (host option tcpflags)" },
    });
  }
  return rules;
}

/** Perl truthiness of an option value. */
export function truthyOption(v: string | undefined): boolean {
  return v !== undefined && v !== "" && v !== "0";
}
