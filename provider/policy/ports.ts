/**
 * Ports and ICMP types: Proxmox's `parse_port_name_number_or_range` checks, the kernel's port
 * matching (`--dport`, `--match multiport`), and ICMP type/code matching (`--icmp-type`).
 *
 * @module
 */
import { ICMP_TYPES, ICMPV6_TYPES, servicePort } from "../model/pve-tables";

/** An inclusive port range (a single port has `lo === hi`). */
export interface PortRange {
  readonly lo: number;
  readonly hi: number;
}

/** Result of {@link parsePortSpec}: the ranges (empty for ICMP type names) or Proxmox's error text. */
export type PortSpec =
  | { readonly ok: true; readonly ranges: readonly PortRange[]; readonly multi: boolean; readonly icmpNames: boolean }
  | { readonly ok: false; readonly error: string };

/**
 * Firewall.pm `parse_port_name_number_or_range`: comma list of ports, `a:b` ranges and
 * `/etc/services` names, at most 15 "numbers" (a range counts 2); with `dport` (an ICMP rule's
 * dport) ICMP type names are accepted, alone.
 */
export function parsePortSpec(spec: string, dport: boolean): PortSpec {
  const items = perlSplitComma(spec);
  if (spec !== items.join(",")) return { ok: false, error: "extraneous commas in list" };
  const ranges: PortRange[] = [];
  let count = 0;
  let icmpNames = false;
  for (const item of items) {
    const range = /^([0-9]+):([0-9]+)$/.exec(item);
    if (range) {
      count += 2;
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      if (lo > 65535) return { ok: false, error: `invalid port '${range[1]}'` };
      if (hi > 65535) return { ok: false, error: `invalid port '${range[2]}'` };
      if (lo > hi) {
        return {
          ok: false,
          error: `backwards range '${range[1]}:${range[2]}' not allowed, did you mean '${range[2]}:${range[1]}'?`,
        };
      }
      ranges.push({ lo, hi });
    } else if (/^[0-9]+$/.test(item)) {
      count += 1;
      const port = Number(item);
      if (port > 65535) return { ok: false, error: `invalid port '${item}'` };
      ranges.push({ lo: port, hi: port });
    } else if (dport && (ICMP_TYPES.has(item) || ICMPV6_TYPES.has(item))) {
      icmpNames = true;
    } else {
      const port = servicePort(item);
      if (port === undefined) return { ok: false, error: `invalid port '${item}'` };
      ranges.push({ lo: port, hi: port });
    }
  }
  if (icmpNames && count > 0) return { ok: false, error: "ICMP ports not allowed in port range" };
  if (count > 15) return { ok: false, error: "too many entries in port list (> 15 numbers)" };
  return { ok: true, ranges, multi: items.length > 1, icmpNames };
}

/** Perl's `split(/,/, $str)`: trailing empty fields are dropped. */
export function perlSplitComma(text: string): string[] {
  const items = text.split(",");
  while (items.length > 0 && items[items.length - 1] === "") items.pop();
  return items;
}

/** Whether `port` is in one of `ranges`; a packet without that port matches no port condition. */
export function portIn(ranges: readonly PortRange[], port: number | undefined): boolean {
  if (port === undefined) return false;
  for (const r of ranges) if (port >= r.lo && port <= r.hi) return true;
  return false;
}

/** An ICMP type with an optional code; `code` undefined = every code of the type. */
export interface IcmpType {
  readonly type: number;
  readonly code?: number;
}

/** iptables' ICMP names (libxt_icmp): name → type[/code]; `any` is handled separately. */
const ICMP4: Readonly<Record<string, IcmpType>> = {
  "echo-reply": { type: 0 },
  "destination-unreachable": { type: 3 },
  "network-unreachable": { type: 3, code: 0 },
  "host-unreachable": { type: 3, code: 1 },
  "protocol-unreachable": { type: 3, code: 2 },
  "port-unreachable": { type: 3, code: 3 },
  "fragmentation-needed": { type: 3, code: 4 },
  "source-route-failed": { type: 3, code: 5 },
  "network-unknown": { type: 3, code: 6 },
  "host-unknown": { type: 3, code: 7 },
  "network-prohibited": { type: 3, code: 9 },
  "host-prohibited": { type: 3, code: 10 },
  "TOS-network-unreachable": { type: 3, code: 11 },
  "TOS-host-unreachable": { type: 3, code: 12 },
  "communication-prohibited": { type: 3, code: 13 },
  "host-precedence-violation": { type: 3, code: 14 },
  "precedence-cutoff": { type: 3, code: 15 },
  "source-quench": { type: 4 },
  redirect: { type: 5 },
  "network-redirect": { type: 5, code: 0 },
  "host-redirect": { type: 5, code: 1 },
  "TOS-network-redirect": { type: 5, code: 2 },
  "TOS-host-redirect": { type: 5, code: 3 },
  "echo-request": { type: 8 },
  "router-advertisement": { type: 9 },
  "router-solicitation": { type: 10 },
  "time-exceeded": { type: 11 },
  "ttl-zero-during-transit": { type: 11, code: 0 },
  "ttl-zero-during-reassembly": { type: 11, code: 1 },
  "parameter-problem": { type: 12 },
  "ip-header-bad": { type: 12, code: 0 },
  "required-option-missing": { type: 12, code: 1 },
  "timestamp-request": { type: 13 },
  "timestamp-reply": { type: 14 },
  "address-mask-request": { type: 17 },
  "address-mask-reply": { type: 18 },
};

/** ip6tables' ICMPv6 names (libxt_icmp6), both spellings of neighbo(u)r. */
const ICMP6: Readonly<Record<string, IcmpType>> = {
  "destination-unreachable": { type: 1 },
  "no-route": { type: 1, code: 0 },
  "communication-prohibited": { type: 1, code: 1 },
  "beyond-scope": { type: 1, code: 2 },
  "address-unreachable": { type: 1, code: 3 },
  "port-unreachable": { type: 1, code: 4 },
  "failed-policy": { type: 1, code: 5 },
  "reject-route": { type: 1, code: 6 },
  "packet-too-big": { type: 2 },
  "time-exceeded": { type: 3 },
  "ttl-zero-during-transit": { type: 3, code: 0 },
  "ttl-zero-during-reassembly": { type: 3, code: 1 },
  "parameter-problem": { type: 4 },
  "bad-header": { type: 4, code: 0 },
  "unknown-header-type": { type: 4, code: 1 },
  "unknown-option": { type: 4, code: 2 },
  "echo-request": { type: 128 },
  "echo-reply": { type: 129 },
  "router-solicitation": { type: 133 },
  "router-advertisement": { type: 134 },
  "neighbor-solicitation": { type: 135 },
  "neighbour-solicitation": { type: 135 },
  "neighbor-advertisement": { type: 136 },
  "neighbour-advertisement": { type: 136 },
  redirect: { type: 137 },
};

/**
 * A rule's ICMP type condition (`--icmp-type X`): `any`, a name of the family, or a number 0-255
 * (all codes of that type). `undefined` when iptables would refuse it.
 */
export function icmpCondition(spec: string, version: 4 | 6): IcmpType | "any" | undefined {
  if (/^\d+$/.test(spec)) return Number(spec) <= 255 ? { type: Number(spec) } : undefined;
  if (spec === "any" && version === 4) return "any";
  return (version === 4 ? ICMP4 : ICMP6)[spec];
}

/**
 * A packet's ICMP type, written as a name (`echo-request`), a number (`8`) or `type/code` (`3/4`).
 * A name stands for its code (`port-unreachable` = 3/3) or for code 0 (`echo-request` = 8/0).
 */
export function packetIcmp(text: string, version: 4 | 6): Required<IcmpType> | undefined {
  const tc = /^(\d+)(?:\/(\d+))?$/.exec(text);
  if (tc) {
    const type = Number(tc[1]);
    const code = tc[2] === undefined ? 0 : Number(tc[2]);
    return type <= 255 && code <= 255 ? { type, code } : undefined;
  }
  const named = (version === 4 ? ICMP4 : ICMP6)[text];
  return named ? { type: named.type, code: named.code ?? 0 } : undefined;
}

/** Whether a packet's ICMP type/code satisfies a rule's condition. */
export function icmpMatches(cond: IcmpType | "any", pkt: Required<IcmpType>): boolean {
  if (cond === "any") return true;
  return cond.type === pkt.type && (cond.code === undefined || cond.code === pkt.code);
}
