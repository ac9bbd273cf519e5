/**
 * Text primitives shared by the `.fw` parser and printer: Perl's ASCII whitespace, Perl truthiness,
 * byte-order comparison and pve-common's IP address patterns. No I/O, no state.
 */

/** Perl's `\s` on byte strings (ASCII only; JavaScript's `\s` also matches Unicode spaces). */
export const PERL_WS = "[ \\t\\n\\r\\f\\v]";
/** Perl's `\S` on byte strings. */
export const PERL_NON_WS = "[^ \\t\\n\\r\\f\\v]";

const LEADING_WS = new RegExp(`^${PERL_WS}+`);
const TRAILING_WS = new RegExp(`${PERL_WS}+$`);
const BLANK = new RegExp(`^${PERL_WS}*$`);

/** Removes Perl whitespace (`\s`) from both ends of `text`. */
export function trimPerlWs(text: string): string {
  return text.replace(LEADING_WS, "").replace(TRAILING_WS, "");
}

/** True when `text` is empty or only Perl whitespace (`m/^\s*$/`). */
export function isBlank(text: string): boolean {
  return BLANK.test(text);
}

/**
 * Perl truthiness of a scalar: `undef`, `""`, `"0"` and `0` are false, everything else is true.
 * Proxmox's writer tests most fields this way, so a `dport` of `"0"` is never written.
 */
export function perlTrue(value: string | number | boolean | undefined): boolean {
  if (value === undefined || value === false || value === "" || value === "0") return false;
  return value !== 0;
}

/**
 * Compares two strings in UTF-8 byte order (= code point order), as Perl's `sort` does on the
 * encoded text. JavaScript's `<` compares UTF-16 units, which differs for astral characters.
 */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * Sorts strings in UTF-8 byte order (see {@link compareBytes}), in place. Uses the engine's native
 * comparison when no string holds a surrogate, where both orders agree.
 */
export function sortBytes(items: string[]): string[] {
  return items.some((s) => SURROGATE.test(s)) ? items.sort(compareBytes) : items.sort();
}

// pve-common PVE::ParseUtils: $IPV4RE and $IPV6RE, rebuilt from the same grammar.
const V4_OCTET = "(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])";
const V4 = `(?:(?:${V4_OCTET}\\.){3}${V4_OCTET})`;
const H16 = "(?:[0-9a-fA-F]{1,4})";
const LS32 = `(?:(?:${V4}|${H16}:${H16}))`;
const V6 =
  "(?:" +
  [
    `(?:(?:(?:${H16}:){6})${LS32})`,
    `(?:(?:::(?:${H16}:){5})${LS32})`,
    `(?:(?:(?:${H16})?::(?:${H16}:){4})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,3}${H16})?::(?:${H16}:){1})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,4}${H16})?::)${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,5}${H16})?::)${H16})`,
    `(?:(?:(?:(?:${H16}:){0,6}${H16})?::))`,
  ].join("|") +
  ")";
const V6_CIDR = new RegExp(`^${V6}(?:/\\d+)?$`);
const V4_CIDR = new RegExp(`^${V4}(?:/\\d+)?$`);

/**
 * Proxmox's `parse_ip_or_cidr`: checks that `cidr` is an IPv4/IPv6 address with an optional
 * `/prefix` and strips a `/32` (IPv4) or `/128` (IPv6) suffix. `undefined` when it is neither.
 * Host bits and prefix ranges are not checked here (Proxmox does not either).
 */
export function parseIpOrCidr(cidr: string): { cidr: string; ipversion: 4 | 6 } | undefined {
  // Every IPv6 form holds a ':' and no IPv4 form does; testing that first skips the long IPv6 pattern.
  if (!cidr.includes(":")) {
    return V4_CIDR.test(cidr) ? { cidr: cidr.endsWith("/32") ? cidr.slice(0, -3) : cidr, ipversion: 4 } : undefined;
  }
  if (V6_CIDR.test(cidr)) return { cidr: cidr.endsWith("/128") ? cidr.slice(0, -4) : cidr, ipversion: 6 };
  return undefined;
}

/** Splits `text` at its first `#`: the part before it and the comment after it (Perl-trimmed). */
export function splitComment(text: string): { body: string; comment: string | undefined } {
  const hash = text.indexOf("#");
  if (hash < 0) return { body: text, comment: undefined };
  return { body: text.slice(0, hash), comment: trimPerlWs(text.slice(hash + 1)) };
}
