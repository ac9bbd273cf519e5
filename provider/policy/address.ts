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

/** An address item as an inclusive range of one family, for fast tests. */
interface Span {
  readonly version: 4 | 6;
  readonly lo: bigint;
  readonly hi: bigint;
}

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

/** A matcher for `items` (`-s a,b` or `-m iprange --src-range a-b`): whether an address is in one of them. */
export function listMatcher(items: readonly AddressItem[]): (ip: ParsedIp) => boolean {
  const spans: Span[] = items.map((i) =>
    i.kind === "range"
      ? { version: i.version, lo: i.from, hi: i.to }
      : {
          version: i.version,
          lo: i.value & ~hostMask(i.version, i.prefix),
          hi: i.value | hostMask(i.version, i.prefix),
        },
  );
  return (ip) => {
    for (const s of spans) if (s.version === ip.version && ip.value >= s.lo && ip.value <= s.hi) return true;
    return false;
  };
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
 * A lookup costs one hash probe per distinct prefix length, as in the kernel.
 */
export class KernelSet {
  readonly #entries: SetEntry[];
  readonly #byPrefix: { readonly version: 4 | 6; readonly mask: bigint; readonly nets: Map<bigint, SetEntry> }[];

  constructor(entries: readonly SetEntry[]) {
    const byNet = new Map<string, SetEntry>();
    for (const e of entries) {
      const value = e.value & ~hostMask(e.version, e.prefix);
      byNet.set(`${e.version}/${value}/${e.prefix}`, { ...e, value });
    }
    this.#entries = [...byNet.values()].sort((a, b) => b.prefix - a.prefix);
    const groups = new Map<string, { version: 4 | 6; mask: bigint; nets: Map<bigint, SetEntry> }>();
    for (const e of this.#entries) {
      const key = `${e.version}/${e.prefix}`;
      let g = groups.get(key);
      if (!g) {
        g = { version: e.version, mask: ~hostMask(e.version, e.prefix), nets: new Map() };
        groups.set(key, g);
      }
      g.nets.set(e.value, e);
    }
    this.#byPrefix = [...groups.values()];
  }

  /** The entries, most specific first. */
  get entries(): readonly SetEntry[] {
    return this.#entries;
  }

  /** Whether `ip` is in the set (`-m set --match-set`). */
  has(ip: ParsedIp): boolean {
    for (const g of this.#byPrefix) {
      if (g.version !== ip.version) continue;
      const e = g.nets.get(ip.value & g.mask);
      if (e) return !e.nomatch;
    }
    return false;
  }
}
