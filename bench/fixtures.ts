/**
 * Deterministic inputs of the benchmark: rule lists, IPSet entries, the 50-resource stack, and
 * the `.fw` text that puts a starting state on the emulator out of band (as an admin editing
 * `/etc/pve` would, so setting it up costs no counted request).
 */
import { printFw } from "../provider/fw/print";
import type { FwConfig, FwFileKind } from "../provider/fw/types";
import type { AliasFields, IpSetEntryFields, RuleFields } from "../provider/model/wire";

/**
 * `n` distinct enabled inbound rules, canonical as Proxmox stores them: `tcp/<10000+i>`, comment
 * `r<i>`, ACCEPT except every tenth from index 1 on, which is DROP. Rule 1 disagrees with rule 0,
 * so every rule below rule 0 has a disagreeing enabled rule above it: a safe create costs 2N−1.
 */
export function ruleList(n: number, from = 0): RuleFields[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      type: "in",
      action: i % 10 === 1 ? "DROP" : "ACCEPT",
      enable: 1,
      proto: "tcp",
      dport: String(10_000 + i),
      comment: `r${i}`,
    };
  });
}

/** The rules as `FirewallRules` inputs (camelCase, `enable` as a boolean). */
export function ruleInputs(rules: readonly RuleFields[]): Record<string, unknown>[] {
  return rules.map(({ enable, ...rest }) => ({ ...rest, enable: enable !== 0 }));
}

/** The address of entry `i` of a generated set: distinct host addresses in 10.0.0.0/8. */
export function entryAddress(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

/** Entries `from` .. `from + n - 1` (host addresses, as Proxmox stores them: no `/32`). */
export function ipSetEntries(n: number, from = 0): IpSetEntryFields[] {
  return Array.from({ length: n }, (_, i) => ({ cidr: entryAddress(from + i) }));
}

/** The text of a config file of `kind` holding exactly `config`'s parts (the rest empty). */
export function fwText(kind: FwFileKind, config: Partial<FwConfig>): string {
  return printFw({ options: {}, aliases: [], ipsets: [], rules: [], groups: [], ...config }, kind);
}

/** A security group of the stack. */
export interface StackGroup {
  readonly name: string;
  readonly comment: string;
  readonly rules: RuleFields[];
}

/** An IPSet of the stack. */
export interface StackIpSet {
  readonly name: string;
  readonly comment: string;
  readonly entries: IpSetEntryFields[];
}

/**
 * The 50-resource stack of the stack-level scenarios, all datacenter and node `pve1` objects:
 * cluster options, node options, the cluster and node rule lists (10 rules each), 6 security
 * groups (5 rules each), 20 aliases, 20 IPSets (10 entries each). The bench program
 * `bench/programs/stack` declares exactly this from its JSON.
 */
export interface StackSpec {
  readonly clusterOptions: { readonly enable: boolean; readonly policyIn: string };
  readonly nodeOptions: { readonly enable: boolean; readonly nftables: boolean };
  readonly clusterRules: RuleFields[];
  readonly nodeRules: RuleFields[];
  readonly groups: StackGroup[];
  readonly aliases: AliasFields[];
  readonly ipsets: StackIpSet[];
}

/** The stack spec (see {@link StackSpec}). */
export function stackSpec(): StackSpec {
  return {
    clusterOptions: { enable: false, policyIn: "DROP" },
    nodeOptions: { enable: true, nftables: false },
    clusterRules: ruleList(10),
    nodeRules: ruleList(10, 100),
    groups: Array.from({ length: 6 }, (_, g) => ({
      name: `group${g}`,
      comment: `group ${g}`,
      rules: ruleList(5, 200 + 10 * g),
    })),
    aliases: Array.from({ length: 20 }, (_, a) => ({
      name: `host${a}`,
      cidr: `192.0.2.${a + 1}`,
      comment: `alias ${a}`,
    })),
    ipsets: Array.from({ length: 20 }, (_, s) => ({
      name: `set${s}`,
      comment: `set ${s}`,
      entries: ipSetEntries(10, 1000 * (s + 1)),
    })),
  };
}

/** Resources the stack declares. */
export function stackSize(spec: StackSpec): number {
  return 4 + spec.groups.length + spec.aliases.length + spec.ipsets.length;
}
