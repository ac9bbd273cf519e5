import type { AliasFields, IpSetEntryFields, RuleFields } from "../model/wire";

/**
 * Which kind of Proxmox firewall config file (BEHAVIOR.md §9):
 * - `cluster`: `/etc/pve/firewall/cluster.fw`: OPTIONS, ALIASES, IPSET, RULES, group sections.
 * - `guest`: `/etc/pve/firewall/<vmid>.fw`: OPTIONS, ALIASES, IPSET, RULES.
 * - `host`: `/etc/pve/nodes/<node>/host.fw`: OPTIONS, RULES.
 * - `vnet`: `/etc/pve/sdn/firewall/<vnet>.fw`: OPTIONS, RULES.
 */
export type FwFileKind = "cluster" | "guest" | "host" | "vnet";

/**
 * One IPSet entry as Proxmox's parser holds it (`generic_fw_config_parser`).
 *
 * A line Proxmox could not parse at all (e.g. two addresses) has `cidr: ""`: Proxmox holds no cidr
 * (the API leaves the field out, the writer prints the entry as `!` or as an empty line) and
 * usually `nomatch: 1` (BEHAVIOR.md §11).
 */
export interface FwIpSetEntry extends IpSetEntryFields {
  /**
   * Why Proxmox flags the entry, exactly as its API returns it: not an address, `no such alias 'x'`,
   * `duplicate ipset entry for 'x'`, or a zero prefix. Such entries are kept (listed, counted in
   * the digest, written back) but skipped when the firewall is compiled.
   */
  errors?: { cidr: string };
}

export interface FwIpSet {
  /** As written in the header; Proxmox lower-cases it when it reads the file. */
  readonly name: string;
  readonly comment?: string;
  readonly entries: FwIpSetEntry[];
}

export interface FwGroup {
  readonly name: string;
  readonly comment?: string;
  readonly rules: RuleFields[];
}

/** One parsed config file, in the in-memory shape Proxmox's parser produces. */
export interface FwConfig {
  /** `key: value` lines of `[OPTIONS]`, values as text. */
  readonly options: Record<string, string>;
  /**
   * Aliases, one per lower-cased name. An `[ALIASES]` line Proxmox could not parse is the nameless
   * alias (`name` and `cidr` both `""`, see {@link isNamelessAlias}): Proxmox lists it with only a
   * digest, shows it in `/refs` with an empty name and writes it back as a line holding one space.
   */
  readonly aliases: AliasFields[];
  readonly ipsets: FwIpSet[];
  readonly rules: RuleFields[];
  readonly groups: FwGroup[];
}

/**
 * A line Proxmox's parser does not read as written; `line` is 1-based.
 *
 * - `dropped`: Proxmox warns and ignores the line (a bad rule, option or header, no section).
 * - `kept`: Proxmox keeps something else in its place: the nameless alias, or an IPSet entry
 *   with `errors`. The object is visible through the API and is written back.
 */
export interface FwDiagnostic {
  /** The file name given to the parser (`<kind>.fw` when none was given). */
  readonly file: string;
  readonly line: number;
  /** The line as the parser saw it (blanks around it removed, a trailing `\r` kept). */
  readonly text: string;
  readonly message: string;
  readonly effect: "dropped" | "kept";
}

export interface FwParseResult {
  readonly config: FwConfig;
  /** Every line Proxmox does not read as written, in file order. Empty for a clean file. */
  readonly diagnostics: FwDiagnostic[];
}

export function emptyFwConfig(): FwConfig {
  return { options: {}, aliases: [], ipsets: [], rules: [], groups: [] };
}

/** True for the nameless alias Proxmox keeps for an `[ALIASES]` line it could not parse. */
export function isNamelessAlias(alias: AliasFields): boolean {
  return alias.name === "";
}
