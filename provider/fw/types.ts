import type { AliasFields, IpSetEntryFields, RuleFields } from "../model/wire";

/**
 * Which kind of Proxmox firewall config file (BEHAVIOR.md §9):
 * - `cluster`: `/etc/pve/firewall/cluster.fw`: OPTIONS, ALIASES, IPSET, RULES, group sections.
 * - `guest`: `/etc/pve/firewall/<vmid>.fw`: OPTIONS, ALIASES, IPSET, RULES.
 * - `host`: `/etc/pve/nodes/<node>/host.fw`: OPTIONS, RULES.
 * - `vnet`: `/etc/pve/sdn/firewall/<vnet>.fw`: OPTIONS, RULES.
 */
export type FwFileKind = "cluster" | "guest" | "host" | "vnet";

export interface FwIpSet {
  /** As written in the header; Proxmox lower-cases it when it reads the file. */
  readonly name: string;
  readonly comment?: string;
  readonly entries: IpSetEntryFields[];
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
  readonly aliases: AliasFields[];
  readonly ipsets: FwIpSet[];
  readonly rules: RuleFields[];
  readonly groups: FwGroup[];
}

/** A line Proxmox's parser would warn about and drop; `line` is 1-based. */
export interface FwDiagnostic {
  readonly line: number;
  readonly message: string;
}

export interface FwParseResult {
  readonly config: FwConfig;
  /** Lines that could not be parsed (dropped, as Proxmox does). Empty for a clean file. */
  readonly diagnostics: FwDiagnostic[];
}

export function emptyFwConfig(): FwConfig {
  return { options: {}, aliases: [], ipsets: [], rules: [], groups: [] };
}
