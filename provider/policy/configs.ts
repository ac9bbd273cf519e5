/**
 * Builds {@link PolicyConfigs} from file texts (a data directory laid out like `/etc/pve`, read by
 * the caller) or from what the API returns, and overlays planned changes on them.
 *
 * @module
 */
import { parseFw } from "../fw/parse";
import type { FwConfig, FwFileKind } from "../fw/types";
import type { AliasFields, IpSetEntryFields, RuleFields } from "../model/wire";
import { alignLayout, scanLayout } from "./layout";
import type { ConfigFile, PolicyConfigs } from "./types";

/** The texts of a cluster's firewall files. */
export interface ConfigTexts {
  /** `firewall/cluster.fw`; absent = no file. */
  readonly cluster?: string;
  /** `nodes/<node>/host.fw` by node. */
  readonly hosts?: Readonly<Record<string, string>>;
  /** `firewall/<vmid>.fw` by vmid. */
  readonly guests?: Readonly<Record<string, string>>;
}

/**
 * Parses one file with the `.fw` codec and records its line layout (dropped when it does not line
 * up with what the codec returned, so a codec change never misplaces lines).
 */
export function configFile(text: string, kind: FwFileKind, file?: string): ConfigFile {
  const { config } = parseFw(text, kind, file);
  const layout = alignLayout(scanLayout(text, kind), config);
  return {
    config,
    ...(layout ? { layout } : {}),
    ...(file !== undefined ? { file } : {}),
  };
}

/**
 * The configs of a data directory's files. An empty guest file counts as no file, as for Proxmox
 * (`load_vmfw_conf` skips a guest whose file has no content).
 */
export function configsFromTexts(texts: ConfigTexts): PolicyConfigs {
  const hosts: Record<string, ConfigFile> = {};
  for (const [node, text] of Object.entries(texts.hosts ?? {})) {
    hosts[node] = configFile(text, "host", `nodes/${node}/host.fw`);
  }
  const guests: Record<string, ConfigFile> = {};
  for (const [vmid, text] of Object.entries(texts.guests ?? {})) {
    if (text.trim() !== "") guests[vmid] = configFile(text, "guest", `firewall/${vmid}.fw`);
  }
  return {
    cluster: configFile(texts.cluster ?? "", "cluster", "firewall/cluster.fw"),
    hosts,
    guests,
  };
}

/** Which file a planned change applies to. */
export type ChangeScope =
  | { readonly kind: "cluster" }
  | { readonly kind: "host"; readonly node: string }
  | { readonly kind: "guest"; readonly vmid: number };

/**
 * A planned change to one file, as the guard overlays it before simulating. Every part is
 * optional; what is given replaces what is live.
 */
export interface PlannedChange {
  readonly scope: ChangeScope;
  /**
   * The scope's whole rule list after the change (what `FirewallRules` owns), as stored fields;
   * a rule without `enable` is enabled (it is written without a leading `|`).
   */
  readonly rules?: readonly RuleFields[];
  /** Options to set (string or number) or delete (`null`); others stay. */
  readonly options?: Readonly<Record<string, string | number | null>>;
  /** IPSets by name: the whole entry list after the change, or `null` to delete the set. */
  readonly ipsets?: Readonly<Record<string, readonly IpSetEntryFields[] | null>>;
  /** Aliases by name: the cidr after the change, or `null` to delete the alias. */
  readonly aliases?: Readonly<Record<string, string | null>>;
  /** Security groups by name (cluster only): the group's rules after the change, or `null` to delete it. */
  readonly groups?: Readonly<Record<string, readonly RuleFields[] | null>>;
}

/**
 * `configs` with `changes` applied, in order. The files a change touches lose their line layout:
 * after an API write Proxmox's writer orders them (aliases and IPSets before rules). The input
 * is not modified.
 */
export function overlay(configs: PolicyConfigs, changes: readonly PlannedChange[]): PolicyConfigs {
  let cluster = configs.cluster;
  const hosts = { ...configs.hosts };
  const guests = { ...configs.guests };
  for (const change of changes) {
    const s = change.scope;
    if (s.kind === "cluster") cluster = apply(cluster, change);
    else if (s.kind === "host") hosts[s.node] = apply(hosts[s.node], change);
    else guests[String(s.vmid)] = apply(guests[String(s.vmid)], change);
  }
  return { cluster, hosts, guests };
}

function apply(file: ConfigFile | undefined, change: PlannedChange): ConfigFile {
  const base: FwConfig = file?.config ?? { options: {}, aliases: [], ipsets: [], rules: [], groups: [] };
  const options: Record<string, string> = { ...base.options };
  for (const [key, value] of Object.entries(change.options ?? {})) {
    if (value === null) delete options[key];
    else options[key] = String(value);
  }
  let aliases: AliasFields[] = [...base.aliases];
  for (const [name, cidr] of Object.entries(change.aliases ?? {})) {
    aliases = aliases.filter((a) => a.name.toLowerCase() !== name.toLowerCase());
    if (cidr !== null) aliases.push({ name, cidr });
  }
  let ipsets = [...base.ipsets];
  for (const [name, entries] of Object.entries(change.ipsets ?? {})) {
    const key = name.toLowerCase();
    const old = ipsets.find((s) => s.name === key);
    ipsets = ipsets.filter((s) => s.name !== key);
    if (entries !== null)
      ipsets.push({ name: key, ...(old?.comment ? { comment: old.comment } : {}), entries: [...entries] });
  }
  let groups = [...base.groups];
  for (const [name, rules] of Object.entries(change.groups ?? {})) {
    const key = name.toLowerCase();
    const old = groups.find((g) => g.name === key);
    groups = groups.filter((g) => g.name !== key);
    if (rules !== null)
      groups.push({ name: key, ...(old?.comment ? { comment: old.comment } : {}), rules: [...rules] });
  }
  const config: FwConfig = {
    options,
    aliases,
    ipsets,
    rules: change.rules ? [...change.rules] : base.rules,
    groups,
  };
  return { config, ...(file?.file !== undefined ? { file: file.file } : {}) };
}
