/**
 * Named parameter formats of Proxmox's JSON schema (`format: "pve-fw-addr-spec"`, ...), each a
 * check that throws the exact text Proxmox's verifier dies with (without the `invalid format - `
 * prefix the schema layer adds). Reference data comes from the shared tables; the logic mirrors
 * Firewall.pm and pve-common JSONSchema.pm.
 */
import { CONNTRACK_HELPERS, ICMP_TYPES, ICMPV6_TYPES, isProtocolSpec, servicePort } from "../provider/model/pve-tables";
import { checkNetIp, cleanCidr, splitIpOrCidr } from "./net";

const MAX_ALIAS_NAME_LENGTH = 64;
const MAX_IPSET_NAME_LENGTH = 64;

class FormatError extends Error {}

function fail(message: string): never {
  throw new FormatError(message);
}

/** Splits like `PVE::Tools::split_list`: on commas, semicolons, whitespace and NULs, dropping empties. */
export function splitList(text: string): string[] {
  return text.split(/[,;\s\0]+/).filter((s) => s !== "");
}

/**
 * Firewall.pm `parse_address_list`: an ipset ref, an alias name, or a comma list of IPs/CIDRs/ranges.
 * Returns the IP version for literal addresses.
 */
export function parseAddressList(str: string): 4 | 6 | undefined {
  if (/^\+\S+$/.test(str)) {
    if (str.length > MAX_IPSET_NAME_LENGTH + 1) fail("ipset name too long");
    return undefined;
  }
  if (/^(dc\/|guest\/)?[A-Za-z][A-Za-z0-9\-_]+$/.test(str)) {
    if (str.length > MAX_ALIAS_NAME_LENGTH) fail("alias name too long");
    return undefined;
  }
  const elements = str.split(",");
  while (elements.length > 0 && elements[elements.length - 1] === "") elements.pop();
  if (str !== elements.join(",")) fail("extraneous commas in list");
  let version: 4 | 6 | undefined;
  let range = false;
  for (const elem of elements) {
    const res = checkNetIp(elem);
    if (!res.ok) fail(`invalid IP address: ${res.error}`);
    if (elem.includes("-")) range = true;
    if (version && version !== res.version) fail(`detected mixed ipv4/ipv6 addresses in address list '${str}'`);
    version = res.version;
  }
  if (range && elements.length > 1) fail("you can't use a range in a list");
  return version;
}

/** Firewall.pm `parse_port_name_number_or_range`; `dport` allows ICMP type names. */
export function parsePortList(str: string, dport: boolean): void {
  const elements = str.split(",");
  while (elements.length > 0 && elements[elements.length - 1] === "") elements.pop();
  if (str !== elements.join(",")) fail("extraneous commas in list");
  let count = 0;
  let icmpPort = false;
  for (const item of elements) {
    const range = /^([0-9]+):([0-9]+)$/.exec(item);
    if (range) {
      count += 2;
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (a > 65535) fail(`invalid port '${range[1]}'`);
      if (b > 65535) fail(`invalid port '${range[2]}'`);
      if (a > b) fail(`backwards range '${range[1]}:${range[2]}' not allowed, did you mean '${range[2]}:${range[1]}'?`);
    } else if (/^[0-9]+$/.test(item)) {
      count += 1;
      if (Number(item) > 65535) fail(`invalid port '${item}'`);
    } else if (dport && (ICMP_TYPES.has(item) || ICMPV6_TYPES.has(item))) {
      icmpPort = true;
    } else if (servicePort(item) === undefined) {
      fail(`invalid port '${item}'`);
    }
  }
  if (icmpPort && count > 0) fail("ICMP ports not allowed in port range");
  if (count > 15) fail("too many entries in port list (> 15 numbers)");
}

/** Firewall.pm `pve_verify_ip_or_cidr`. */
export function verifyIpOrCidr(cidr: string): void {
  if (!/^[^/]+(\/\d+)?$/.test(cidr) || !splitIpOrCidr(cidr)) {
    fail("value does not look like a valid IP address or CIDR network");
  }
  const parts = splitIpOrCidr(cidr);
  const max = parts?.ip.version === 4 ? 32 : 128;
  if (parts?.len !== undefined && parts.len > max) fail(`Invalid prefix length /${parts.len}`);
  const res = checkNetIp(cleanCidr(cidr));
  if (!res.ok) fail(res.error);
}

const CONFIGID_RE = /^[a-z][a-z0-9_-]+$/i;

/** The named formats of firewall-api.json that are plain strings. */
const FORMATS: Readonly<Record<string, (value: string) => void>> = {
  "pve-fw-addr-spec": (v) => {
    parseAddressList(v);
  },
  "pve-fw-dport-spec": (v) => parsePortList(v, true),
  "pve-fw-sport-spec": (v) => parsePortList(v, false),
  "pve-fw-protocol-spec": (v) => {
    if (v !== "" && !isProtocolSpec(v)) fail(`unknown protocol '${v}'`);
  },
  "pve-fw-icmp-type-spec": (v) => {
    if (v !== "" && !ICMP_TYPES.has(v) && !ICMPV6_TYPES.has(v)) fail(`invalid icmp-type value '${v}'`);
  },
  "pve-iface": (v) => {
    if (!/^[a-z][a-z0-9_]{1,20}([:.]\d+)?$/i.test(v)) fail(`invalid network interface name '${v}'`);
  },
  IPorCIDR: verifyIpOrCidr,
  IPorCIDRorAlias: (v) => {
    if (/^(dc\/|guest\/)?[A-Za-z][A-Za-z0-9\-_]+$/.test(v)) return;
    verifyIpOrCidr(v);
  },
  "pve-configid-list": (v) => {
    for (const id of splitList(v)) if (!CONFIGID_RE.test(id)) fail(`invalid configuration ID '${id}'`);
  },
  "pve-node": (v) => {
    if (!/^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)$/.test(v)) fail("value does not look like a valid node name");
  },
  "pve-vmid": (v) => {
    if (!/^[1-9][0-9]{2,8}$/.test(v)) fail("value does not look like a valid VM ID");
  },
  "pve-sdn-vnet-id": (v) => {
    if (!/^[a-z][a-z0-9]*[a-z0-9]$/i.test(v)) fail(`vnet ID '${v}' contains illegal characters`);
    if (v.length > 8) fail(`vnet ID '${v}' is too long (max 8 characters)`);
  },
  "pve-fw-conntrack-helper": (v) => {
    for (const h of splitList(v)) {
      if (!(CONNTRACK_HELPERS as readonly string[]).includes(h)) fail(`invalid conntrack helper '${h}'`);
    }
  },
};

/** A property-string sub-key as the schema describes it. */
export interface PropertyStringKey {
  readonly type: string;
  readonly optional?: boolean;
  readonly minimum?: number;
  readonly pattern?: string;
  readonly default_key?: boolean;
}

function checkPropertyString(value: string, format: Readonly<Record<string, PropertyStringKey>>): void {
  const defaultKey = Object.entries(format).find(([, d]) => d.default_key)?.[0];
  const seen = new Set<string>();
  for (const part of value.split(",")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? defaultKey : part.slice(0, eq);
    const v = eq < 0 ? part : part.slice(eq + 1);
    if (key === undefined) fail(`value without key, but schema does not define a default key`);
    const def = format[key];
    if (!def) fail(`invalid key in comma-separated list property: ${key}`);
    if (seen.has(key)) fail(`duplicate key in comma-separated list property: ${key}`);
    seen.add(key);
    if (def.type === "boolean" && v !== "0" && v !== "1") fail(`${key}: type check ('boolean') failed - got '${v}'`);
    if (def.type === "integer") {
      if (!/^[+-]?\d+$/.test(v)) fail(`${key}: type check ('integer') failed - got '${v}'`);
      if (def.minimum !== undefined && Number(v) < def.minimum) {
        fail(`${key}: value must have a minimum value of ${def.minimum}`);
      }
    }
    if (def.pattern !== undefined && !new RegExp(`^(?:${def.pattern})$`).test(v)) {
      fail(`${key}: value does not match the regex pattern`);
    }
  }
  for (const [key, def] of Object.entries(format)) {
    if (!def.optional && !seen.has(key)) fail(`${key}: property is missing and it is not optional`);
  }
}

/**
 * Runs a schema `format` (a name or a property-string description); returns the error text
 * (ending in a newline, as Perl's `die` leaves it) or `undefined` when the value passes.
 */
export function checkFormat(
  format: string | Readonly<Record<string, PropertyStringKey>>,
  value: string,
): string | undefined {
  try {
    if (typeof format === "string") {
      const check = FORMATS[format];
      if (!check) return undefined;
      check(value);
    } else {
      checkPropertyString(value, format);
    }
    return undefined;
  } catch (err) {
    if (err instanceof FormatError) return `${err.message}\n`;
    throw err;
  }
}

/** Runs a named format and returns the message without the trailing newline (for handler checks). */
export function formatProblem(format: string, value: string): string | undefined {
  return checkFormat(format, value)?.replace(/\n$/, "");
}
