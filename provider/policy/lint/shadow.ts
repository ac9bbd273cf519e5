/**
 * Rules that can never decide: exact duplicates, rules after a catch-all, and rules whose every
 * packet an earlier rule already decides (the earlier rule matches a superset). First match wins
 * in every chain, so such a rule is dead weight, or a sign the order is wrong.
 *
 * Sets are compared as Proxmox compiles them: per IP version, macros expanded, aliases resolved;
 * an IPSet is only known to cover itself (its contents may change at any time).
 *
 * @module
 */
import { printRuleLine } from "../../fw/rule";
import { hostMask } from "../../model/ip";
import { protocolNumber } from "../../model/pve-tables";
import type { RuleFields } from "../../model/wire";
import { parseAddressList } from "../address";
import { expandMacro } from "../generate";
import type { LoadedConfigs, LoadedFile, LoadedRule } from "../load";
import { type IcmpType, icmpCondition, type PortRange, parsePortSpec } from "../ports";
import { truthy } from "../verify";
import { type Finding, finding } from "./findings";
import { active, type RuleList, rulePlace, rulesOf } from "./lists";

type Addr =
  | { readonly any: true }
  | { readonly ref: string }
  | { readonly ranges: readonly (readonly [bigint, bigint])[] };

/** The packets one compiled line matches. */
interface Space {
  readonly iface?: string;
  readonly src: Addr;
  readonly dst: Addr;
  readonly proto?: number;
  readonly dport?: readonly PortRange[];
  readonly sport?: readonly PortRange[];
  readonly icmp?: IcmpType | "any";
}

interface Entry {
  readonly lr: LoadedRule;
  readonly list: RuleList;
  /** Spaces per IP version (empty array: the rule has no line in that version). */
  readonly spaces: ReadonlyMap<4 | 6, readonly Space[]>;
  readonly catchAll: boolean;
  readonly key: string;
}

const ANY: Addr = { any: true };

/**
 * Shadowing findings for every list (cluster, host + cluster per node, groups, guests per NIC).
 * Cluster rules run on every node, after that node's host rules: one is reported as shadowed by
 * host rules only when it is so on every node (`nodes`, the topology's, plus every node with a
 * host.fw), since deleting it would open what it filters on the others.
 */
export function shadowFindings(
  loaded: LoadedConfigs,
  lists: readonly RuleList[],
  nodes: readonly string[] = [],
): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const emit = (f: Finding | undefined, id: string) => {
    if (f && !seen.has(id)) {
      seen.add(id);
      out.push(f);
    }
  };
  const everyNode = new Set([...nodes, ...lists.filter((l) => l.level === "host").map((l) => l.node!)]);
  /** Cluster rules some node's host rules shadow: the first such finding and the nodes where they do. */
  const byHost = new Map<string, { finding: Finding | undefined; nodes: Set<string> }>();
  const cluster = lists.find((l) => l.level === "cluster")!;
  const clusterEntries = entries(loaded, cluster);
  for (const list of lists) {
    if (list.level === "guest") {
      const own = entries(loaded, list);
      const ifaces = new Set(own.map((e) => e.lr.rule.iface).filter((i): i is string => truthy(i)));
      for (const dir of ["in", "out"] as const) {
        for (const nic of [...ifaces, undefined]) {
          const seq = own.filter((e) => !truthy(e.lr.rule.iface) || e.lr.rule.iface === nic);
          for (const [f, id] of analyse(seq, dir, () => true)) emit(f, id);
        }
      }
      continue;
    }
    const seq = list.level === "host" ? [...entries(loaded, list), ...clusterEntries] : entries(loaded, list);
    for (const dir of ["in", "out"] as const) {
      // In a node's chain, report cluster rules only when a host rule shadows them (the cluster's own list covers the rest).
      const relevant = (earlier: Entry) => list.level !== "host" || earlier.list === list;
      for (const [f, id] of analyse(seq, dir, relevant)) {
        if (list.level !== "host" || !id.startsWith("cluster/")) emit(f, id);
        else {
          const hit = byHost.get(id) ?? { finding: f, nodes: new Set<string>() };
          hit.nodes.add(list.node!);
          byHost.set(id, hit);
        }
      }
    }
  }
  for (const [id, hit] of byHost) if (hit.nodes.size === everyNode.size) emit(hit.finding, id);
  return out;
}

function analyse(
  seq: readonly Entry[],
  dir: "in" | "out",
  relevant: (earlier: Entry) => boolean,
): [Finding | undefined, string][] {
  const out: [Finding | undefined, string][] = [];
  const terminal = seq.filter((e) => e.lr.rule.type === dir && active(e.lr));
  for (let i = 0; i < terminal.length; i++) {
    const later = terminal[i]!;
    const earlier = terminal.slice(0, i).filter(relevant);
    const id = `${later.list.scope}/${later.lr.pos}`;
    const where = (e: Entry) =>
      `${e.list === later.list ? "" : `${e.list.scope} `}rule ${e.lr.pos}${e.lr.line !== undefined ? ` (line ${e.lr.line})` : ""}`;
    const dup = earlier.find((e) => e.key === later.key);
    const place = rulePlace(later.list, later.lr);
    const text = printRuleLine(later.lr.rule, later.list.level !== "group");
    if (dup) {
      out.push([finding("PVEFW041", place, `\`${text}\` duplicates ${where(dup)}`, "delete the duplicate"), id]);
      continue;
    }
    const all = earlier.find((e) => e.catchAll);
    if (all) {
      out.push([
        finding(
          "PVEFW042",
          place,
          `\`${text}\` comes after the catch-all ${where(all)} (\`${printRuleLine(all.lr.rule, true)}\`) and never matches`,
          "move the rule above the catch-all, or delete it",
        ),
        id,
      ]);
      continue;
    }
    const by = shadowedBy(later, earlier);
    if (by) {
      const same = by.lr.rule.action === later.lr.rule.action;
      out.push([
        finding(
          "PVEFW040",
          place,
          `\`${text}\` never matches: ${where(by)} (\`${printRuleLine(by.lr.rule, true)}\`) matches every packet it would${
            same ? " and does the same" : `, with ${by.lr.rule.action}`
          }`,
          same ? "delete the redundant rule" : "move the more specific rule above the broader one",
        ),
        id,
      ]);
    }
  }
  return out;
}

/** The one earlier rule that covers every line of `later` in every IP version it has, if any. */
function shadowedBy(later: Entry, earlier: readonly Entry[]): Entry | undefined {
  return earlier.find((e) => {
    for (const [v, spaces] of later.spaces) {
      const mine = e.spaces.get(v) ?? [];
      if (!spaces.every((s) => mine.some((m) => covers(m, s)))) return false;
    }
    return later.spaces.size > 0;
  });
}

function entries(loaded: LoadedConfigs, list: RuleList): Entry[] {
  return rulesOf(list).map((lr) => {
    const spaces = new Map<4 | 6, Space[]>();
    for (const v of [4, 6] as const) {
      if (lr.ipversion && lr.ipversion !== v) continue;
      try {
        const lines = expandMacro(lr, lr.rule, v).map((r) => space(r, v, loaded.cluster, list.local));
        if (lines.length > 0) spaces.set(v, lines);
      } catch {
        // A rule that does not compile matches nothing; rules.ts reports it.
      }
    }
    const r = lr.rule;
    const catchAll =
      !lr.macro &&
      !truthy(r.iface) &&
      !truthy(r.source) &&
      !truthy(r.dest) &&
      !truthy(r.proto) &&
      !truthy(r.dport) &&
      !truthy(r.sport);
    const key = [r.type, r.action, r.macro, r.iface, r.source, r.dest, r.proto, r.dport, r.sport, r["icmp-type"]]
      .map((x) => (x === undefined ? "" : String(x)))
      .join("\u0000");
    return { lr, list, spaces, catchAll, key };
  });
}

function space(r: RuleFields, version: 4 | 6, cluster: LoadedFile, local: LoadedFile | undefined): Space {
  const proto = truthy(r.proto) ? r.proto : undefined;
  const icmpProto = proto === "icmp" || proto === "icmpv6" || proto === "ipv6-icmp";
  const icmpSpec = icmpProto ? (r["icmp-type"] ?? (proto !== "ipv6-icmp" ? r.dport : undefined)) : undefined;
  return {
    ...(truthy(r.iface) ? { iface: r.iface } : {}),
    src: truthy(r.source) ? addr(r.source, cluster, local) : ANY,
    dst: truthy(r.dest) ? addr(r.dest, cluster, local) : ANY,
    ...(proto !== undefined ? { proto: protocolNumber(proto) ?? -1 } : {}),
    ...(!icmpProto && truthy(r.dport) ? { dport: ports(r.dport) } : {}),
    ...(!icmpProto && truthy(r.sport) ? { sport: ports(r.sport) } : {}),
    ...(icmpSpec !== undefined ? { icmp: icmpCondition(icmpSpec, version) ?? { type: -1 } } : {}),
  };
}

function ports(spec: string): readonly PortRange[] {
  const p = parsePortSpec(spec, false);
  return p.ok ? p.ranges : [];
}

function addr(spec: string, cluster: LoadedFile, local: LoadedFile | undefined): Addr {
  if (spec.startsWith("+")) {
    const m = /^\+(guest\/|dc\/|sdn\/)?(.+)$/.exec(spec)!;
    const scope = m[1] ?? "";
    const inGuest = scope !== "dc/" && scope !== "sdn/" && local?.ipsets.has(m[2]!);
    return { ref: `${inGuest ? "guest" : "dc"}:${m[2]}` };
  }
  let literal = spec;
  const alias = /^(dc\/|guest\/)?([A-Za-z][A-Za-z0-9\-_]+)$/.exec(spec);
  if (alias) {
    const key = alias[2]!.toLowerCase();
    const scope = alias[1] ?? "";
    literal =
      (scope !== "dc/" ? local?.aliases.get(key)?.cidr : undefined) ??
      (scope !== "guest/" ? cluster.aliases.get(key)?.cidr : undefined) ??
      "";
  }
  const list = parseAddressList(literal);
  if (!list.ok || list.kind !== "literal") return { ref: `?${spec}` };
  return {
    ranges: list.items.map((i): readonly [bigint, bigint] => {
      if (i.kind === "range") return [versioned(i.version, i.from), versioned(i.version, i.to)];
      const mask = hostMask(i.version, i.prefix);
      return [versioned(i.version, i.value & ~mask), versioned(i.version, i.value | mask)];
    }),
  };
}

/** Puts IPv6 above every IPv4 value so ranges of both families compare safely. */
function versioned(version: 4 | 6, value: bigint): bigint {
  return version === 6 ? value + (1n << 32n) : value;
}

function covers(a: Space, b: Space): boolean {
  if (a.iface !== undefined && a.iface !== b.iface) return false;
  if (a.proto !== undefined && a.proto !== b.proto) return false;
  if (a.dport && !(b.dport && rangesCover(a.dport, b.dport))) return false;
  if (a.sport && !(b.sport && rangesCover(a.sport, b.sport))) return false;
  if (a.icmp !== undefined && !(b.icmp !== undefined && icmpCovers(a.icmp, b.icmp))) return false;
  return addrCovers(a.src, b.src) && addrCovers(a.dst, b.dst);
}

function rangesCover(a: readonly PortRange[], b: readonly PortRange[]): boolean {
  return b.every((r) => a.some((x) => x.lo <= r.lo && x.hi >= r.hi));
}

function icmpCovers(a: IcmpType | "any", b: IcmpType | "any"): boolean {
  if (a === "any") return true;
  if (b === "any") return false;
  return a.type === b.type && (a.code === undefined || a.code === b.code);
}

function addrCovers(a: Addr, b: Addr): boolean {
  if ("any" in a) return true;
  if ("any" in b) return false;
  if ("ref" in a || "ref" in b) return "ref" in a && "ref" in b && a.ref === b.ref;
  return b.ranges.every(([lo, hi]) => a.ranges.some(([x, y]) => x <= lo && y >= hi));
}
