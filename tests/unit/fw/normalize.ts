import type { FwConfig, FwFileKind, FwGroup, FwIpSet, FwIpSetEntry } from "../../../provider/fw";
import type { AliasFields, RuleFields } from "../../../provider/model/wire";

/**
 * Test oracle: what a config looks like after Proxmox writes it and reads it back, computed
 * directly from the rules in pve-firewall's `$format_*` writers and `generic_fw_config_parser`
 * (not by calling the codec). Valid for configs whose tokens hold no blanks or `#`.
 */

const WS = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;
const trim = (s: string): string => s.replace(WS, "");
const truthy = (v: string | number | boolean | undefined): boolean =>
  v !== undefined && v !== false && v !== "" && v !== "0" && v !== 0;
const bytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
const MACRO = /^(\S+)\((ACCEPT|DROP|REJECT)\)$/;

function keptComment(comment: string | undefined): string | undefined {
  if (!truthy(comment) || trim(comment!) === "") return undefined;
  const t = trim(comment!);
  return truthy(t) ? t : undefined;
}

function stripHostPrefix(cidr: string): string {
  if (/^[0-9.]+\/32$/.test(cidr) && !cidr.includes(":")) return cidr.slice(0, -3);
  if (cidr.includes(":") && cidr.endsWith("/128")) return cidr.slice(0, -4);
  return cidr;
}

/** One rule as written by `$format_rules` and read back by `parse_fw_rule`. */
export function normalizeRule(rule: RuleFields, allowIface: boolean): RuleFields {
  let action = rule.action;
  let macro: string | undefined;
  if (truthy(rule.macro)) {
    const combined = `${rule.macro}(${rule.action})`;
    const m = rule.type === "group" ? null : MACRO.exec(combined);
    if (m) [macro, action] = [m[1]!, m[2]!];
    else action = combined;
  }
  const out: RuleFields = { type: rule.type, action, enable: rule.enable === undefined || truthy(rule.enable) ? 1 : 0 };
  if (macro) out.macro = macro;
  if (allowIface && truthy(rule.iface)) out.iface = rule.iface!;
  if (rule.type !== "group") {
    for (const f of ["source", "dest", "proto", "dport", "sport", "log"] as const) {
      if (truthy(rule[f])) (out as Record<string, unknown>)[f] = rule[f];
    }
    if (rule["icmp-type"] !== undefined && rule["icmp-type"] !== "") out["icmp-type"] = rule["icmp-type"];
  }
  if (truthy(rule.comment) && trim(rule.comment!) !== "") out.comment = trim(rule.comment!);
  return out;
}

function mergeSections<T extends { name: string; comment?: string }, R>(
  sections: readonly T[],
  body: (s: T) => R,
): { name: string; comment?: string; body: R }[] {
  const byName = new Map<string, T>();
  for (const s of sections) byName.set(s.name, s);
  const merged = new Map<string, { name: string; comment?: string; body: R }>();
  for (const name of [...byName.keys()].sort(bytes)) {
    const s = byName.get(name)!;
    const key = name.toLowerCase();
    const target = merged.get(key) ?? { name: key, body: body(s) };
    target.body = body(s);
    const c = keptComment(s.comment);
    if (c !== undefined) target.comment = c;
    merged.set(key, target);
  }
  return [...merged.values()];
}

const ALIAS_ENTRY = /^(dc\/|guest\/)?([A-Za-z][A-Za-z0-9_-]+)$/;

/**
 * Entries after a write and read. Read back, an entry gets Proxmox's `errors`: an alias name the
 * file does not define (a guest file read alone checks only `guest/` names), or a second entry with
 * the same address once `/32`/`/128` is stripped.
 */
function normalizeEntries(entries: readonly FwIpSetEntry[], aliasKeys: ReadonlySet<string>, kind: FwFileKind) {
  const byCidr = new Map<string, FwIpSetEntry>();
  for (const e of entries) if (!byCidr.has(e.cidr)) byCidr.set(e.cidr, e);
  const seen = new Set<string>();
  return [...byCidr.keys()].sort(bytes).map((cidr) => {
    const e = byCidr.get(cidr)!;
    const out: FwIpSetEntry = { cidr: stripHostPrefix(cidr) };
    if (truthy(e.nomatch)) out.nomatch = 1;
    const c = keptComment(e.comment);
    if (c !== undefined) out.comment = c;
    const alias = ALIAS_ENTRY.exec(cidr);
    const checked = kind === "cluster" || alias?.[1] === "guest/";
    if (alias && checked && !aliasKeys.has(alias[2]!.toLowerCase())) {
      out.errors = { cidr: `no such alias '${alias[2]}'` };
    } else if (seen.has(out.cidr)) out.errors = { cidr: `duplicate ipset entry for '${out.cidr}'` };
    seen.add(out.cidr);
    return out;
  });
}

function normalizeAliases(aliases: readonly AliasFields[]): AliasFields[] {
  const byKey = new Map<string, AliasFields>();
  for (const a of aliases) byKey.set(a.name.toLowerCase(), a);
  return [...byKey.keys()].sort(bytes).map((k) => {
    const a = byKey.get(k)!;
    const out: AliasFields = { name: a.name, cidr: stripHostPrefix(a.cidr) };
    const c = keptComment(a.comment);
    if (c !== undefined) out.comment = c;
    return out;
  });
}

/** `config` after one write and read of a `kind` file; `options` must already be in stored form. */
export function normalizeConfig(config: FwConfig, kind: FwFileKind): FwConfig {
  const withSets = kind === "cluster" || kind === "guest";
  const aliases = withSets ? normalizeAliases(config.aliases) : [];
  const aliasKeys = new Set(aliases.map((a) => a.name.toLowerCase()));
  const ipsets: FwIpSet[] = withSets
    ? mergeSections(config.ipsets, (s) => normalizeEntries(s.entries, aliasKeys, kind)).map((s) => ({
        name: s.name,
        entries: s.body,
        ...(s.comment !== undefined ? { comment: s.comment } : {}),
      }))
    : [];
  const groups: FwGroup[] =
    kind === "cluster"
      ? mergeSections(config.groups, (g) => g.rules.map((r) => normalizeRule(r, false))).map((g) => ({
          name: g.name,
          rules: g.body,
          ...(g.comment !== undefined ? { comment: g.comment } : {}),
        }))
      : [];
  return {
    options: { ...config.options },
    aliases,
    ipsets,
    rules: config.rules.map((r) => normalizeRule(r, true)),
    groups,
  };
}
