/**
 * Firewall rules: the input schema (what users write), the wire codec (Proxmox's `RuleFields`),
 * the canonical form planners diff, and validation against everything Proxmox rejects or breaks on
 * (the checks themselves are in `rule-check.ts`).
 *
 * @module
 */
import { z } from "zod";
import { canonicalComment, type Issue, joinPath, portToWire, type Validation } from "./common";
import { commentSchema, flag, logLevelSchema, portInputSchema, text } from "./fields";
import { expecting, renderIssue, unknownKeyReason, withoutNulls, zodIssues } from "./input";
import { lookupMacro } from "./pve-tables";
import { checkRule, inputIssues, normaliseRule } from "./rule-check";
import type { Scope } from "./scope";
import { RULE_FIELD_NAMES, type RuleFields } from "./wire";

/** Schema of one rule as the user declares it (camelCase, booleans, numbers allowed for ports). */
export const ruleSchema = z.strictObject(
  {
    type: z
      .enum(["in", "out", "forward", "group"], { error: expecting("a rule type: in, out, forward or group") })
      .default("in")
      .describe(
        "Direction: `in`, `out`, `forward`, or `group` to insert a security group. Proxmox field `type`. @default 'in' @example 'in'",
      ),
    action: text("ACCEPT, DROP or REJECT, or a security group name for type group").describe(
      "ACCEPT, DROP or REJECT; for `type: 'group'` the security group name. Proxmox field `action`. @example 'ACCEPT'",
    ),
    macro: text("a macro name such as SSH or HTTPS")
      .optional()
      .describe(
        "Predefined macro (e.g. SSH, HTTPS), matched case-insensitively and stored in its canonical spelling. Proxmox field `macro`. @default - no macro @example 'SSH'",
      ),
    proto: text("a protocol name or number from /etc/protocols, such as tcp")
      .optional()
      .describe(
        "IP protocol: a name from /etc/protocols or its number. Proxmox field `proto`. @default - any protocol @example 'tcp'",
      ),
    source: text("an address, CIDR, range, list, alias or +ipset")
      .optional()
      .describe(
        "Source: address, CIDR, range, comma list, alias (`name`, `dc/name`) or ipset (`+name`); host bits are cleared. Proxmox field `source`. @default - any source @example '+management'",
      ),
    dest: text("an address, CIDR, range, list, alias or +ipset")
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
        "Destination ports, same syntax as `sport`; for ICMP protocols one ICMP type. Requires `proto`. Proxmox field `dport`. @default - any port @example 443",
      ),
    iface: text("an interface name such as net0 or vmbr0")
      .optional()
      .describe(
        "Network interface: `net<N>` on guests, an interface name on nodes/cluster; not allowed in groups and VNets. Proxmox field `iface`. @default - any interface @example 'net0'",
      ),
    log: logLevelSchema
      .optional()
      .describe("Log level for matches. Proxmox field `log`. @default - no logging @example 'info'"),
    icmpType: text("an ICMP type name such as echo-request")
      .optional()
      .describe(
        "ICMP type name; requires `proto` icmp, icmpv6 or ipv6-icmp and no `dport`. Proxmox field `icmp-type`. @default - any type @example 'echo-request'",
      ),
    enable: flag()
      .default(true)
      .describe(
        "Whether the rule is active. Proxmox field `enable` (0/1; a disabled rule is written with a leading `|`). @default true (unlike the API, which defaults to 0)",
      ),
    comment: commentSchema
      .optional()
      .describe("Free text. Proxmox field `comment`. @default - no comment @example 'https from office'"),
  },
  { error: expecting('a rule object such as { action: "ACCEPT", macro: "SSH" }') },
);
/** A rule as the user writes it (Pulumi args). */
export type RuleInput = z.input<typeof ruleSchema>;
/** A rule with defaults applied. */
export type Rule = z.output<typeof ruleSchema>;

/** The input properties of a rule, in schema order. */
export const RULE_INPUT_KEYS: readonly string[] = Object.keys(ruleSchema.shape);

const RULE_KEY_FIXES: Readonly<Record<string, string>> = {
  pos: "unknown property; order is the array order",
  digest: "output-only",
  ipversion: "output-only",
  errors: "output-only",
  enabled: "unknown property; did you mean enable",
  group: 'unknown property; insert a security group with { type: "group", action: "<group name>" }',
  securityGroup: 'unknown property; insert a security group with { type: "group", action: "<group name>" }',
  security_group: 'unknown property; insert a security group with { type: "group", action: "<group name>" }',
  moveto: "unknown property; order is the array order",
};

/** Why a rule property is not accepted (unknown, output-only, or a misspelling). */
export function ruleKeyReason(key: string): string {
  return unknownKeyReason(key, RULE_INPUT_KEYS, "a rule", RULE_KEY_FIXES);
}

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
 * The comment of a rule as Proxmox stores it: see {@link canonicalComment}; in addition `-`
 * means "delete the comment" to the rule API, so it is never stored either.
 */
export function canonicalRuleComment(comment: string | undefined): string | undefined {
  const canonical = canonicalComment(comment);
  return canonical === "-" ? undefined : canonical;
}

/**
 * The canonical form of a rule: what Proxmox stores and returns after a write. `enable` is always
 * 0/1 (absent means enabled, as in the file); macro names take their canonical case; empty fields
 * are dropped (Proxmox treats '' as "delete"); group rules keep only action, iface, enable and
 * comment; comments are trimmed and dropped when empty, `0` or `-`. Addresses and port specs are
 * kept as typed, because Proxmox stores them verbatim (validation has already replaced a CIDR with
 * host bits by its network).
 */
export function canonicalRule(fields: RuleFields): RuleFields {
  const enable = fields.enable === undefined || Number(fields.enable) >= 1 ? 1 : 0;
  const comment = canonicalRuleComment(fields.comment);
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

export { checkRule, inertRuleIssues, ruleIpVersion } from "./rule-check";

/**
 * Validates one user rule for `scope` (`null` members mean "left out"). On success returns its
 * canonical wire form and a warning for each rewrite (host bits cleared, a comment Proxmox
 * drops). Issue paths are prefixed with `rules[index]` when `index` is given.
 */
export function validateRule(input: unknown, scope: Scope, index?: number): Validation<RuleFields> {
  const base = index === undefined ? "" : joinPath("rules", index);
  const prefix = (list: Issue[]) => list.map((i) => ({ ...i, path: joinPath(base, i.path) }));
  const parsed = ruleSchema.safeParse(withoutNulls(input), { error: renderIssue });
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error, base, ruleKeyReason) };
  const early = inputIssues(parsed.data);
  if (early.length > 0) return { ok: false, issues: prefix(early) };
  const wire = ruleToWire(parsed.data);
  const issues = checkRule(wire, scope);
  if (issues.length > 0) return { ok: false, issues: prefix(issues) };
  const normal = normaliseRule(wire);
  return { ok: true, value: canonicalRule(normal.wire), warnings: prefix(normal.warnings) };
}

/** Validates an ordered rule list for `scope`; issues of every rule are reported (`rules[2].dport`). */
export function validateRules(inputs: readonly unknown[], scope: Scope): Validation<RuleFields[]> {
  const value: RuleFields[] = [];
  const issues: Issue[] = [];
  const warnings: Issue[] = [];
  inputs.forEach((input, index) => {
    const result = validateRule(input, scope, index);
    if (result.ok) {
      value.push(result.value);
      warnings.push(...result.warnings);
    } else issues.push(...result.issues);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value, warnings };
}
