/**
 * Proxmox's `verify_rule` (Firewall.pm): the handler-level checks of one rule, in Proxmox's order.
 * In raising mode the first failing field ends the request with a 400 carrying only that field;
 * in collecting mode (used when a file is read) the first error per field is kept in `errors`.
 */
import {
  ICMP_TYPES,
  ICMPV6_TYPES,
  isIcmpProtoName,
  lookupMacro,
  type MacroRule,
  portProtocol,
} from "../provider/model/pve-tables";
import type { RuleFields } from "../provider/model/wire";
import { formatProblem, parseAddressList, parsePortList } from "./formats";
import { paramError, plainError } from "./http-error";
import type { ConfigData } from "./store";

/** Where a rule lives, as Proxmox's `rule_env`. */
export type RuleEnv = "cluster" | "host" | "vm" | "ct" | "vnet" | "group";

const DIRECTIONS: Readonly<Record<RuleEnv, readonly string[]>> = {
  cluster: ["in", "out", "forward", "group"],
  host: ["in", "out", "forward", "group"],
  vm: ["in", "out", "group"],
  ct: ["in", "out", "group"],
  vnet: ["forward", "group"],
  group: ["in", "out", "forward"],
};
const IFACE_ALLOWED: Readonly<Record<RuleEnv, boolean>> = {
  cluster: true,
  host: true,
  vm: true,
  ct: true,
  vnet: false,
  group: false,
};
const IPSET_REF_RE = /^\+(guest\/|dc\/|sdn\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;
const ALIAS_REF_RE = /^(guest\/|dc\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;
const GROUP_NAME_RE = /^[A-Za-z][A-Za-z0-9\-_]+$/;

/** The configs a rule's references are resolved against. */
export interface RuleContext {
  readonly cluster: ConfigData;
  /** The guest/host/vnet file the rule lives in; absent for cluster and group rules. */
  readonly local?: ConfigData;
  readonly env: RuleEnv;
}

/** Result of a collecting-mode verification. */
export interface VerifiedRule {
  readonly rule: RuleFields;
  readonly ipversion?: 4 | 6;
  readonly errors?: Record<string, string>;
}

/** Perl truthiness of an optional string: defined, not "" and not "0". */
function truthy(v: string | undefined): v is string {
  return v !== undefined && v !== "" && v !== "0";
}

class MixedFamily extends Error {}

/**
 * Verifies (and canonicalises the macro of) `rule` in place. With `raise`, throws the first
 * error as Proxmox does; otherwise returns all first-per-field errors.
 */
export function verifyRule(rule: RuleFields, ctx: RuleContext, raise: boolean): VerifiedRule {
  const r = rule as Record<string, string | number | undefined> & RuleFields;
  const errors: Record<string, string> = {};
  let count = 0;
  const addError = (param: string, msg: string): void => {
    const text = msg.replace(/\n$/, "");
    if (raise) throw paramError({ [param]: text });
    count++;
    if (errors[param] === undefined) errors[param] = text;
  };
  let ipversion: 4 | 6 | undefined;
  const setIpVersion = (v: 4 | 6 | undefined): void => {
    if (!v) return;
    if (ipversion && v !== ipversion) throw new MixedFamily("detected mixed ipv4/ipv6 addresses in rule");
    ipversion = v;
  };
  const aliasOf = (conf: ConfigData | undefined, key: string) =>
    conf?.aliases.find((a) => a.name.toLowerCase() === key);
  const checkRef = (name: "source" | "dest"): void => {
    const value = r[name];
    if (!truthy(value)) return;
    if (value.startsWith("+")) {
      const m = IPSET_REF_RE.exec(value);
      if (!m) {
        addError(name, `invalid ipset name '${value}'`);
        return;
      }
      const set = m[2] ?? "";
      const found = ctx.cluster.ipsets.some((s) => s.name === set) || ctx.local?.ipsets.some((s) => s.name === set);
      if (!found) addError(name, `no such ipset '${set}'`);
      return;
    }
    const m = ALIAS_REF_RE.exec(value);
    if (!m) return;
    const scope = m[1] ?? "";
    const key = (m[2] ?? "").toLowerCase();
    if (!aliasOf(ctx.cluster, key) && !aliasOf(ctx.local, key)) addError(name, `no such alias '${value}'`);
    let e = scope !== "dc/" ? aliasOf(ctx.local, key) : undefined;
    if (scope !== "guest/" && !e) e = aliasOf(ctx.cluster, key);
    const v = e ? (e.cidr.includes(":") ? 6 : 4) : undefined;
    try {
      setIpVersion(v);
    } catch (err) {
      if (!(err instanceof MixedFamily) || raise) throw plainError((err as Error).message);
      addError(name, (err as Error).message);
    }
  };
  const guarded = (param: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      if (err instanceof Error && !(err instanceof MixedFamily) && err.name === "PveHttpError") throw err;
      addError(param, (err as Error).message);
    }
  };

  const { type, action } = r;
  if (!type) addError("type", "missing property");
  if (!action) addError("action", "missing property");
  if (type) {
    if (!DIRECTIONS[ctx.env].includes(type)) addError("type", `invalid rule type '${type}' for rule_env '${ctx.env}'`);
    if (type === "in" || type === "out" || type === "forward") {
      if (type === "forward" && action === "REJECT") addError("action", "cannot define REJECT rules on forward chain");
      if (action && !/^(ACCEPT|DROP|REJECT)$/.test(action)) addError("action", `unknown action '${action}'`);
    } else if (type === "group") {
      if (ctx.env === "group") addError("type", "security groups not allowed");
      if (action && !GROUP_NAME_RE.test(action)) addError("action", "invalid characters in security group name");
    } else {
      addError("type", `unknown rule type '${type}'`);
    }
  }
  if (r.iface) {
    if (!IFACE_ALLOWED[ctx.env]) addError("type", "parameter -i not allowed for this rule type");
    const problem = formatProblem("pve-iface", r.iface);
    if (problem) addError("iface", problem);
    if ((ctx.env === "vm" || ctx.env === "ct") && !/^net(\d+)$/.test(r.iface)) {
      addError("iface", "value does not match the regex pattern 'net\\d+'");
    }
  }
  let macro: ReturnType<typeof lookupMacro>;
  if (r.macro) {
    macro = lookupMacro(r.macro);
    if (macro) r.macro = macro.name;
    else addError("macro", `unknown macro '${r.macro}'`);
  }
  let isIcmp = false;
  const proto = r.proto;
  if (proto) {
    const problem = formatProblem("pve-fw-protocol-spec", proto);
    if (problem) addError("proto", problem);
    if (proto === "icmp") setIpVersion(4);
    if (proto === "icmpv6" || proto === "ipv6-icmp") setIpVersion(6);
    isIcmp = isIcmpProtoName(proto);
  }
  if (truthy(r.dport)) {
    const dport = r.dport;
    guarded("dport", () => parsePortList(dport, isIcmp));
    if (!proto) addError("proto", "missing property - 'dport' requires this property");
    if (!portProtocol(proto ?? "") && !isIcmp) addError("dport", `protocol '${proto ?? ""}' does not support ports`);
  }
  const icmpType = r["icmp-type"];
  if (truthy(icmpType)) {
    if (!isIcmp) addError("proto", "missing property - 'icmp-type' requires this property");
    if (truthy(r.dport)) addError("icmp-type", "'icmp-type' cannot be specified together with 'dport'");
    if (proto === "icmp" && !ICMP_TYPES.has(icmpType)) {
      addError("icmp-type", `invalid icmp-type '${icmpType}' for proto 'icmp'`);
    } else if ((proto === "icmpv6" || proto === "ipv6-icmp") && !ICMPV6_TYPES.has(icmpType)) {
      addError("icmp-type", `invalid icmp-type '${icmpType}' for proto '${proto}'`);
    }
  }
  if (truthy(r.sport)) {
    const sport = r.sport;
    guarded("sport", () => parsePortList(sport, false));
    if (!proto) addError("proto", "missing property - 'sport' requires this property");
    if (!portProtocol(proto ?? "")) addError("sport", `protocol '${proto ?? ""}' does not support ports`);
  }
  for (const field of ["source", "dest"] as const) {
    const value = r[field];
    if (!truthy(value)) continue;
    guarded(field, () => setIpVersion(parseAddressList(value)));
    checkRef(field);
  }
  if (macro && count === 0) applyMacro(macro, r, ipversion, addError);
  return { rule, ...(ipversion ? { ipversion } : {}), ...(count > 0 ? { errors } : {}) };
}

const MACRO_KEYS = ["action", "proto", "dport", "sport", "source", "dest"] as const;
const RULE_KEYS = [
  "type",
  "action",
  "enable",
  "iface",
  "source",
  "dest",
  "proto",
  "dport",
  "sport",
  "log",
  "icmp-type",
  "comment",
];

/** Firewall.pm `$apply_macro` in verify mode: a rule field that the macro fixes must match it. */
function applyMacro(
  macro: NonNullable<ReturnType<typeof lookupMacro>>,
  rule: Record<string, string | number | undefined>,
  ipversion: 4 | 6 | undefined,
  addError: (param: string, msg: string) => void,
): void {
  let templates: readonly MacroRule[] = macro.rules;
  if (ipversion === 6 && macro.ipv6Rules) templates = macro.ipv6Rules;
  if (ipversion && macro.ipVersion && ipversion !== macro.ipVersion) return;
  for (const templ of templates) {
    const fixed: Record<string, string> = {};
    const used = new Set<string>();
    for (const k of MACRO_KEYS) {
      const v = templ[k];
      if (v === undefined) continue;
      if (v === "PARAM") used.add(k);
      else fixed[k] = v;
    }
    for (const k of RULE_KEYS) {
      const v = rule[k];
      if (v === undefined || used.has(k)) continue;
      const f = fixed[k];
      if (f !== undefined && f !== String(v)) {
        addError(k, `parameter '${k}' already define in macro (value = '${f}')`);
        return;
      }
    }
  }
}
