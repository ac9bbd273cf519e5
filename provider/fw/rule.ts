import type { RuleFields } from "../model/wire";
import { isBlank, perlTrue, PERL_NON_WS as S, splitComment, PERL_WS as W } from "./text";

/**
 * Rule lines (`[RULES]` and `[group ...]` sections), read as Proxmox's `parse_fw_rule` and written
 * as its `$format_rules`. Only what `parse_fw_rule` itself rejects is an error here; what
 * `verify_rule` checks later (unknown macros or actions, bad addresses, ports, scope rules) is
 * kept, exactly as Proxmox keeps such rules in memory with an `errors` object.
 */

const RULE_TYPES: readonly RuleFields["type"][] = ["in", "out", "forward", "group"];
const HEAD = new RegExp(`^(${S}+)${W}+(${S}+)${W}*`);
const MACRO = new RegExp(`^(${S}+)\\((ACCEPT|DROP|REJECT)\\)$`);

type ParamField = "iface" | "proto" | "dport" | "sport" | "source" | "dest" | "log" | "icmp-type";
const IFACE: readonly [RegExp, ParamField] = [new RegExp(`^-i (${S}+)${W}*`), "iface"];
/** Checked in Proxmox's order after `-i`; each takes exactly one space before its value. */
const PARAMS: readonly (readonly [RegExp, ParamField])[] = [
  [new RegExp(`^(?:-p|--?proto) (${S}+)${W}*`), "proto"],
  [new RegExp(`^--?dport (${S}+)${W}*`), "dport"],
  [new RegExp(`^--?sport (${S}+)${W}*`), "sport"],
  [new RegExp(`^--?source (${S}+)${W}*`), "source"],
  [new RegExp(`^--?dest (${S}+)${W}*`), "dest"],
  [new RegExp(`^--?log (emerg|alert|crit|err|warning|notice|info|debug|nolog)${W}*`), "log"],
  [new RegExp(`^--?icmp-type (${S}+)${W}*`), "icmp-type"],
];

/** Result of {@link parseRuleLine}: the rule, or why Proxmox's parser drops the line. */
export type RuleLineResult = { ok: true; rule: RuleFields } | { ok: false; reason: string };

/**
 * Parses one rule line such as `|IN SSH(ACCEPT) -i net0 -source +mgmt # admin`.
 *
 * - A `#` starts the comment (kept even when empty, as Proxmox does); a leading `|` gives `enable: 0`,
 *   otherwise `enable: 1`.
 * - The direction is case-insensitive; `Macro(ACCEPT|DROP|REJECT)` is split into `macro` and
 *   `action` for in/out/forward rules only.
 * - A GROUP line takes nothing but `-i`; any other parameter drops the whole line.
 * - A later repeated parameter overrides an earlier one.
 *
 * @param line - the line, already trimmed of surrounding blanks
 * @returns the rule, or the reason the line is dropped (never throws)
 */
export function parseRuleLine(line: string): RuleLineResult {
  const { body, comment } = splitComment(line);
  const disabled = body.startsWith("|");
  let rest = disabled ? body.slice(1) : body;
  const head = HEAD.exec(rest);
  if (!head) return { ok: false, reason: `unable to parse rule: ${rest}` };
  const type = head[1]!.toLowerCase() as RuleFields["type"];
  // Proxmox keeps other words here and fails them in verify_rule, but cannot write them back.
  if (!RULE_TYPES.includes(type)) return { ok: false, reason: `unknown rule type '${head[1]}'` };
  const rule: RuleFields = { type, action: head[2]!, enable: disabled ? 0 : 1 };
  if (type !== "group") {
    const macro = MACRO.exec(rule.action);
    if (macro) {
      rule.macro = macro[1]!;
      rule.action = macro[2]!;
    }
  }
  rest = rest.slice(head[0].length);
  while (rest.length > 0) {
    const m = matchParam(rest, type === "group");
    if (!m) break;
    rule[m.field] = m.value as never;
    rest = rest.slice(m.length);
  }
  if (rest.length > 0) return { ok: false, reason: `unable to parse rule parameters: ${rest}` };
  if (comment !== undefined) rule.comment = comment;
  return { ok: true, rule };
}

function matchParam(text: string, isGroup: boolean): { field: ParamField; value: string; length: number } | undefined {
  const candidates = isGroup ? [IFACE] : [IFACE, ...PARAMS];
  for (const [re, field] of candidates) {
    const m = re.exec(text);
    if (m) return { field, value: m[1]!, length: m[0].length };
  }
  return undefined;
}

/**
 * Writes one rule line the way Proxmox's `$format_rules` does: `|` only when `enable` is set and
 * false, `Macro(ACTION)` when a macro is set (even on a GROUP rule), single-dash parameters in the
 * order `-i -source -dest -p -dport -sport -log -icmp-type`, each only when Perl-true (so `"0"`
 * is left out, except for `icmp-type`), GROUP rules with nothing but `-i`, and ` # comment` only
 * when the comment is not blank.
 *
 * @param rule - the rule to write; its `type` must be one of in/out/forward/group
 * @param allowIface - false inside `[group ...]` sections, where `-i` is never written
 */
export function printRuleLine(rule: RuleFields, allowIface: boolean): string {
  let line = rule.enable !== undefined && !perlTrue(rule.enable) ? "|" : "";
  line += rule.type.toUpperCase();
  line += perlTrue(rule.macro) ? ` ${rule.macro}(${rule.action})` : ` ${rule.action}`;
  if (allowIface && perlTrue(rule.iface)) line += ` -i ${rule.iface}`;
  if (rule.type !== "group") {
    if (perlTrue(rule.source)) line += ` -source ${rule.source}`;
    if (perlTrue(rule.dest)) line += ` -dest ${rule.dest}`;
    if (perlTrue(rule.proto)) line += ` -p ${rule.proto}`;
    if (perlTrue(rule.dport)) line += ` -dport ${rule.dport}`;
    if (perlTrue(rule.sport)) line += ` -sport ${rule.sport}`;
    if (perlTrue(rule.log)) line += ` -log ${rule.log}`;
    const icmp = rule["icmp-type"];
    if (icmp !== undefined && icmp !== "") line += ` -icmp-type ${icmp}`;
  }
  if (perlTrue(rule.comment) && !isBlank(rule.comment!)) line += ` # ${rule.comment}`;
  return line;
}
