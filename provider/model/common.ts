/**
 * Building blocks shared by every object kind: validation results, names, comments, log levels,
 * address and port specs, and the conversion of zod issues into our `{ path, reason }` form.
 *
 * @module
 */
import { z } from "zod";
import { cleanCidr, hasHostBits, parseCidr, parseIp } from "./ip";
import { ICMP_TYPES, ICMPV6_TYPES, LOG_LEVELS, servicePort } from "./pve-tables";

/** One validation problem: `path` is a dot path (`rules[2].dport`), `reason` says what is wrong and what is allowed. */
export interface Issue {
  path: string;
  reason: string;
}

/** Result of a `validate*` function: the canonical wire form, or every issue found. */
export type Validation<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** Joins a base path and a key into a dot path (`rules[2]` + `dport`); numbers become `[n]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return base === "" ? key : `${base}.${key}`;
}

/** Renders issues one per line as `path: reason` (or just the reason for the root). */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.reason}` : i.reason)).join("\n");
}

/** Converts zod issues to ours, prefixing `base` to each path and lower-casing the first letter of a reason. */
export function zodIssues(error: z.ZodError, base = ""): Issue[] {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (acc, key) => joinPath(acc, typeof key === "number" ? key : String(key)),
      base,
    );
    const reason = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
    return { path, reason: reason.replace(/\.$/, "") };
  });
}

/** Quotes a user value in an error message (JSON style, so control characters stay visible). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** Proxmox's object-name pattern (ipsets, aliases, groups): a letter, then letters, digits, `-`, `_`. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]+$/;
/** Lower-case variant we require for IPSet and security-group names (Proxmox lower-cases them on read). */
export const LOWER_NAME_PATTERN = /^[a-z][a-z0-9_-]+$/;

/** IPSet name: 2-64 chars, lower case (upper case breaks later lookups in Proxmox). */
export const ipSetNameSchema = z
  .string()
  .max(64, { error: "must be at most 64 characters" })
  .regex(LOWER_NAME_PATTERN, {
    error: (i) =>
      `${quote(String(i.input))} must be 2+ lower-case letters, digits, '-' or '_', starting with a letter (Proxmox lower-cases names on read)`,
  });

/** Alias name: 2-64 chars, letters (any case), digits, `-`, `_`, starting with a letter. */
export const aliasNameSchema = z
  .string()
  .max(64, { error: "must be at most 64 characters" })
  .regex(NAME_PATTERN, {
    error: (i) => `${quote(String(i.input))} must be 2+ letters, digits, '-' or '_', starting with a letter`,
  });

/** A free-text comment: any text without line breaks (a newline corrupts the `.fw` file). */
export const commentSchema = z.string().refine((s) => !/[\r\n]/.test(s), {
  error: "must not contain line breaks (a newline or CR corrupts the Proxmox config file)",
});

/** A log level (`emerg` … `debug`, or `nolog`). */
export const logLevelSchema = z.enum(LOG_LEVELS, {
  error: (i) => `${quote(String(i.input))} is not a log level (${LOG_LEVELS.join(", ")})`,
});

/**
 * Canonical form of a comment as Proxmox stores it: surrounding whitespace is trimmed when the file
 * is read back, and an empty (or `0`, which Perl treats as false) comment is not written at all.
 */
export function canonicalComment(comment: string | undefined): string | undefined {
  if (comment === undefined) return undefined;
  const trimmed = comment.trim();
  return trimmed === "" || trimmed === "0" ? undefined : trimmed;
}

/** The IP version of an address spec, or `undefined` when it has none (references) or is invalid. */
export type AddressCheck = { ok: true; version: 4 | 6 | undefined } | { ok: false; reason: string };

const IPSET_REF = /^\+(?:(?:guest|dc|sdn)\/)?[A-Za-z][A-Za-z0-9_-]+$/;
const ALIAS_REF = /^(?:(?:dc|guest)\/)?[A-Za-z][A-Za-z0-9_-]+$/;

/**
 * Checks a rule `source`/`dest` (`pve-fw-addr-spec`): an IPSet reference (`+name`, `+dc/name`,
 * `+guest/name`, `+sdn/name`), an alias reference (`name`, `dc/name`, `guest/name`), or a
 * comma-separated list of addresses/CIDRs (no host bits, one IP family), or a single range `a-b`.
 * References are checked for syntax only. At most 512 characters.
 */
export function checkAddressSpec(spec: string): AddressCheck {
  if (spec.length > 512) return { ok: false, reason: `address spec is ${spec.length} characters, at most 512 allowed` };
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
        reason: `ipset reference ${quote(spec)} has upper-case letters (Proxmox lower-cases ipset names)`,
      };
    return { ok: true, version: undefined };
  }
  if (ALIAS_REF.test(spec)) {
    if (spec.length > 64) return { ok: false, reason: `alias name ${quote(spec)} is longer than 64 characters` };
    return { ok: true, version: undefined };
  }
  const elements = spec.split(",");
  let version: 4 | 6 | undefined;
  let hasRange = false;
  for (const element of elements) {
    if (element === "") return { ok: false, reason: `extraneous commas in list ${quote(spec)}` };
    const elemVersion = checkAddressElement(element);
    if (typeof elemVersion === "string") return { ok: false, reason: elemVersion };
    if (element.includes("-")) hasRange = true;
    if (version !== undefined && elemVersion !== version)
      return { ok: false, reason: `${quote(spec)} mixes IPv4 and IPv6 addresses` };
    version = elemVersion;
  }
  if (hasRange && elements.length > 1) return { ok: false, reason: `${quote(spec)} has a range inside a list` };
  return { ok: true, version };
}

function checkAddressElement(element: string): 4 | 6 | string {
  const dash = element.indexOf("-");
  if (dash !== -1) {
    const from = parseIp(element.slice(0, dash));
    const to = parseIp(element.slice(dash + 1));
    if (!from || !to) return `${quote(element)} is not an IPv4/IPv6 address, CIDR, range, ipset or alias reference`;
    if (from.version !== to.version) return `range ${quote(element)} mixes IPv4 and IPv6`;
    if (from.value > to.value) return `range ${quote(element)} is reversed`;
    return from.version;
  }
  const cidr = parseCidr(element);
  if (!cidr) return `${quote(element)} is not an IPv4/IPv6 address, CIDR, range, ipset or alias reference`;
  if (hasHostBits(cidr) && cidr.prefix !== undefined)
    return `${quote(element)} has host bits set; use ${cleanCidr({ ...cidr, prefix: cidr.prefix })}`;
  return cidr.version;
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

/** A port spec as input: a string (`"80:85,443"`, `"ssh"`) or a single port number. */
export const portInputSchema = z.union([z.string(), z.number().int().min(0).max(65535)]);

/** Wire text of a port input (numbers become decimal strings). */
export function portToWire(port: string | number | undefined): string | undefined {
  return port === undefined ? undefined : String(port);
}
