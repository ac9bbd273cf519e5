/**
 * Firewall rules: the input schema (what users write), the wire codec (Proxmox's `RuleFields`),
 * the canonical form planners diff, and validation against everything Proxmox rejects or breaks on.
 *
 * @module
 */
import { z } from "zod";
import {
  canonicalComment,
  checkAddressSpec,
  checkPortSpec,
  commentSchema,
  type Issue,
  joinPath,
  LOWER_NAME_PATTERN,
  logLevelSchema,
  portInputSchema,
  portToWire,
  quote,
  type Validation,
  zodIssues,
} from "./common";
import { ICMP_TYPES, ICMPV6_TYPES, isIcmpProtoName, isProtocolSpec, lookupMacro, portProtocol } from "./pve-tables";
import { allowedRuleTypes, type Scope } from "./scope";
import { RULE_FIELD_NAMES, type RuleFields } from "./wire";

/** Schema of one rule as the user declares it (camelCase, booleans, numbers allowed for ports). */
export const ruleSchema = z.object({
  type: z
    .enum(["in", "out", "forward", "group"], {
      error: (i) => `${quote(String(i.input))} is not a rule type (in, out, forward, group)`,
    })
    .default("in")
    .describe(
      "Direction: `in`, `out`, `forward`, or `group` to insert a security group. Proxmox field `type`. @default 'in' @example 'in'",
    ),
  action: z
    .string()
    .describe(
      "ACCEPT, DROP or REJECT; for `type: 'group'` the security group name. Proxmox field `action`. @example 'ACCEPT'",
    ),
  macro: z
    .string()
    .optional()
    .describe(
      "Predefined macro (e.g. SSH, HTTPS), matched case-insensitively and stored in its canonical spelling. Proxmox field `macro`. @default - no macro @example 'SSH'",
    ),
  proto: z
    .string()
    .optional()
    .describe(
      "IP protocol: a name from /etc/protocols or its number. Proxmox field `proto`. @default - any protocol @example 'tcp'",
    ),
  source: z
    .string()
    .optional()
    .describe(
      "Source: address, CIDR, range, comma list, alias (`name`, `dc/name`) or ipset (`+name`). Proxmox field `source`. @default - any source @example '+management'",
    ),
  dest: z
    .string()
    .optional()
    .describe(
      "Destination, same syntax as `source`. Proxmox field `dest`. @default - any destination @example '192.0.2.0/24'",
    ),
  sport: portInputSchema
    .optional()
    .describe(
      "Source ports: numbers, `lo:hi` ranges, service names, comma separated (max 15). Requires `proto`. Proxmox field `sport`. @default - any port @example '1024:65535'",
    ),
  dport: portInputSchema
    .optional()
    .describe(
      "Destination ports, same syntax as `sport`. Requires `proto`. Proxmox field `dport`. @default - any port @example 443",
    ),
  iface: z
    .string()
    .optional()
    .describe(
      "Network interface: `net<N>` on guests, an interface name on nodes/cluster; not allowed in groups and VNets. Proxmox field `iface`. @default - any interface @example 'net0'",
    ),
  log: logLevelSchema
    .optional()
    .describe("Log level for matches. Proxmox field `log`. @default - no logging @example 'info'"),
  icmpType: z
    .string()
    .optional()
    .describe(
      "ICMP type name; requires `proto` icmp, icmpv6 or ipv6-icmp and no `dport`. Proxmox field `icmp-type`. @default - any type @example 'echo-request'",
    ),
  enable: z
    .boolean()
    .default(true)
    .describe(
      "Whether the rule is active. Proxmox field `enable` (0/1; a disabled rule is written with a leading `|`). @default true (unlike the API, which defaults to 0)",
    ),
  comment: commentSchema
    .optional()
    .describe("Free text. Proxmox field `comment`. @default - no comment @example 'https from office'"),
});
/** A rule as the user writes it (Pulumi args). */
export type RuleInput = z.input<typeof ruleSchema>;
/** A rule with defaults applied. */
export type Rule = z.output<typeof ruleSchema>;

/** Input field names (camelCase) of each wire field, for issue paths. */
const INPUT_NAME: Readonly<Record<string, string>> = { "icmp-type": "icmpType" };
const GROUP_DROPPED = ["macro", "proto", "source", "dest", "dport", "sport", "log", "icmp-type"] as const;

/** Converts a user rule to Proxmox's wire fields (defaults applied: type `in`, enable 1). */
export function ruleToWire(input: RuleInput): RuleFields {
  const wire: RuleFields = {
    type: input.type ?? "in",
    action: input.action,
    enable: input.enable === false ? 0 : 1,
    macro: input.macro,
    iface: input.iface,
    source: input.source,
    dest: input.dest,
    proto: input.proto,
    dport: portToWire(input.dport),
    sport: portToWire(input.sport),
    log: input.log,
    "icmp-type": input.icmpType,
    comment: input.comment,
  };
  return ordered(wire);
}

/** Converts wire fields to the user's shape (enable as boolean; absent enable means enabled, as in a `.fw` file). */
export function ruleFromWire(fields: RuleFields): Rule {
  const rule: Rule = {
    type: fields.type,
    action: fields.action,
    enable: fields.enable === undefined || Number(fields.enable) >= 1,
  };
  const optional = {
    macro: fields.macro,
    proto: fields.proto,
    source: fields.source,
    dest: fields.dest,
    sport: fields.sport,
    dport: fields.dport,
    iface: fields.iface,
    log: fields.log,
    icmpType: fields["icmp-type"],
    comment: fields.comment,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(rule, { [key]: value });
  }
  return rule;
}

/**
 * The canonical form of a rule: what Proxmox stores and returns after a write. `enable` is always
 * 0/1 (absent means enabled, as in the file); macro names take their canonical case; empty fields
 * are dropped (Proxmox treats '' as "delete"); group rules keep only action, iface, enable and
 * comment; comments are trimmed and dropped when empty or `0`. Addresses and port specs are kept as
 * typed, because Proxmox stores them verbatim and no rewrite of them is provably equivalent in every
 * context (service names, ICMP names in dport, alias lookups).
 */
export function canonicalRule(fields: RuleFields): RuleFields {
  const enable = fields.enable === undefined || Number(fields.enable) >= 1 ? 1 : 0;
  const comment = canonicalComment(fields.comment);
  if (fields.type === "group") {
    return ordered({ type: "group", action: fields.action, enable, iface: blank(fields.iface), comment });
  }
  const macro = blank(fields.macro);
  return ordered({
    ...fields,
    enable,
    macro: macro === undefined ? undefined : (lookupMacro(macro)?.name ?? macro),
    iface: blank(fields.iface),
    source: blank(fields.source),
    dest: blank(fields.dest),
    proto: blank(fields.proto),
    dport: blank(fields.dport),
    sport: blank(fields.sport),
    "icmp-type": blank(fields["icmp-type"]),
    comment,
  });
}

function blank(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

function ordered(fields: RuleFields): RuleFields {
  const out: Record<string, unknown> = {};
  for (const key of RULE_FIELD_NAMES) if (fields[key] !== undefined) out[key] = fields[key];
  return out as RuleFields;
}

const ACTION_PATTERN = /^[A-Za-z][A-Za-z0-9_-]+$/;
const IFACE_PATTERN = /^[a-z][a-z0-9_]{1,20}([:.]\d+)?$/i;

/**
 * Checks one rule's wire fields against what Proxmox rejects (or silently breaks on) in `scope`.
 * Returns issues keyed by input field name; empty when the rule is valid.
 */
export function checkRule(rule: RuleFields, scope: Scope): Issue[] {
  const issues: Issue[] = [];
  const add = (field: string, reason: string) => issues.push({ path: INPUT_NAME[field] ?? field, reason });
  const { type, action } = rule;
  const allowed = allowedRuleTypes(scope);
  if (!allowed.includes(type))
    add("type", `rule type ${quote(type)} is not allowed in ${scope.kind} scope (allowed: ${allowed.join(", ")})`);
  if (action.length < 2 || action.length > 20 || !ACTION_PATTERN.test(action))
    add("action", `${quote(action)} must be 2-20 letters, digits, '-' or '_', starting with a letter`);
  else if (type === "group") checkGroupRule(rule, add);
  else if (!["ACCEPT", "DROP", "REJECT"].includes(action))
    add("action", `unknown action ${quote(action)} (allowed: ACCEPT, DROP, REJECT)`);
  else if (type === "forward" && action === "REJECT") add("action", "REJECT is not allowed on forward rules");
  if (rule.comment === "-") add("comment", `a comment of exactly "-" cannot be stored by Proxmox`);
  if (rule.iface) checkIface(rule.iface, scope, add);
  if (type !== "group") checkMatch(rule, add);
  if (issues.length === 0 && rule.macro) checkMacroConflict(rule, add);
  return issues;
}

type Add = (field: string, reason: string) => void;

function checkGroupRule(rule: RuleFields, add: Add): void {
  if (rule.action.length > 18 || !LOWER_NAME_PATTERN.test(rule.action))
    add(
      "action",
      `security group name ${quote(rule.action)} must be 2-18 lower-case letters, digits, '-' or '_', starting with a letter`,
    );
  for (const field of GROUP_DROPPED) {
    if (rule[field] !== undefined && rule[field] !== "")
      add(field, `is not allowed on a group rule (Proxmox silently drops it); set it on the group's own rules`);
  }
}

function checkIface(iface: string, scope: Scope, add: Add): void {
  if (scope.kind === "group" || scope.kind === "vnet") add("iface", `is not allowed on ${scope.kind} rules`);
  else if (scope.kind === "vm" && !/^net\d+$/.test(iface))
    add("iface", `${quote(iface)} must be a guest interface key like net0`);
  else if (iface.length > 20 || !IFACE_PATTERN.test(iface))
    add("iface", `${quote(iface)} is not a network interface name (letter first, 2-20 characters, optional .N or :N)`);
}

function checkMatch(rule: RuleFields, add: Add): void {
  const proto = rule.proto || undefined;
  let version: 4 | 6 | undefined;
  if (rule.macro && !lookupMacro(rule.macro)) add("macro", `unknown macro ${quote(rule.macro)}`);
  if (proto !== undefined && !isProtocolSpec(proto))
    add("proto", `unknown protocol ${quote(proto)} (use a name or number from /etc/protocols)`);
  if (proto === "icmp") version = 4;
  else if (proto === "icmpv6" || proto === "ipv6-icmp") version = 6;
  const icmp = proto !== undefined && isIcmpProtoName(proto);
  for (const field of ["dport", "sport"] as const) {
    const spec = rule[field];
    if (!spec) continue;
    const check = checkPortSpec(spec, field === "dport" && icmp);
    if (!check.ok) add(field, check.reason);
    if (proto === undefined) add(field, `requires proto (for example tcp or udp)`);
    else if (!portProtocol(proto) && !(field === "dport" && icmp))
      add(field, `protocol ${quote(proto)} does not support ports (use tcp, udp, udplite, dccp or sctp)`);
  }
  const icmpType = rule["icmp-type"];
  if (icmpType) {
    if (!icmp) add("icmp-type", `requires proto icmp, icmpv6 or ipv6-icmp`);
    if (rule.dport) add("icmp-type", `cannot be combined with dport`);
    const names = proto === "icmp" ? ICMP_TYPES : icmp ? ICMPV6_TYPES : undefined;
    const known = names ? names.has(icmpType) : ICMP_TYPES.has(icmpType) || ICMPV6_TYPES.has(icmpType);
    if (!known) add("icmp-type", `${quote(icmpType)} is not an ICMP type name${proto ? ` for ${proto}` : ""}`);
  }
  for (const field of ["source", "dest"] as const) {
    const spec = rule[field];
    if (!spec) continue;
    const check = checkAddressSpec(spec);
    if (!check.ok) add(field, check.reason);
    else if (check.version !== undefined) {
      if (version !== undefined && version !== check.version)
        add(field, `mixes IPv${check.version} with IPv${version} elsewhere in the rule`);
      version = check.version;
    }
  }
}

function checkMacroConflict(rule: RuleFields, add: Add): void {
  const macro = rule.macro ? lookupMacro(rule.macro) : undefined;
  if (!macro) return;
  const version = ruleIpVersion(rule);
  if (version !== undefined && macro.ipVersion !== undefined && macro.ipVersion !== version) return;
  const templates = version === 6 && macro.ipv6Rules ? macro.ipv6Rules : macro.rules;
  const reported = new Set<string>();
  for (const template of templates) {
    for (const field of ["proto", "dport", "sport", "source", "dest"] as const) {
      const fixed = template[field];
      const given = rule[field];
      if (fixed === undefined || !given || given === fixed || reported.has(field)) continue;
      reported.add(field);
      add(field, `${quote(given)} conflicts with macro ${macro.name}, which sets ${field} ${quote(fixed)}`);
    }
  }
}

/** The IP version a rule is pinned to by its proto or literal addresses, if any. */
export function ruleIpVersion(rule: RuleFields): 4 | 6 | undefined {
  if (rule.proto === "icmp") return 4;
  if (rule.proto === "icmpv6" || rule.proto === "ipv6-icmp") return 6;
  for (const spec of [rule.source, rule.dest]) {
    if (!spec) continue;
    const check = checkAddressSpec(spec);
    if (check.ok && check.version !== undefined) return check.version;
  }
  return undefined;
}

/**
 * Validates one user rule for `scope`. On success returns its canonical wire form. Issue paths
 * are prefixed with `rules[index]` when `index` is given.
 */
export function validateRule(input: unknown, scope: Scope, index?: number): Validation<RuleFields> {
  const base = index === undefined ? "" : joinPath("rules", index);
  const parsed = ruleSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error, base) };
  const wire = ruleToWire(parsed.data);
  const issues = checkRule(wire, scope).map((i) => ({ ...i, path: joinPath(base, i.path) }));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: canonicalRule(wire) };
}

/** Validates an ordered rule list for `scope`; issues of every rule are reported (`rules[2].dport`). */
export function validateRules(inputs: readonly unknown[], scope: Scope): Validation<RuleFields[]> {
  const value: RuleFields[] = [];
  const issues: Issue[] = [];
  inputs.forEach((input, index) => {
    const result = validateRule(input, scope, index);
    if (result.ok) value.push(result.value);
    else issues.push(...result.issues);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}
