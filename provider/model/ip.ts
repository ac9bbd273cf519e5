/**
 * IP address parsing and CIDR normalisation, written to match what Proxmox (pve-common's
 * `$IPV4RE`/`$IPV6RE` and Net::IP) accepts and how pve-firewall's `clean_cidr` rewrites prefixes.
 * No I/O; all functions are pure.
 *
 * @module
 */

/** A parsed address: its family and its bits as a big integer (32 or 128 bits wide). */
export interface ParsedIp {
  version: 4 | 6;
  value: bigint;
}

const IPV4_OCTET = "(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])";
const IPV4_RE = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted-quad IPv4 address (no leading zeros, as Proxmox's `$IPV4RE`). */
export function parseIpv4(text: string): ParsedIp | undefined {
  if (!IPV4_RE.test(text)) return undefined;
  const value = text.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  return { version: 4, value };
}

/** Parses an IPv6 address in any RFC 4291 text form (`::`, embedded IPv4 tail, any case). */
export function parseIpv6(text: string): ParsedIp | undefined {
  if (!text.includes(":") || /:::/.test(text)) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const toGroups = (part: string, last: boolean): number[] | undefined => {
    if (part === "") return [];
    const pieces = part.split(":");
    const groups: number[] = [];
    for (const [i, piece] of pieces.entries()) {
      if (last && i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIpv4(piece);
        if (!v4) return undefined;
        groups.push(Number(v4.value >> 16n), Number(v4.value & 0xffffn));
      } else if (HEX_GROUP.test(piece)) groups.push(Number.parseInt(piece, 16));
      else return undefined;
    }
    return groups;
  };
  const head = toGroups(halves[0] ?? "", halves.length === 1);
  const tail = halves.length === 2 ? toGroups(halves[1] ?? "", true) : [];
  if (!head || !tail) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else groups = head;
  if (groups.length !== 8) return undefined;
  return { version: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n) };
}

/** Parses an IPv4 or IPv6 address. */
export function parseIp(text: string): ParsedIp | undefined {
  return parseIpv4(text) ?? parseIpv6(text);
}

/** Width of an address family in bits. */
export function ipBits(version: 4 | 6): number {
  return version === 4 ? 32 : 128;
}

/** An address with an optional prefix length, as written by the user. */
export interface ParsedCidr extends ParsedIp {
  /** The prefix length, or undefined when the text has no `/len`. */
  prefix: number | undefined;
  /** The address part exactly as typed. */
  addressText: string;
}

/** Parses `addr` or `addr/len` (len 0-32 for IPv4, 0-128 for IPv6, decimal without sign). */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const ip = parseIp(addressText);
  if (!ip) return undefined;
  if (slash === -1) return { ...ip, prefix: undefined, addressText };
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return undefined;
  const prefix = Number(lenText);
  if (prefix > ipBits(ip.version)) return undefined;
  return { ...ip, prefix, addressText };
}

/** The mask of the host bits of a prefix (the bits that must be zero in a network address). */
export function hostMask(version: 4 | 6, prefix: number): bigint {
  return (1n << BigInt(ipBits(version) - prefix)) - 1n;
}

/** Whether the address of `cidr` has bits set beyond its prefix (`10.0.0.1/24`). */
export function hasHostBits(cidr: ParsedCidr): boolean {
  return cidr.prefix !== undefined && (cidr.value & hostMask(cidr.version, cidr.prefix)) !== 0n;
}

/** Formats an address: dotted quad, or RFC 5952 compressed lower-case IPv6 (as Net::IP compresses). */
export function formatIp(ip: ParsedIp): string {
  if (ip.version === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join(".");
  }
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((ip.value >> s) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/**
 * The network address of a CIDR with host bits cleared, formatted as Proxmox's `clean_cidr`
 * does (IPv6 compressed and lower-cased); the prefix is kept.
 */
export function cleanCidr(cidr: ParsedCidr & { prefix: number }): string {
  const value = cidr.value & ~hostMask(cidr.version, cidr.prefix);
  return `${formatIp({ version: cidr.version, value })}/${cidr.prefix}`;
}
