/**
 * The checks behind rule validation: what Proxmox rejects, and what it accepts but stores
 * differently from what was asked (a Perl-false port or protocol that it drops, a list or range as
 * an ICMP type, fields it drops from group rules). Everything here yields issues keyed by the
 * user's field names, so `check` fails before any API call.
 *
 * @module
 */
import {
  checkAddressSpec,
  checkPortSpec,
  droppedCommentWarning,
  type Issue,
  LOWER_NAME_PATTERN,
  quote,
} from "./common";
import { show } from "./input";
import { ICMP_TYPES, ICMPV6_TYPES, isIcmpProtoName, isProtocolSpec, lookupMacro, portProtocol } from "./pve-tables";
import type { Rule } from "./rule";
import { allowedRuleTypes, type Scope } from "./scope";
import type { RuleFields } from "./wire";

/** Input field names (camelCase) of each wire field, for issue paths. */
const INPUT_NAME: Readonly<Record<string, string>> = { "icmp-type": "icmpType" };
const GROUP_DROPPED = ["macro", "proto", "source", "dest", "dport", "sport", "log", "icmp-type"] as const;
const ACTION_PATTERN = /^[A-Za-z][A-Za-z0-9_-]+$/;
const IFACE_PATTERN = /^[a-z][a-z0-9_]{1,20}([:.]\d+)?$/i;

/** What leaving a match field out means, for the "is empty" message. */
const ANY: Readonly<Record<string, string>> = {
  macro: "to use no macro",
  proto: "to match every protocol",
  source: "to match every source",
  dest: "to match every destination",
  sport: "to match every source port",
  dport: "to match every destination port",
  iface: "to match every interface",
  icmpType: "to match every ICMP type",
};

type Add = (field: string, reason: string) => void;

/**
 * Checks on the rule as typed, before any conversion: values Proxmox treats as Perl-false and
 * silently drops (`""`, `"0"`, port `0`) in fields where dropping them would change what the rule
 * matches. A group rule takes none of the match fields, so its own check reports them instead.
 */
export function inputIssues(rule: Rule): Issue[] {
  const issues: Issue[] = [];
  if (rule.type === "group") return issues;
  const icmp = rule.proto !== undefined && isIcmpProtoName(rule.proto);
  for (const [field, any] of Object.entries(ANY)) {
    const value = rule[field as keyof Rule];
    if (value === "") issues.push({ path: field, reason: `is empty; leave ${field} out (or null) ${any}` });
    else if (value === 0 || value === "0") {
      if (field === "dport" || field === "sport") {
        const what = icmp && field === "dport" ? "ICMP type" : "port";
        const fix =
          what !== "ICMP type"
            ? `leave ${field} out (or null) to match every port, or give ports 1-65535`
            : rule.proto === "icmp"
              ? `for ICMP type 0 write "echo-reply"`
              : `give an ICMPv6 type name such as "echo-request"`;
        issues.push({
          path: field,
          reason: `${show(value)} is dropped by Proxmox (a Perl-false value is not stored), so the rule would match every ${what}; ${fix}`,
        });
      } else if (field === "proto")
        issues.push({
          path: field,
          reason: `"0" is dropped by Proxmox (a Perl-false value is not stored), so the rule would match every protocol; leave proto out (or null) to match every protocol, or name one (tcp, udp, ...)`,
        });
    }
  }
  return issues;
}

/**
 * Rewrites a rule the way validation promises: each `source`/`dest` element with host bits
 * becomes its network (Proxmox rejects host bits in rules), with a warning naming the field and
 * the new value; a comment Proxmox drops (empty, blank, `0`, `-`) gets a warning too.
 */
export function normaliseRule(rule: RuleFields): { wire: RuleFields; warnings: Issue[] } {
  const wire: RuleFields = { ...rule };
  const warnings: Issue[] = [];
  if (rule.type !== "group") {
    for (const field of ["source", "dest"] as const) {
      const spec = rule[field];
      if (spec === undefined) continue;
      const check = checkAddressSpec(spec);
      if (!check.ok || !check.rewritten) continue;
      wire[field] = check.value;
      warnings.push({
        path: field,
        reason: `${quote(spec)} has host bits set; using its network ${quote(check.value)} (what iptables matches either way; Proxmox rejects host bits in rules)`,
      });
    }
  }
  const comment = rule.comment;
  if (comment !== undefined && comment.replace(/^ +| +$/g, "") === "-")
    warnings.push({
      path: "comment",
      reason: `${quote(comment)} means "no comment" to Proxmox's rule API, so it is not stored; the rule gets no comment`,
    });
  else {
    const dropped = droppedCommentWarning(comment);
    if (dropped) warnings.push({ path: "comment", reason: dropped });
  }
  return { wire, warnings };
}

/**
 * Checks one rule's wire fields against what Proxmox rejects (or silently breaks on) in `scope`.
 * Returns issues keyed by input field name; empty when the rule is valid.
 */
export function checkRule(rule: RuleFields, scope: Scope): Issue[] {
  return ruleIssues(rule, scope, true);
}

/**
 * The {@link checkRule} issues of a rule (as Proxmox holds it) that mean Proxmox never applies it:
 * all but the ICMP `dport` check, which is stricter than Proxmox (Proxmox stores such a rule and
 * compiles it). Proxmox's `verify_rule` flags every other one with `errors` when it reads the
 * file, and the compiler skips the rule (BEHAVIOR.md §1; Firewall.pm `verify_rule`,
 * `ruleset_generate_*`); a `GROUP` rule whose name no group can have (upper case: Proxmox
 * lower-cases group names when it reads them; longer than a group name may be) jumps to an empty
 * chain (Firewall.pm `generate_group_rules`, BEHAVIOR.md §6). Empty when Proxmox applies the rule.
 */
export function inertRuleIssues(rule: RuleFields, scope: Scope): Issue[] {
  return ruleIssues(rule, scope, false);
}

/** {@link checkRule}; with `strict` false, without the checks Proxmox itself does not make. */
function ruleIssues(rule: RuleFields, scope: Scope, strict: boolean): Issue[] {
  const issues: Issue[] = [];
  const add = (field: string, reason: string) => issues.push({ path: INPUT_NAME[field] ?? field, reason });
  const { type, action } = rule;
  const allowed = allowedRuleTypes(scope);
  if (!allowed.includes(type))
    add(
      "type",
      scope.kind === "group" && type === "group"
        ? `a security group cannot insert another group (Proxmox allows no nesting); put the rules here, or insert both groups where this one is used`
        : `rule type ${quote(type)} is not allowed in ${scope.kind} scope (allowed: ${allowed.join(", ")})`,
    );
  if (type === "group") checkGroupRule(rule, add);
  else if (action.length < 2 || action.length > 20 || !ACTION_PATTERN.test(action))
    add("action", `${quote(action)} is not an action: use ACCEPT, DROP or REJECT`);
  else if (!["ACCEPT", "DROP", "REJECT"].includes(action)) {
    const upper = action.toUpperCase();
    const fix = ["ACCEPT", "DROP", "REJECT"].includes(upper) ? `; did you mean ${upper}` : "";
    add("action", `unknown action ${quote(action)} (allowed: ACCEPT, DROP, REJECT)${fix}`);
  } else if (type === "forward" && action === "REJECT")
    add("action", "REJECT is not allowed on forward rules (Proxmox has no reject on the forward chain); use DROP");
  if (rule.iface !== undefined) checkIface(rule.iface, scope, add);
  if (type !== "group") checkMatch(rule, add, strict);
  if (issues.length === 0 && rule.macro) checkMacroConflict(rule, add);
  return issues;
}

function checkGroupRule(rule: RuleFields, add: Add): void {
  const { action } = rule;
  if (action.length < 2 || action.length > 18 || !LOWER_NAME_PATTERN.test(action)) {
    const lower = action.toLowerCase();
    const fix =
      lower !== action && LOWER_NAME_PATTERN.test(lower) && lower.length <= 18
        ? `; Proxmox lower-cases group names, so use ${quote(lower)}`
        : "";
    add(
      "action",
      `security group name ${quote(action)} must be 2-18 lower-case letters, digits, '-' or '_', starting with a letter${fix}`,
    );
  }
  for (const field of GROUP_DROPPED) {
    const value = rule[field];
    if (value !== undefined)
      add(
        field,
        `${quote(value)} is not allowed on a type "group" rule (Proxmox drops it when it writes the rule); set it on the rules inside the security group`,
      );
  }
}

function checkIface(iface: string, scope: Scope, add: Add): void {
  if (iface === "") add("iface", `is empty; leave iface out (or null) ${ANY["iface"]}`);
  else if (scope.kind === "group")
    add(
      "iface",
      `${quote(iface)} is not allowed on the rules of a security group (Proxmox has no interface match inside a group); set iface on the { type: "group" } rule that inserts the group`,
    );
  else if (scope.kind === "vnet")
    add(
      "iface",
      `${quote(iface)} is not allowed on VNet rules (a VNet's rules apply to the VNet's bridge); remove iface`,
    );
  else if (scope.kind === "vm" && !/^net\d+$/.test(iface))
    add("iface", `${quote(iface)} must be a guest interface key like net0`);
  else if (iface.length > 20 || !IFACE_PATTERN.test(iface))
    add("iface", `${quote(iface)} is not a network interface name (letter first, 2-20 characters, optional .N or :N)`);
}

function checkMatch(rule: RuleFields, add: Add, strict: boolean): void {
  const proto = rule.proto;
  let version: 4 | 6 | undefined;
  if (rule.macro !== undefined && !lookupMacro(rule.macro)) add("macro", `unknown macro ${quote(rule.macro)}`);
  if (proto !== undefined && !isProtocolSpec(proto)) {
    const fix = isProtocolSpec(proto.toLowerCase()) ? `; did you mean ${quote(proto.toLowerCase())}` : "";
    add("proto", `unknown protocol ${quote(proto)} (use a name or number from /etc/protocols)${fix}`);
  }
  if (proto === "icmp") version = 4;
  else if (proto === "icmpv6" || proto === "ipv6-icmp") version = 6;
  const icmp = proto !== undefined && isIcmpProtoName(proto);
  for (const field of ["dport", "sport"] as const) {
    const spec = rule[field];
    if (spec === undefined) continue;
    if (field === "dport" && icmp && strict) checkIcmpDport(spec, proto, add);
    else {
      // Proxmox's own check (parse_port_name_number_or_range): an ICMP dport may name ICMP types.
      const check = checkPortSpec(spec, field === "dport" && icmp);
      if (!check.ok) add(field, check.reason);
    }
    if (proto === undefined) add(field, `${quote(spec)} requires proto (for example tcp or udp)`);
    else if (!portProtocol(proto) && !(field === "dport" && icmp))
      add(
        field,
        `${quote(spec)} needs a port protocol, but proto ${quote(proto)} has no ports (use tcp, udp, udplite, dccp or sctp)`,
      );
  }
  const icmpType = rule["icmp-type"];
  if (icmpType !== undefined) {
    if (!icmp) add("icmp-type", `${quote(icmpType)} requires proto icmp, icmpv6 or ipv6-icmp`);
    if (rule.dport !== undefined)
      add("icmp-type", `${quote(icmpType)} cannot be combined with dport (both name the ICMP type); keep one`);
    const names = proto === "icmp" ? ICMP_TYPES : icmp ? ICMPV6_TYPES : undefined;
    const known = names ? names.has(icmpType) : ICMP_TYPES.has(icmpType) || ICMPV6_TYPES.has(icmpType);
    if (!known) add("icmp-type", `${quote(icmpType)} is not an ICMP type name${proto ? ` for ${proto}` : ""}`);
  }
  for (const field of ["source", "dest"] as const) {
    const spec = rule[field];
    if (spec === undefined) continue;
    const check = checkAddressSpec(spec);
    if (!check.ok) add(field, check.reason);
    else if (check.version !== undefined) {
      if (version !== undefined && version !== check.version)
        add(
          field,
          `${quote(spec)} is IPv${check.version} but the rule is IPv${version} elsewhere; a rule matches one IP family, so split it in two`,
        );
      version = check.version;
    }
  }
}

/**
 * For proto icmp/icmpv6/ipv6-icmp, Proxmox reads `dport` as the ICMP type: one name of that
 * family, or a number 0-255. A list, range or service name would be stored, but matches nothing
 * sensible (iptables rejects it when the rules are compiled).
 */
function checkIcmpDport(spec: string, proto: string, add: Add): void {
  const names = proto === "icmp" ? ICMP_TYPES : ICMPV6_TYPES;
  const single = /^(?:[1-9]\d{0,2}|0)$/.test(spec) ? Number(spec) <= 255 : names.has(spec);
  if (single) return;
  add(
    "dport",
    `${quote(spec)} is not one ICMP type; with proto ${proto}, dport is a single ICMP type: a name such as "echo-request" (one of proto ${proto}'s types) or a number 0-255, never a list, range or service name (icmpType says the same more clearly)`,
  );
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
