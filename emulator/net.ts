/**
 * IP address handling the way Proxmox's firewall code does it (Firewall.pm with Net::IP):
 * parsing, host-bit checks, CIDR cleaning and compression. Pure functions, no I/O.
 */

/** A parsed address: its version and its 32/128 bits as a bigint. */
export interface ParsedIp {
  readonly version: 4 | 6;
  readonly value: bigint;
}

const IPV4_RE = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP_RE = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted IPv4 address; `undefined` when it is not one. */
export function parseIpv4(text: string): ParsedIp | undefined {
  if (!IPV4_RE.test(text)) return undefined;
  let value = 0n;
  for (const part of text.split(".")) value = (value << 8n) | BigInt(Number(part));
  return { version: 4, value };
}

/** Parses an IPv6 address (with `::` and an optional embedded IPv4 tail); `undefined` when invalid. */
export function parseIpv6(text: string): ParsedIp | undefined {
  if (!text.includes(":")) return undefined;
  let body = text;
  const lastColon = body.lastIndexOf(":");
  const last = body.slice(lastColon + 1);
  if (last.includes(".")) {
    const v4 = parseIpv4(last);
    if (!v4) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4.value >> 16n).toString(16)}:${(v4.value & 0xffffn).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const parseHalf = (h: string): string[] | undefined => {
    if (h === "") return [];
    const parts = h.split(":");
    return parts.every((p) => HEX_GROUP_RE.test(p)) ? parts : undefined;
  };
  const head = parseHalf(halves[0] ?? "");
  if (!head) return undefined;
  let groups: string[];
  if (halves.length === 2) {
    const rest = parseHalf(halves[1] ?? "");
    if (!rest || head.length + rest.length > 7) return undefined;
    groups = [...head, ...Array<string>(8 - head.length - rest.length).fill("0"), ...rest];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(Number.parseInt(g, 16));
  return { version: 6, value };
}

/** Parses an address of either family. */
export function parseIp(text: string): ParsedIp | undefined {
  return parseIpv4(text) ?? parseIpv6(text);
}

function bits(version: 4 | 6): number {
  return version === 4 ? 32 : 128;
}

/** The address as Net::IP's binary string (32 or 128 digits). */
export function toBinary(ip: ParsedIp): string {
  return ip.value.toString(2).padStart(bits(ip.version), "0");
}

/** Formats bits as dotted IPv4 or compressed, lower-case IPv6 (RFC 5952 style, like Net::IP). */
export function formatIp(version: 4 | 6, value: bigint): string {
  if (version === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join(".");
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

function mask(version: 4 | 6, len: number): bigint {
  const total = BigInt(bits(version));
  return ((1n << BigInt(len)) - 1n) << (total - BigInt(len));
}

/** Result of checking one element the way `Net::IP->new` does. */
export type NetIpResult = { ok: true; version: 4 | 6 } | { ok: false; error: string };

/**
 * Checks an address, `addr/len` or `a-b` range like Net::IP; the error texts are Net::IP's
 * (`Invalid prefix <bits>/<len>`, `Invalid chars in IP x`, ...).
 */
export function checkNetIp(text: string): NetIpResult {
  if (/[^0-9a-fA-F:./\- ]/.test(text) || text === "" || text === "-") {
    return { ok: false, error: `Invalid chars in IP ${text}` };
  }
  if (text.includes("-")) {
    const [a, b, ...more] = text.split("-").map((s) => s.trim());
    const pa = a ? parseIp(a) : undefined;
    const pb = b ? parseIp(b) : undefined;
    if (more.length > 0 || !pa || !pb) return { ok: false, error: `Invalid IP address ${text}` };
    if (pa.version !== pb.version) return { ok: false, error: `IP ${a} and ${b} are not of the same IP version` };
    if (pb.value < pa.value) return { ok: false, error: `Begin address is greater than End address ${text}` };
    return { ok: true, version: pa.version };
  }
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(addr);
  if (!ip) {
    const quad = addr.split(".").find((q) => /^\d+$/.test(q) && Number(q) > 255);
    if (quad !== undefined && !addr.includes(":")) {
      return { ok: false, error: `Invalid quad in IP address ${addr} - ${quad}` };
    }
    return { ok: false, error: `Invalid IP address ${addr}` };
  }
  if (slash < 0) return { ok: true, version: ip.version };
  const lenText = text.slice(slash + 1);
  const len = Number(lenText);
  if (!/^\d+$/.test(lenText) || len > bits(ip.version)) {
    return { ok: false, error: `Invalid prefix length /${lenText}` };
  }
  if ((ip.value & ~mask(ip.version, len) & ((1n << BigInt(bits(ip.version))) - 1n)) !== 0n) {
    return { ok: false, error: `Invalid prefix ${toBinary(ip)}/${len}` };
  }
  return { ok: true, version: ip.version };
}

/** `a.b.c.d[/len]` or an IPv6 address with an optional prefix, as Proxmox's IPV4RE/IPV6RE match it. */
export function splitIpOrCidr(text: string): { ip: ParsedIp; addr: string; len?: number } | undefined {
  const m = /^([^/]+)(?:\/(\d+))?$/.exec(text);
  if (!m) return undefined;
  const ip = parseIp(m[1] ?? "");
  if (!ip) return undefined;
  return m[2] === undefined ? { ip, addr: m[1] ?? "" } : { ip, addr: m[1] ?? "", len: Number(m[2]) };
}

/**
 * Proxmox's `clean_cidr`: clears host bits of `addr/len` and compresses the address; a bare
 * address is returned unchanged (so an upper-case IPv6 address stays as typed).
 */
export function cleanCidr(text: string): string {
  const parts = splitIpOrCidr(text);
  if (!parts || parts.len === undefined || parts.len === 0) return text;
  const value = parts.ip.value & mask(parts.ip.version, Math.min(parts.len, bits(parts.ip.version)));
  return `${formatIp(parts.ip.version, value)}/${parts.len}`;
}

/** Proxmox's `parse_ip_or_cidr`: strips `/32` (v4) and `/128` (v6). */
export function stripHostPrefix(text: string): string {
  const parts = splitIpOrCidr(text);
  if (!parts) return text;
  if (parts.ip.version === 4) return text.replace(/\/32$/, "");
  return text.replace(/\/128$/, "");
}

/** The address family of a plain IP or CIDR, `undefined` for anything else. */
export function ipVersionOf(text: string): 4 | 6 | undefined {
  return splitIpOrCidr(text)?.ip.version;
}
