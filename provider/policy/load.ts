/**
 * The configs as Proxmox holds them after reading the files (Firewall.pm `load_clusterfw_conf`,
 * `load_hostfw_conf`, `load_vmfw_conf`): every rule verified against what was read before it,
 * IPSet entries checked, lines that kill the parser gone. The compiler and lint start from here.
 *
 * @module
 */
import { parseIpOrCidr } from "../fw/text";
import type { FwConfig } from "../fw/types";
import type { Macro } from "../model/pve-tables";
import type { IpSetEntryFields, RuleFields } from "../model/wire";
import type { ConfigFile, FileLayout, PolicyConfigs } from "./types";
import { type RuleEnv, type VerifyScope, verifyRule } from "./verify";

/** A rule after loading: its position (the API's `pos`), line, and what `verify_rule` found. */
export interface LoadedRule {
  readonly rule: RuleFields;
  readonly pos: number;
  readonly line?: number;
  readonly errors: Readonly<Record<string, string>>;
  readonly ipversion?: 4 | 6;
  readonly macro?: Macro;
}

/** A rule line Proxmox's parser dies on (it does not exist for Proxmox). */
export interface DroppedRule {
  readonly rule: RuleFields;
  readonly line?: number;
  readonly reason: string;
}

/** An IPSet entry after loading; `error` set means Proxmox skips it. */
export interface LoadedEntry {
  readonly entry: IpSetEntryFields;
  readonly line?: number;
  readonly error?: string;
}

/** An IPSet after loading: its header line and its entries. */
export interface LoadedIpSet {
  readonly name: string;
  readonly line?: number;
  readonly entries: readonly LoadedEntry[];
}

/** An alias after loading (keyed by lower-cased name), with the line of its first definition. */
export interface LoadedAlias {
  readonly name: string;
  readonly cidr: string;
  readonly line?: number;
}

/** A security group after loading: its rules, and rule lines Proxmox dropped. */
export interface LoadedGroup {
  readonly name: string;
  readonly rules: readonly LoadedRule[];
  readonly dropped: readonly DroppedRule[];
}

/** One file as Proxmox holds it. */
export interface LoadedFile {
  readonly file?: string;
  readonly options: Readonly<Record<string, string>>;
  /** By lower-cased name. */
  readonly aliases: ReadonlyMap<string, LoadedAlias>;
  /** By (lower-cased) name. */
  readonly ipsets: ReadonlyMap<string, LoadedIpSet>;
  readonly rules: readonly LoadedRule[];
  readonly dropped: readonly DroppedRule[];
  /** By (lower-cased) name; cluster file only. */
  readonly groups: ReadonlyMap<string, LoadedGroup>;
}

/** Every file of a cluster as Proxmox holds it. */
export interface LoadedConfigs {
  readonly cluster: LoadedFile;
  readonly hosts: Readonly<Record<string, LoadedFile>>;
  readonly guests: Readonly<Record<string, LoadedFile>>;
}

const ALIAS_ENTRY = /^(dc\/|guest\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;
const EMPTY: FwConfig = { options: {}, aliases: [], ipsets: [], rules: [], groups: [] };

/** Reads every file of `configs` as Proxmox does: cluster first, then hosts and guests against it. */
export function loadConfigs(configs: PolicyConfigs): LoadedConfigs {
  const cluster = loadFile(configs.cluster, "cluster", undefined);
  const hosts: Record<string, LoadedFile> = {};
  for (const [node, f] of Object.entries(configs.hosts)) hosts[node] = loadFile(f, "host", cluster);
  const guests: Record<string, LoadedFile> = {};
  for (const [vmid, f] of Object.entries(configs.guests)) guests[vmid] = loadFile(f, "vm", cluster);
  return { cluster, hosts, guests };
}

/** A line that no layout knows is treated as coming after every definition (the writer's order). */
const NO_LINE = Number.MAX_SAFE_INTEGER;

/**
 * Loads one file. `cluster` is the fully loaded cluster file (undefined when loading the cluster
 * file itself, whose rules see only what precedes them).
 */
export function loadFile(f: ConfigFile, env: "cluster" | "host" | "vm", cluster: LoadedFile | undefined): LoadedFile {
  const config = f.config ?? EMPTY;
  const layout: FileLayout | undefined = f.layout;
  // Without a layout, definitions count as written before every rule (the writer's order).
  const defLine = (record: Readonly<Record<string, number>> | undefined, key: string): number =>
    layout ? (record?.[key] ?? NO_LINE) : 0;
  const aliases = new Map<string, LoadedAlias>();
  for (const a of config.aliases) {
    const key = a.name.toLowerCase();
    const line = layout?.aliases[key];
    aliases.set(key, { name: a.name, cidr: a.cidr, ...(line !== undefined ? { line } : {}) });
  }
  const ownSets = new Set(config.ipsets.map((s) => s.name.toLowerCase()));
  const ownSetAt = (at: number) => (name: string) => ownSets.has(name) && defLine(layout?.ipsets, name) < at;
  const ownAliasAt = (at: number) => (key: string) =>
    defLine(layout?.aliases, key) < at ? aliases.get(key)?.cidr : undefined;
  const none = () => undefined;
  /** What is visible at line `at`; `withLocal` is false for group rules (no `fw_conf`). */
  const scopeAt = (at: number, withLocal: boolean): VerifyScope => {
    if (!cluster) {
      return { hasIpSet: ownSetAt(at), clusterAlias: ownAliasAt(at), localAlias: withLocal ? ownAliasAt(at) : none };
    }
    const own = ownSetAt(at);
    return {
      hasIpSet: (name) => cluster.ipsets.has(name) || (withLocal && own(name)),
      clusterAlias: (key) => cluster.aliases.get(key)?.cidr,
      localAlias: withLocal ? ownAliasAt(at) : none,
    };
  };

  const ipsets = new Map<string, LoadedIpSet>();
  for (const s of config.ipsets) {
    const name = s.name.toLowerCase();
    const lines = layout?.ipsetEntries[name];
    const seen = new Set<string>();
    const entries = s.entries.map((entry, i) => {
      const line = lines?.[i];
      const error = entryError(entry, seen, scopeAt(line ?? NO_LINE, true));
      return { entry, ...(line !== undefined ? { line } : {}), ...(error ? { error } : {}) };
    });
    const line = layout?.ipsets[name];
    ipsets.set(name, { name, entries, ...(line !== undefined ? { line } : {}) });
  }

  const loadRules = (rules: readonly RuleFields[], lines: readonly number[] | undefined, ruleEnv: RuleEnv) => {
    const kept: LoadedRule[] = [];
    const dropped: DroppedRule[] = [];
    rules.forEach((rule, i) => {
      const line = lines?.[i];
      const v = verifyRule(rule, ruleEnv, scopeAt(line ?? NO_LINE, ruleEnv !== "group"));
      const at = line !== undefined ? { line } : {};
      if (v.fatal) dropped.push({ rule, ...at, reason: v.fatal });
      else {
        kept.push({
          rule,
          pos: kept.length,
          ...at,
          errors: v.errors,
          ...(v.ipversion ? { ipversion: v.ipversion } : {}),
          ...(v.macro ? { macro: v.macro } : {}),
        });
      }
    });
    return { kept, dropped };
  };
  const own = loadRules(config.rules, layout?.rules, env);
  const groups = new Map<string, LoadedGroup>();
  for (const g of config.groups) {
    const name = g.name.toLowerCase();
    const r = loadRules(g.rules, layout?.groups[name], "group");
    groups.set(name, { name, rules: r.kept, dropped: r.dropped });
  }
  return {
    ...(f.file !== undefined ? { file: f.file } : {}),
    options: config.options,
    aliases,
    ipsets,
    rules: own.kept,
    dropped: own.dropped,
    groups,
  };
}

/** The parse-time checks of an IPSet entry (generic_fw_config_parser, `[IPSET]` branch). */
function entryError(entry: IpSetEntryFields, seen: Set<string>, scope: VerifyScope): string | undefined {
  const cidr = typeof entry.cidr === "string" ? entry.cidr : "";
  let error: string | undefined;
  const alias = ALIAS_ENTRY.exec(cidr);
  if (alias) {
    const key = alias[2]!.toLowerCase();
    const where = alias[1] ?? "";
    let found = where !== "dc/" ? scope.localAlias(key) : undefined;
    if (where !== "guest/" && found === undefined) found = scope.clusterAlias(key);
    if (found === undefined) error = `no such alias '${alias[2]}'`;
  } else if (parseIpOrCidr(cidr) === undefined) {
    error = "value does not look like a valid IP address or CIDR network";
  }
  if (!error && seen.has(cidr)) error = `duplicate ipset entry for '${cidr}'`;
  seen.add(cidr);
  if (/\/0+$/.test(cidr)) error = "a zero prefix is not allowed in ipset entries";
  return error;
}
