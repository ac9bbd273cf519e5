/**
 * Address matching as the kernel does it: rule address lists (`-s a,b`, `-m iprange`) and IPSets
 * (`hash:net` with `nomatch`), plus Proxmox's `parse_address_list` checks of a rule's address.
 *
 * @module
 */
import { hasHostBits, hostMask, type ParsedIp, parseCidr, parseIp } from "../model/ip";
import { perlSplitComma } from "./ports";

/** One element of a literal address list: a network or an inclusive range. */
export type AddressItem =
  | { readonly kind: "net"; readonly version: 4 | 6; readonly value: bigint; readonly prefix: number }
  | { readonly kind: "range"; readonly version: 4 | 6; readonly from: bigint; readonly to: bigint };

/** Result of {@link parseAddressList}: a reference (checked later), a literal list, or Proxmox's error text. */
export type AddressList =
  | { readonly ok: true; readonly kind: "ipset" | "alias" }
  | { readonly ok: true; readonly kind: "literal"; readonly version: 4 | 6; readonly items: readonly AddressItem[] }
  | { readonly ok: false; readonly error: string };

const ALIAS_REF = /^(dc\/|guest\/)?[A-Za-z][A-Za-z0-9\-_]+$/;

/** A network (`a.b.c.d`, `a.b.c.d/n`, IPv6 likewise), or undefined when Net::IP would refuse it. */
export function parseNet(text: string): (AddressItem & { kind: "net" }) | undefined {
  const c = parseCidr(text);
  if (!c || hasHostBits(c)) return undefined;
  const bits = c.version === 4 ? 32 : 128;
  return { kind: "net", version: c.version, value: c.value, prefix: c.prefix ?? bits };
}

/**
 * Firewall.pm `parse_address_list`: `+set` and alias names are references; anything else is a
 * comma list of addresses/CIDRs (host bits not allowed, one family) or a single range `a-b`.
 */
export function parseAddressList(spec: string): AddressList {
  if (/^\+\S+$/.test(spec)) {
    return spec.length > 65 ? { ok: false, error: "ipset name too long" } : { ok: true, kind: "ipset" };
  }
  if (ALIAS_REF.test(spec)) {
    return spec.length > 64 ? { ok: false, error: "alias name too long" } : { ok: true, kind: "alias" };
  }
  const elements = perlSplitComma(spec);
  if (spec !== elements.join(",")) return { ok: false, error: "extraneous commas in list" };
  const items: AddressItem[] = [];
  let version: 4 | 6 | undefined;
  for (const elem of elements) {
    const item = parseElement(elem);
    if (!item) return { ok: false, error: `invalid IP address: ${elem}` };
    if (version && item.version !== version) {
      return { ok: false, error: `detected mixed ipv4/ipv6 addresses in address list '${spec}'` };
    }
    version = item.version;
    items.push(item);
  }
  if (items.some((i) => i.kind === "range") && items.length > 1) {
    return { ok: false, error: "you can't use a range in a list" };
  }
  return { ok: true, kind: "literal", version: version!, items };
}

function parseElement(elem: string): AddressItem | undefined {
  const dash = elem.indexOf("-");
  if (dash < 0) return parseNet(elem);
  const from = parseIp(elem.slice(0, dash));
  const to = parseIp(elem.slice(dash + 1));
  if (!from || !to || from.version !== to.version || from.value > to.value) return undefined;
  return { kind: "range", version: from.version, from: from.value, to: to.value };
}

/** Whether `ip` is in one of `items` (`-s a,b` or `-m iprange --src-range a-b`). */
export function inList(items: readonly AddressItem[], ip: ParsedIp): boolean {
  for (const item of items) {
    if (item.version !== ip.version) continue;
    if (item.kind === "range") {
      if (ip.value >= item.from && ip.value <= item.to) return true;
    } else if (inNet(item, ip)) return true;
  }
  return false;
}

/** Whether `ip` is inside the network `value/prefix` of the same family. */
export function inNet(net: { version: 4 | 6; value: bigint; prefix: number }, ip: ParsedIp): boolean {
  if (net.version !== ip.version) return false;
  const mask = hostMask(net.version, net.prefix);
  return (ip.value & ~mask) === (net.value & ~mask);
}

/** One entry of a kernel set: a network, possibly `nomatch`. */
export interface SetEntry {
  readonly version: 4 | 6;
  readonly value: bigint;
  readonly prefix: number;
  readonly nomatch: boolean;
  /** The entry as written, for explanations. */
  readonly text: string;
}

/**
 * A kernel `hash:net` set (both families): an address is in the set when the most specific entry
 * that contains it is not `nomatch` (the kernel tries prefixes from the longest to the shortest).
 * Entries are stored as the kernel stores them: host bits cleared, the last add of a net wins.
 */
export class KernelSet {
  readonly #entries: SetEntry[];

  constructor(entries: readonly SetEntry[]) {
    const byNet = new Map<string, SetEntry>();
    for (const e of entries) {
      const value = e.value & ~hostMask(e.version, e.prefix);
      byNet.set(`${e.version}/${value}/${e.prefix}`, { ...e, value });
    }
    this.#entries = [...byNet.values()].sort((a, b) => b.prefix - a.prefix);
  }

  /** The entries, most specific first. */
  get entries(): readonly SetEntry[] {
    return this.#entries;
  }

  /** Whether `ip` is in the set (`-m set --match-set`). */
  has(ip: ParsedIp): boolean {
    for (const e of this.#entries) if (inNet(e, ip)) return !e.nomatch;
    return false;
  }
}
