import type { AliasFields, IpSetEntryFields, RuleFields } from "../model/wire";
import { printRuleLine } from "./rule";
import { isBlank, perlTrue, sortBytes } from "./text";
import type { FwConfig, FwFileKind, FwGroup, FwIpSet } from "./types";

/**
 * Writes a config file the way Proxmox's `save_clusterfw_conf`, `save_vmfw_conf`,
 * `save_hostfw_conf` and `save_vnetfw_conf` do.
 *
 * Order: `[OPTIONS]`, `[ALIASES]` (sorted by lower-cased name), `[IPSET name]` sections (sorted by
 * name), `[RULES]`, `[group name]` sections (sorted by name); each section is followed by a blank
 * line. Only the sections the kind holds are written (host and vnet files: options and rules;
 * guest files: no groups). Option lines are sorted by key (Proxmox uses hash order, which no reader
 * may depend on). IPSet entries are sorted by cidr text in byte order, a repeated cidr is dropped
 * (the first one wins), and `!` marks nomatch. Names are written as given; Proxmox lower-cases
 * IPSet and group names only when it reads the file back. Several aliases with the same
 * lower-cased name, or several IPSets or groups with the same name, collapse to the last one, as
 * they would in Proxmox's in-memory hash.
 *
 * @param config - the config to write
 * @param kind - which kind of file to write
 * @returns the file content; the empty string for an empty config (Proxmox deletes the file then)
 */
export function printFw(config: FwConfig, kind: FwFileKind): string {
  let out = "";
  const optionKeys = sortBytes(Object.keys(config.options));
  if (optionKeys.length > 0) {
    out += "[OPTIONS]\n\n";
    for (const key of optionKeys) out += `${key}: ${config.options[key]}\n`;
    out += "\n";
  }
  if (kind === "cluster" || kind === "guest") {
    if (config.aliases.length > 0) out += printAliases(config.aliases);
    for (const set of lastByName(config.ipsets)) out += printIpSet(set);
  }
  if (config.rules.length > 0) out += `[RULES]\n\n${printRules(config.rules, true)}\n`;
  if (kind === "cluster") {
    for (const group of lastByName(config.groups))
      out += `${header("group", group)}${printRules(group.rules, false)}\n`;
  }
  return out;
}

function printAliases(aliases: readonly AliasFields[]): string {
  const byKey = new Map<string, AliasFields>();
  for (const alias of aliases) byKey.set(alias.name.toLowerCase(), alias);
  let out = "[ALIASES]\n\n";
  for (const key of sortBytes([...byKey.keys()])) {
    const alias = byKey.get(key)!;
    out += `${alias.name} ${alias.cidr}${commentSuffix(alias.comment)}\n`;
  }
  return `${out}\n`;
}

function printIpSet(set: FwIpSet): string {
  const byCidr = new Map<string, IpSetEntryFields>();
  for (const entry of set.entries) if (!byCidr.has(entry.cidr)) byCidr.set(entry.cidr, entry);
  let out = header("IPSET", set);
  for (const cidr of sortBytes([...byCidr.keys()])) {
    const entry = byCidr.get(cidr)!;
    out += `${perlTrue(entry.nomatch) ? "!" : ""}${cidr}${commentSuffix(entry.comment)}\n`;
  }
  return `${out}\n`;
}

function printRules(rules: readonly RuleFields[], allowIface: boolean): string {
  let out = "";
  for (const rule of rules) out += `${printRuleLine(rule, allowIface)}\n`;
  return out;
}

/** `[IPSET name] # comment` / `[group name] # comment`: the comment whenever Perl-true, as Proxmox does. */
function header(keyword: "IPSET" | "group", section: FwIpSet | FwGroup): string {
  const comment = perlTrue(section.comment) ? ` # ${section.comment}` : "";
  return `[${keyword} ${section.name}]${comment}\n\n`;
}

function commentSuffix(comment: string | undefined): string {
  return perlTrue(comment) && !isBlank(comment!) ? ` # ${comment}` : "";
}

/** Sections sorted by name, a repeated name keeping only its last occurrence. */
function lastByName<T extends { readonly name: string }>(sections: readonly T[]): T[] {
  const byName = new Map<string, T>();
  for (const section of sections) byName.set(section.name, section);
  return sortBytes([...byName.keys()]).map((name) => byName.get(name)!);
}
