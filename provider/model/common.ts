/**
 * Building blocks shared by every object kind: validation results and issue paths, how a user
 * value is quoted in a message, name and comment rules, and address and port specs. Pure
 * functions, no zod (the field schemas built from these live in `fields.ts`).
 *
 * @module
 */
import { cleanCidr, hasHostBits, parseCidr, parseIp } from "./ip";
import { ICMP_TYPES, ICMPV6_TYPES, servicePort } from "./pve-tables";

/** One validation problem: `path` is a dot path (`rules[2].dport`), `reason` says what is wrong and what is allowed. */
export interface Issue {
  path: string;
  reason: string;
}

/**
 * Result of a `validate*` function: the canonical wire form plus a warning for every input that
 * was rewritten in a way the user may not expect (host bits cleared, a comment Proxmox drops), or
 * every issue found.
 */
export type Validation<T> = { ok: true; value: T; warnings: Issue[] } | { ok: false; issues: Issue[] };

/**
 * Joins a base path and a key into a Pulumi property path (`rules[2]` + `dport`): numbers become
 * `[n]`, keys that are not plain names are quoted (`rules[0]["icmp-type"]`).
 */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return `${base}[${quote(key)}]`;
  return base === "" ? key : `${base}.${key}`;
}

/** Renders issues one per line as `path: reason` (or just the reason for the root). */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.reason}` : i.reason)).join("\n");
}

/**
 * Quotes a user value in an error message, JSON style, with every invisible character escaped
 * (`\u0000`, `\u007f`, C1 controls, zero-width and line/paragraph separators), so what was typed is
 * what the message shows.
 */
export function quote(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Proxmox's object-name pattern (ipsets, aliases, groups): a letter, then letters, digits, `-`, `_`. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]+$/;
/** Lower-case variant we require for IPSet and security-group names (Proxmox lower-cases them on read). */
export const LOWER_NAME_PATTERN = /^[a-z][a-z0-9_-]+$/;

/** The kinds of named objects, as messages call them. */
export type NameKind = "IPSet" | "security group" | "alias";

/**
 * Why `name` is not a valid `kind` name of at most `max` characters, or `undefined`. IPSet and
 * security-group names must be lower case: Proxmox lower-cases them when it reads its files, so
 * `MySet` would be created but never found again. Alias names may use any case: Proxmox keeps the
 * case for display and compares names case-insensitively.
 */
export function nameProblem(kind: NameKind, name: string, max: number): string | undefined {
  const lowerOnly = kind !== "alias";
  const rule = `2 to ${max} ${lowerOnly ? "lower-case " : ""}letters, digits, '-' or '_', starting with a letter`;
  if (name.length < 2 || name.length > max)
    return `${quote(name)} is ${name.length} character${name.length === 1 ? "" : "s"} long; ${kind} names are ${rule}`;
  if (!NAME_PATTERN.test(name)) return `${quote(name)} is not a valid ${kind} name: use ${rule}`;
  if (lowerOnly && !LOWER_NAME_PATTERN.test(name))
    return `${quote(name)} has upper-case letters; Proxmox lower-cases ${kind} names when it reads its config, so ${quote(name)} could not be found again: use ${quote(name.toLowerCase())}`;
  return undefined;
}

const CONTROL_NAMES: Readonly<Record<number, string>> = { 0: "NUL", 9: "tab", 27: "ESC", 127: "DEL" };

/**
 * Why a free-text value (a comment) cannot be stored, or `undefined`: line breaks corrupt the
 * one-line config entry Proxmox writes it into, and other control characters (C0 and DEL) would be
 * written into the file as they are.
 */
export function controlCharProblem(text: string): string | undefined {
  const at = text.search(/[\u0000-\u001f\u007f]/);
  if (at === -1) return undefined;
  const code = text.charCodeAt(at);
  if (code === 10 || code === 13)
    return `${quote(text)} contains a line break, which corrupts the Proxmox config file (the text after it becomes a broken line); keep it on one line`;
  const hex = code.toString(16).toUpperCase().padStart(4, "0");
  const name = CONTROL_NAMES[code];
  return `${quote(text)} contains the control character U+${hex}${name ? ` (${name})` : ""} at position ${at + 1}, which Proxmox would write into its config file; remove it`;
}

/**
 * Canonical form of a comment as Proxmox stores it: spaces around it are trimmed when the file is
 * read back, and an empty comment or one of `0` (Perl-false) is not written at all.
 */
export function canonicalComment(comment: string | undefined): string | undefined {
  if (comment === undefined) return undefined;
  const trimmed = comment.replace(/^ +| +$/g, "");
  return trimmed === "" || trimmed === "0" ? undefined : trimmed;
}

/** The warning for a comment Proxmox will not store (empty, blank or `0`), or `undefined`. */
export function droppedCommentWarning(comment: string | undefined): string | undefined {
  if (comment === undefined || canonicalComment(comment) !== undefined) return undefined;
  const why = comment.trim() === "0" ? "is Perl-false, so Proxmox does not store it" : "is blank";
  return `${quote(comment)} ${why}; the object gets no comment (leave comment out to say so)`;
}

/**
 * An address spec as checked: its IP version (`undefined` for references) and its canonical text,
 * with every element that had host bits replaced by its network (`10.0.0.1/8` is `10.0.0.0/8`).
 */
export type AddressCheck =
  | { ok: true; version: 4 | 6 | undefined; value: string; rewritten: boolean }
  | { ok: false; reason: string };

const IPSET_REF = /^\+(?:(?:guest|dc|sdn)\/)?[A-Za-z][A-Za-z0-9_-]+$/;
const ALIAS_REF = /^(?:(?:dc|guest)\/)?[A-Za-z][A-Za-z0-9_-]+$/;
const MAX_ADDRESS_SPEC = 512;

/**
 * Checks a rule `source`/`dest` (`pve-fw-addr-spec`): an IPSet reference (`+name`, `+dc/name`,
 * `+guest/name`, `+sdn/name`, lower case), an alias reference (`name`, `dc/name`, `guest/name`,
 * any case), or a comma-separated list of addresses/CIDRs (one IP family), or a single range
 * `a-b`. A CIDR with host bits means its network: the canonical text holds the network instead
 * (Proxmox would reject it). References are checked for syntax only. At most 512 characters.
 */
export function checkAddressSpec(spec: string): AddressCheck {
  if (spec.startsWith("+")) {
    if (spec.length > 65) return { ok: false, reason: `ipset name in ${quote(spec)} is longer than 64 characters` };
    if (!IPSET_REF.test(spec))
      return {
        ok: false,
        reason: `${quote(spec)} is not an ipset reference (+name, +dc/name, +guest/name, +sdn/name)`,
      };
    if (/[A-Z]/.test(spec))
      return {
        ok: false,
        reason: `ipset reference ${quote(spec)} has upper-case letters; Proxmox lower-cases ipset names, so it would never match: use ${quote(spec.toLowerCase())}`,
      };
    return { ok: true, version: undefined, value: spec, rewritten: false };
  }
  if (ALIAS_REF.test(spec)) {
    if (spec.length > 64) return { ok: false, reason: `alias name ${quote(spec)} is longer than 64 characters` };
    return { ok: true, version: undefined, value: spec, rewritten: false };
  }
  if (spec.length > MAX_ADDRESS_SPEC)
    return { ok: false, reason: `${quote(spec)} is ${spec.length} characters long, at most 512 allowed` };
  const elements = spec.split(",");
  let version: 4 | 6 | undefined;
  let hasRange = false;
  const values: string[] = [];
  for (const element of elements) {
    if (element === "") return { ok: false, reason: `extraneous commas in list ${quote(spec)}` };
    const checked = checkAddressElement(element);
    if (typeof checked === "string") return { ok: false, reason: checked };
    if (element.includes("-")) hasRange = true;
    if (version !== undefined && checked.version !== version)
      return { ok: false, reason: `${quote(spec)} mixes IPv4 and IPv6 addresses` };
    version = checked.version;
    values.push(checked.value);
  }
  if (hasRange && elements.length > 1) return { ok: false, reason: `${quote(spec)} has a range inside a list` };
  const value = values.join(",");
  if (value.length > MAX_ADDRESS_SPEC)
    return { ok: false, reason: `${quote(value)} is ${value.length} characters long, at most 512 allowed` };
  return { ok: true, version, value, rewritten: value !== spec };
}

function checkAddressElement(element: string): { version: 4 | 6; value: string } | string {
  const dash = element.indexOf("-");
  if (dash !== -1) {
    const from = parseIp(element.slice(0, dash));
    const to = parseIp(element.slice(dash + 1));
    if (!from || !to) return `${quote(element)} is not an IPv4/IPv6 address, CIDR, range, ipset or alias reference`;
    if (from.version !== to.version) return `range ${quote(element)} mixes IPv4 and IPv6`;
    if (from.value > to.value) return `range ${quote(element)} is reversed`;
    return { version: from.version, value: element };
  }
  const cidr = parseCidr(element);
  if (!cidr) return `${quote(element)} is not an IPv4/IPv6 address, CIDR, range, ipset or alias reference`;
  if (cidr.prefix !== undefined && hasHostBits(cidr))
    return { version: cidr.version, value: cleanCidr({ ...cidr, prefix: cidr.prefix }) };
  return { version: cidr.version, value: element };
}

/** Result of a port-spec check: whether it used ICMP type names (dport on ICMP rules only). */
export type PortCheck = { ok: true; icmpNames: boolean } | { ok: false; reason: string };

/**
 * Checks a port spec (`pve-fw-dport-spec`/`pve-fw-sport-spec`): comma list of ports 0-65535,
 * `lo:hi` ranges (not reversed) and `/etc/services` names, at most 15 "numbers" (a range counts 2).
 * With `allowIcmpNames` (dport of an ICMP rule) ICMP type names are accepted too, alone.
 */
export function checkPortSpec(spec: string, allowIcmpNames: boolean): PortCheck {
  const items = spec.split(",");
  let count = 0;
  let icmpNames = false;
  for (const item of items) {
    if (item === "") return { ok: false, reason: `extraneous commas in port list ${quote(spec)}` };
    const range = /^(\d+):(\d+)$/.exec(item);
    if (range) {
      count += 2;
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      if (lo > 65535 || hi > 65535) return { ok: false, reason: `port in ${quote(item)} is above 65535` };
      if (lo > hi) return { ok: false, reason: `port range ${item} is reversed; did you mean ${hi}:${lo}` };
    } else if (/^\d+$/.test(item)) {
      count += 1;
      if (Number(item) > 65535) return { ok: false, reason: `port ${item} is above 65535` };
    } else if (allowIcmpNames && (ICMP_TYPES.has(item) || ICMPV6_TYPES.has(item))) {
      icmpNames = true;
    } else if (servicePort(item) === undefined) {
      return { ok: false, reason: `${quote(item)} is not a port number, range (lo:hi) or service name` };
    }
  }
  if (icmpNames && count > 0) return { ok: false, reason: `${quote(spec)} mixes ICMP types with ports` };
  if (count > 15) return { ok: false, reason: `${quote(spec)} has more than 15 ports (a range counts as 2)` };
  return { ok: true, icmpNames };
}

/** Wire text of a port input (numbers become decimal strings). */
export function portToWire(port: string | number | undefined): string | undefined {
  return port === undefined ? undefined : String(port);
}
