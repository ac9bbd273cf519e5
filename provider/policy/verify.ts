/**
 * Proxmox's `verify_rule` (Firewall.pm) in the mode it runs when a file is read: every problem is
 * collected in `errors` and the rule is kept but never compiled. A few problems abort the line
 * instead (`fatal`): an alias of the other IP family than the rest of the rule.
 *
 * @module
 */
import { ICMP_TYPES, ICMPV6_TYPES, isProtocolSpec, lookupMacro, type Macro } from "../model/pve-tables";
import type { RuleFields } from "../model/wire";
import { parseAddressList } from "./address";
import { parsePortSpec } from "./ports";

/** Where a rule lives (`rule_env`); guests are `vm` (VMs and containers verify alike). */
export type RuleEnv = "cluster" | "host" | "vm" | "group" | "vnet";

/** What a rule may reference at the point where it is read. */
export interface VerifyScope {
  /** Whether an IPSet of this exact (case-sensitive) name exists in the cluster file or the rule's own file. */
  hasIpSet(name: string): boolean;
  /** The cidr of an alias (lower-cased name) in the rule's own file, if read so far. */
  localAlias(key: string): string | undefined;
  /** The cidr of a cluster alias (lower-cased name), if read so far. */
  clusterAlias(key: string): string | undefined;
}

/** Outcome of {@link verifyRule}. */
export interface VerifiedRule {
  /** First error per field; empty when the rule is valid. */
  readonly errors: Readonly<Record<string, string>>;
  /** The IP version the rule is pinned to (by proto, addresses or aliases). */
  readonly ipversion?: 4 | 6;
  /** The macro, canonically spelled, when it is known. */
  readonly macro?: Macro;
  /** Set when Proxmox's parser dies on the line (the rule does not exist at all). */
  readonly fatal?: string;
}

const TYPES: Readonly<Record<RuleEnv, readonly string[]>> = {
  cluster: ["in", "out", "forward", "group"],
  host: ["in", "out", "forward", "group"],
  vm: ["in", "out", "group"],
  group: ["in", "out", "forward"],
  vnet: ["forward", "group"],
};
const PORT_PROTOCOLS = new Set(["udp", "17", "udplite", "136", "tcp", "6", "dccp", "33", "sctp", "132"]);
const IPSET_REF = /^\+(guest\/|dc\/|sdn\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;
const ALIAS_REF = /^(guest\/|dc\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;
const GROUP_NAME = /^[A-Za-z][A-Za-z0-9\-_]+$/;
const IFACE = /^[a-z][a-z0-9_]{1,20}([:.]\d+)?$/i;

/** Perl truthiness of an optional field. */
export function truthy(v: string | number | undefined): v is string | number {
  return v !== undefined && v !== "" && v !== "0" && v !== 0;
}

/**
 * Whether a rule is enabled: `enable` 1, or no `enable` at all (a `.fw` rule line without a
 * leading `|`, which is how the codec writes such a rule).
 */
export function ruleEnabled(rule: RuleFields): boolean {
  return rule.enable === undefined || truthy(rule.enable);
}

/** The IP version of an alias's cidr. */
function familyOf(cidr: string): 4 | 6 {
  return cidr.includes(":") ? 6 : 4;
}

/**
 * Verifies one rule as Proxmox does when it reads `env`'s file.
 *
 * @param rule - the rule as parsed (not modified)
 * @param env - where the rule lives
 * @param scope - what the rule may reference at this point of the file
 */
export function verifyRule(rule: RuleFields, env: RuleEnv, scope: VerifyScope): VerifiedRule {
  const errors: Record<string, string> = {};
  let count = 0;
  const add = (param: string, msg: string): void => {
    count++;
    errors[param] ??= msg;
  };
  let ipversion: 4 | 6 | undefined;
  /** Proxmox's `set_ip_version`: false when `v` clashes with the version already set. */
  const setVersion = (v: 4 | 6 | undefined): boolean => {
    if (!v) return true;
    if (ipversion && v !== ipversion) return false;
    ipversion = v;
    return true;
  };
  const { type, action } = rule;
  if (!type) add("type", "missing property");
  if (!action) add("action", "missing property");
  if (type) {
    if (!TYPES[env].includes(type)) add("type", `invalid rule type '${type}' for rule_env '${env}'`);
    if (type === "in" || type === "out" || type === "forward") {
      if (type === "forward" && action === "REJECT") add("action", "cannot define REJECT rules on forward chain");
      if (action && !/^(ACCEPT|DROP|REJECT)$/.test(action)) add("action", `unknown action '${action}'`);
    } else if (type === "group") {
      if (env === "group") add("type", "security groups not allowed");
      if (action && !GROUP_NAME.test(action)) add("action", "invalid characters in security group name");
    }
  }
  if (truthy(rule.iface)) {
    if (env === "group" || env === "vnet") add("type", "parameter -i not allowed for this rule type");
    if (!IFACE.test(rule.iface)) add("iface", `invalid network interface name '${rule.iface}'`);
    if (env === "vm" && !/^net(\d+)$/.test(rule.iface)) {
      add("iface", "value does not match the regex pattern 'net\\d+'");
    }
  }
  let macro: Macro | undefined;
  if (truthy(rule.macro)) {
    macro = lookupMacro(rule.macro);
    if (!macro) add("macro", `unknown macro '${rule.macro}'`);
  }
  const proto = truthy(rule.proto) ? rule.proto : undefined;
  let isIcmp = false;
  if (proto !== undefined) {
    if (!isProtocolSpec(proto)) add("proto", `unknown protocol '${proto}'`);
    if (proto === "icmp") setVersion(4);
    if (proto === "icmpv6" || proto === "ipv6-icmp") setVersion(6);
    isIcmp = proto === "icmp" || proto === "icmpv6" || proto === "ipv6-icmp";
  }
  if (truthy(rule.dport)) {
    const spec = parsePortSpec(rule.dport, isIcmp);
    if (!spec.ok) add("dport", spec.error);
    if (!proto) add("proto", "missing property - 'dport' requires this property");
    if (!PORT_PROTOCOLS.has(proto ?? "") && !isIcmp) add("dport", `protocol '${proto ?? ""}' does not support ports`);
  }
  const icmpType = rule["icmp-type"];
  if (truthy(icmpType)) {
    if (!isIcmp) add("proto", "missing property - 'icmp-type' requires this property");
    if (truthy(rule.dport)) add("icmp-type", "'icmp-type' cannot be specified together with 'dport'");
    if (proto === "icmp" && !ICMP_TYPES.has(icmpType)) {
      add("icmp-type", `invalid icmp-type '${icmpType}' for proto 'icmp'`);
    } else if ((proto === "icmpv6" || proto === "ipv6-icmp") && !ICMPV6_TYPES.has(icmpType)) {
      add("icmp-type", `invalid icmp-type '${icmpType}' for proto '${proto}'`);
    }
  }
  if (truthy(rule.sport)) {
    const spec = parsePortSpec(rule.sport, false);
    if (!spec.ok) add("sport", spec.error);
    if (!proto) add("proto", "missing property - 'sport' requires this property");
    if (!PORT_PROTOCOLS.has(proto ?? "")) add("sport", `protocol '${proto ?? ""}' does not support ports`);
  }
  for (const field of ["source", "dest"] as const) {
    const value = rule[field];
    if (!truthy(value)) continue;
    const list = parseAddressList(value);
    if (!list.ok) add(field, list.error);
    else if (list.kind === "literal" && !setVersion(list.version)) {
      add(field, "detected mixed ipv4/ipv6 addresses in rule");
    }
    if (!checkReference(field, value, scope, add, setVersion)) {
      return { errors, fatal: "detected mixed ipv4/ipv6 addresses in rule" };
    }
  }
  if (macro && count === 0) {
    const conflict = macroConflict(macro, rule, ipversion);
    if (conflict) add(conflict.field, conflict.message);
  }
  return { errors, ...(ipversion ? { ipversion } : {}), ...(macro ? { macro } : {}) };
}

/**
 * `check_ipset_or_alias_property`: existence of a referenced IPSet or alias. Returns false when
 * the alias's family clashes with the rule's: Proxmox calls `set_ip_version` outside an `eval`
 * there, so the parser dies and the whole line is dropped.
 */
function checkReference(
  field: string,
  value: string,
  scope: VerifyScope,
  add: (param: string, msg: string) => void,
  setVersion: (v: 4 | 6 | undefined) => boolean,
): boolean {
  if (value.startsWith("+")) {
    const m = IPSET_REF.exec(value);
    if (!m) add(field, `invalid ipset name '${value}'`);
    else if (!scope.hasIpSet(m[2]!)) add(field, `no such ipset '${m[2]}'`);
    return true;
  }
  const m = ALIAS_REF.exec(value);
  if (!m) return true;
  const where = m[1] ?? "";
  const key = m[2]!.toLowerCase();
  const local = scope.localAlias(key);
  const cluster = scope.clusterAlias(key);
  if (local === undefined && cluster === undefined) add(field, `no such alias '${value}'`);
  let cidr = where !== "dc/" ? local : undefined;
  if (where !== "guest/" && cidr === undefined) cidr = cluster;
  return cidr === undefined || setVersion(familyOf(cidr));
}

/** `$apply_macro` in verify mode: a field the macro fixes must equal the rule's own value. */
function macroConflict(
  macro: Macro,
  rule: RuleFields,
  ipversion: 4 | 6 | undefined,
): { field: string; message: string } | undefined {
  const templates = ipversion === 6 && macro.ipv6Rules ? macro.ipv6Rules : macro.rules;
  if (ipversion && macro.ipVersion && ipversion !== macro.ipVersion) return undefined;
  for (const t of templates) {
    for (const field of ["proto", "dport", "sport"] as const) {
      const fixed = t[field];
      const own = rule[field];
      if (fixed !== undefined && own !== undefined && String(own) !== fixed) {
        return { field, message: `parameter '${field}' already define in macro (value = '${fixed}')` };
      }
    }
  }
  return undefined;
}
