/**
 * PVEFW070: a DROP or REJECT in host or cluster rules that catches management traffic before
 * Proxmox's built-in accepts for the `management` IPSet, which come after all host and cluster rules
 * (BEHAVIOR.md §10, PVEFW-HOST-IN). It fires only when traffic from some management source (an
 * entry of the cluster IPSet `management`, or the node's local network, which Proxmox adds to that
 * set) to tcp/8006 or tcp/22 can reach the rule: not already decided by an earlier rule of the same
 * list, and inside the rule's source.
 *
 * Addresses are compared as sets of ranges, both IP families on one line (IPv6 above IPv4). What
 * cannot be known is assumed to reach the rule: the local network without a topology, sources of
 * earlier rules that also match on something else (a destination, an interface, a source port).
 *
 * @module
 */
import { formatIp, hostMask, ipBits, parseCidr } from "../../model/ip";
import { protocolNumber } from "../../model/pve-tables";
import type { RuleFields } from "../../model/wire";
import { parseAddressList } from "../address";
import { expandMacro } from "../generate";
import type { LoadedFile, LoadedRule } from "../load";
import { parsePortSpec } from "../ports";
import type { PolicyTopology } from "../types";
import { truthy } from "../verify";
import { active, type RuleList, rulesOf } from "./lists";

/** The ports of Proxmox's built-in management accepts that lint checks: the API/GUI and SSH. */
export const MANAGEMENT_PORTS = [8006, 22] as const;

/** Inclusive ranges, sorted and disjoint, on the line where IPv6 lies above every IPv4 value. */
type Ranges = readonly (readonly [bigint, bigint])[];

const V6 = 1n << 32n;
const FAMILY: Readonly<Record<4 | 6, readonly [bigint, bigint]>> = {
  4: [0n, V6 - 1n],
  6: [V6, V6 + (1n << 128n) - 1n],
};
const ALL: Ranges = [FAMILY[4], FAMILY[6]];
const TCP = 6;

/** The management traffic that may still reach a rule: concrete ranges, and the local network when unknown. */
interface Reach {
  readonly ranges: Ranges;
  /** The node's local network (part of the management set) is unknown and not yet decided. */
  readonly localUnknown: boolean;
}

/** Which management port `lr` (an enabled `in` DROP/REJECT of a host or cluster list) drops management traffic to. */
export function shadowsManagement(
  lr: LoadedRule,
  list: RuleList,
  cluster: LoadedFile,
  topology: PolicyTopology | undefined,
): { port: number; from: string } | undefined {
  const r = lr.rule;
  if (r.type !== "in" || (r.action !== "DROP" && r.action !== "REJECT")) return undefined;
  const management = managementSet(cluster, list, topology);
  // A source whose addresses cannot be known (an SDN IPSet) may hold any of them.
  const own = sourceRanges(r.source, cluster, management) ?? ALL;
  const target = lr.ipversion ? intersect(own, [FAMILY[lr.ipversion]]) : own;
  const earlier = rulesOf(list).filter((e) => e.pos < lr.pos && active(e));
  for (const port of MANAGEMENT_PORTS) {
    if (!catchesPort(lr, port)) continue;
    let reach: Reach = { ranges: management.set, localUnknown: management.localUnknown };
    for (const e of earlier) reach = decidedBefore(e, port, reach, cluster, management);
    const caught = intersect(reach.ranges, target);
    if (caught.length > 0) return { port, from: describe(caught[0]!) };
    if (reach.localUnknown && target.length > 0)
      return { port, from: "the node's local network (unknown here: lint with --topology to know it)" };
  }
  return undefined;
}

/** What `+management` matches. */
interface Management {
  /** The cluster IPSet `management` and the local network of the list's node(s), when known. */
  readonly set: Ranges;
  /** Whether the local network is unknown (no topology, or the node is not in it). */
  readonly localUnknown: boolean;
}

/** The management set of a host list's node, or of every node for the cluster list. */
function managementSet(cluster: LoadedFile, list: RuleList, topology: PolicyTopology | undefined): Management {
  const nodes = topology?.nodes.filter((n) => list.node === undefined || n.name === list.node) ?? [];
  const local = nodes.flatMap((n) => netRanges(n.network));
  return { set: union([...ipSetRanges(cluster, "management"), ...local]), localUnknown: nodes.length === 0 };
}

/** What is left of `reach` after earlier rule `e`, when it decides every tcp/`port` packet from its source. */
function decidedBefore(e: LoadedRule, port: number, reach: Reach, cluster: LoadedFile, management: Management): Reach {
  const r = e.rule;
  if (r.type !== "in" || truthy(r.iface) || truthy(r.dest) || truthy(r.sport)) return reach;
  if (!lines(e).some((l) => matchesAll(l, port))) return reach;
  const source = sourceRanges(r.source, cluster, management);
  if (!source) return reach;
  const decided = e.ipversion ? intersect(source, [FAMILY[e.ipversion]]) : source;
  const whole = !truthy(r.source) || isManagementRef(r.source);
  return {
    ranges: subtract(reach.ranges, decided),
    localUnknown: reach.localUnknown && !(whole && !e.ipversion),
  };
}

/** The compiled lines of a rule (its macro expanded) in every IP version it has; none when it does not compile. */
function lines(lr: LoadedRule): RuleFields[] {
  const out: RuleFields[] = [];
  for (const v of [4, 6] as const) {
    if (lr.ipversion && lr.ipversion !== v) continue;
    try {
      out.push(...expandMacro(lr, lr.rule, v));
    } catch {
      // A rule that does not compile matches nothing; rules.ts reports it.
    }
  }
  return out;
}

/** Whether a compiled line matches every tcp packet to `port` from its source. */
function matchesAll(line: RuleFields, port: number): boolean {
  if (truthy(line.dest) || truthy(line.sport) || line["icmp-type"] !== undefined) return false;
  if (truthy(line.proto) && protocolNumber(line.proto) !== TCP) return false;
  return !truthy(line.dport) || inPorts(line.dport, port);
}

/** Whether a DROP/REJECT catches tcp packets to `port` in some compiled line (whatever else it matches on). */
function catchesPort(lr: LoadedRule, port: number): boolean {
  return lines(lr).some((l) => {
    if (truthy(l.proto) && protocolNumber(l.proto) !== TCP) return false;
    return !truthy(l.dport) || inPorts(l.dport, port);
  });
}

function inPorts(spec: string, port: number): boolean {
  const parsed = parsePortSpec(spec, false);
  return parsed.ok && parsed.ranges.some((x) => port >= x.lo && port <= x.hi);
}

function isManagementRef(spec: string): boolean {
  return spec === "+management" || spec === "+dc/management";
}

/**
 * The addresses a rule's `source` matches: everything when absent; the management set (with the
 * local network) for `+management`; a cluster IPSet's contents; an alias's or a literal list's
 * addresses. `undefined` when unknown (an SDN IPSet, a name that resolves to nothing).
 */
function sourceRanges(source: string | undefined, cluster: LoadedFile, management: Management): Ranges | undefined {
  if (!truthy(source)) return ALL;
  if (isManagementRef(source)) return management.set;
  const set = /^\+(dc\/)?([A-Za-z][A-Za-z0-9\-_]+)$/.exec(source);
  if (set) return cluster.ipsets.has(set[2]!) ? ipSetRanges(cluster, set[2]!) : undefined;
  if (source.startsWith("+")) return undefined;
  return addressRanges(source, cluster);
}

/** A literal address list, or an alias (cluster aliases; host rules see no others) resolved to its value. */
function addressRanges(spec: string, cluster: LoadedFile): Ranges | undefined {
  const alias = /^(dc\/)?([A-Za-z][A-Za-z0-9\-_]+)$/.exec(spec);
  const literal = alias ? cluster.aliases.get(alias[2]!.toLowerCase())?.cidr : spec;
  if (literal === undefined) return undefined;
  const list = parseAddressList(literal);
  // An alias's value may have host bits (Proxmox keeps them; the kernel ignores them).
  if (!list.ok || list.kind !== "literal") return alias ? netRanges(literal) : undefined;
  return union(
    list.items.map((i): readonly [bigint, bigint] =>
      i.kind === "range"
        ? [on(i.version, i.from), on(i.version, i.to)]
        : [on(i.version, i.value), on(i.version, i.value | hostMask(i.version, i.prefix))],
    ),
  );
}

/**
 * A cluster IPSet's members as the kernel matches them: the most specific entry containing an
 * address decides, so entries are laid down from the widest to the narrowest, `nomatch` ones
 * cutting holes (entries Proxmox skips left out; alias entries resolved through the cluster's aliases).
 */
function ipSetRanges(cluster: LoadedFile, name: string): Ranges {
  const entries: { net: Net; nomatch: boolean }[] = [];
  for (const e of cluster.ipsets.get(name)?.entries ?? []) {
    if (e.error) continue;
    const alias = /^(dc\/)?([A-Za-z][A-Za-z0-9\-_]+)$/.exec(e.entry.cidr);
    const net = netOf(alias ? (cluster.aliases.get(alias[2]!.toLowerCase())?.cidr ?? "") : e.entry.cidr);
    if (net) entries.push({ net, nomatch: e.entry.nomatch === 1 || e.entry.nomatch === true });
  }
  let members: Ranges = [];
  for (const { net, nomatch } of entries.sort((a, b) => a.net.prefix - b.net.prefix)) {
    members = nomatch ? subtract(members, [net.range]) : union([...members, net.range]);
  }
  return members;
}

/** A network's range on the line and its prefix length. */
interface Net {
  readonly range: readonly [bigint, bigint];
  readonly prefix: number;
}

/** A network or address (host bits ignored, as the kernel stores it), or `undefined` when it does not parse. */
function netOf(text: string): Net | undefined {
  const cidr = parseCidr(text);
  if (!cidr) return undefined;
  const prefix = cidr.prefix ?? ipBits(cidr.version);
  const mask = hostMask(cidr.version, prefix);
  return { range: [on(cidr.version, cidr.value & ~mask), on(cidr.version, cidr.value | mask)], prefix };
}

function netRanges(text: string): Ranges {
  const net = netOf(text);
  return net ? [net.range] : [];
}

function on(version: 4 | 6, value: bigint): bigint {
  return version === 6 ? value + V6 : value;
}

function union(ranges: Ranges): Ranges {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1n) last[1] = larger(hi, last[1]);
    else out.push([lo, hi]);
  }
  return out;
}

/** The larger of two bigints (`Math.max` takes numbers only). */
function larger(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** The smaller of two bigints. */
function smaller(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function intersect(a: Ranges, b: Ranges): Ranges {
  const out: [bigint, bigint][] = [];
  for (const [lo, hi] of a) {
    for (const [x, y] of b) {
      const from = larger(lo, x);
      const to = smaller(hi, y);
      if (from <= to) out.push([from, to]);
    }
  }
  return union(out);
}

function subtract(a: Ranges, b: Ranges): Ranges {
  let out = [...a];
  for (const [x, y] of b) {
    out = out.flatMap(([lo, hi]): [bigint, bigint][] => {
      if (y < lo || x > hi) return [[lo, hi]];
      return [
        ...(lo < x ? [[lo, x - 1n] as [bigint, bigint]] : []),
        ...(hi > y ? [[y + 1n, hi] as [bigint, bigint]] : []),
      ];
    });
  }
  return out;
}

/** A range as an address (`203.0.113.7`), a network (`192.0.2.0/24`) when it is one, else `first-last`. */
function describe([lo, hi]: readonly [bigint, bigint]): string {
  const version = lo >= V6 ? 6 : 4;
  const base = version === 6 ? V6 : 0n;
  const text = (v: bigint) => formatIp({ version, value: v - base });
  if (lo === hi) return text(lo);
  const size = hi - lo + 1n;
  const bits = size.toString(2).length - 1;
  const network = (size & (size - 1n)) === 0n && ((lo - base) & (size - 1n)) === 0n;
  return network ? `${text(lo)}/${ipBits(version) - bits}` : `${text(lo)}-${text(hi)}`;
}
