import { PERL_NON_WS as S, PERL_WS as W } from "./text";
import type { FwFileKind } from "./types";

/**
 * `[OPTIONS]` lines, parsed as Proxmox's `parse_clusterfw_option`, `parse_hostfw_option`,
 * `parse_vmfw_option` and `parse_vnetfw_option` do: key names are case-insensitive and
 * lower-cased, flags accept only `0`/`1`, integers lose leading zeros, policies are upper-cased,
 * log levels lower-cased. Anything else is a line Proxmox warns about and drops.
 */

const LOG_LEVELS = "emerg|alert|crit|err|warning|notice|info|debug|nolog";

/** Conntrack helpers Proxmox knows (`$pve_fw_helpers`). */
export const CONNTRACK_HELPERS: readonly string[] = [
  "amanda",
  "ftp",
  "irc",
  "netbios-ns",
  "pptp",
  "sane",
  "sip",
  "snmp",
  "tftp",
];

/** How one option pattern turns its captures into the stored value (or an error text). */
type OptionRule = {
  readonly re: RegExp;
  readonly value: (m: RegExpExecArray) => string | { error: string };
};

const int = (text: string): string => text.replace(/^0+(?=\d)/, "");
const flag = (keys: string): OptionRule => ({
  re: new RegExp(`^(${keys}):${W}*(0|1)${W}*$`, "i"),
  value: (m) => m[2]!,
});
const logLevel = (keys: string): OptionRule => ({
  re: new RegExp(`^(${keys}):${W}*((${LOG_LEVELS})${W}*)?$`, "i"),
  value: (m) => (m[2] ? m[3]!.toLowerCase() : ""),
});
const policy = (keys: string, actions: string): OptionRule => ({
  re: new RegExp(`^(${keys}):${W}*(${actions})${W}*$`, "i"),
  value: (m) => m[2]!.toUpperCase(),
});
const integer = (keys: string): OptionRule => ({
  re: new RegExp(`^(${keys}):${W}*(\\d+)${W}*$`, "i"),
  value: (m) => int(m[2]!),
});
const token = (keys: string, flags: string): OptionRule => ({
  re: new RegExp(`^(${keys}):${W}*(${S}+)${W}*$`, flags),
  value: (m) => m[2]!,
});

function conntrackHelpers(m: RegExpExecArray): string | { error: string } {
  const value = m[2]!.toLowerCase();
  // Perl's split drops trailing empty fields, so a trailing comma is "extraneous".
  if (value.endsWith(",")) return { error: "extraneous commas in list" };
  const unknown = value.split(",").find((h) => !CONNTRACK_HELPERS.includes(h));
  return unknown === undefined ? value : { error: `unknown helper '${unknown}'` };
}

const OPTION_RULES: Readonly<Record<FwFileKind, readonly OptionRule[]>> = {
  cluster: [
    integer("enable"),
    flag("ebtables"),
    policy("policy_in|policy_out|policy_forward", "ACCEPT|DROP|REJECT"),
    // Proxmox matches this key case-sensitively.
    token("log_ratelimit", ""),
  ],
  host: [
    flag("enable|nosmurfs|tcpflags|ndp|log_nf_conntrack|nf_conntrack_allow_invalid|protection_synflood|nftables"),
    logLevel("log_level_in|log_level_out|log_level_forward|tcp_flags_log_level|smurf_log_level"),
    { re: new RegExp(`^(nf_conntrack_helpers):${W}*(${S}+)${W}*$`, "i"), value: conntrackHelpers },
    integer(
      "nf_conntrack_max|nf_conntrack_tcp_timeout_established|nf_conntrack_tcp_timeout_syn_recv|" +
        "protection_synflood_rate|protection_synflood_burst|protection_limit",
    ),
  ],
  guest: [
    flag("enable|dhcp|ndp|radv|macfilter|ipfilter|ips"),
    logLevel("log_level_in|log_level_out"),
    policy("policy_in|policy_out", "ACCEPT|DROP|REJECT"),
    { re: new RegExp(`^(ips_queues):${W}*(\\d+(?::\\d+)?)${W}*$`, "i"), value: (m) => m[2]! },
    token("layer2_protocols", "i"),
  ],
  vnet: [
    integer("enable"),
    policy("policy_forward", "ACCEPT|DROP"),
    { re: new RegExp(`^(log_level_forward):${W}*(${LOG_LEVELS})${W}*$`, "i"), value: (m) => m[2]!.toLowerCase() },
  ],
};

/** Result of {@link parseOptionLine}: the stored key and value, or why the line is dropped. */
export type OptionLineResult = { ok: true; key: string; value: string } | { ok: false; reason: string };

/**
 * Parses one `key: value` line of an `[OPTIONS]` section of a `kind` file.
 *
 * @param line - the line, already trimmed of surrounding blanks
 * @param kind - which file it comes from; each kind has its own option set
 * @returns the lower-cased key and the value as Proxmox stores it, or the reason it is dropped
 *
 * Cluster `enable` values above 1 are kept as read: the 60-second expiry Proxmox applies when it
 * reads a stale anti-lockout timestamp depends on the clock and is left to the caller.
 * `layer2_protocols` ethertypes are not checked against `/etc/ethertypes`.
 */
export function parseOptionLine(line: string, kind: FwFileKind): OptionLineResult {
  for (const rule of OPTION_RULES[kind]) {
    const m = rule.re.exec(line);
    if (!m) continue;
    const value = rule.value(m);
    if (typeof value !== "string") return { ok: false, reason: `option '${m[1]!.toLowerCase()}': ${value.error}` };
    return { ok: true, key: m[1]!.toLowerCase(), value };
  }
  return { ok: false, reason: `can't parse option '${line}'` };
}
