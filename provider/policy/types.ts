/**
 * The shapes the policy engine works on: the firewall configs of a cluster (as the `.fw` codec
 * parses them), the facts about nodes and guests it cannot read from those files, packets in the
 * vocabulary of Proxmox's own simulator, and verdicts that name what decided them.
 *
 * Everything here is plain data; the engine is a set of pure functions over it.
 *
 * @module
 */
import type { FwConfig } from "../fw/types";

/**
 * Where the lines of one `.fw` file are, for the facts that depend on file order.
 *
 * Proxmox checks a rule's references against what it has read *so far*, so a rule that names an
 * alias or IPSet defined further down the same file has an error and is skipped
 * (Firewall.pm `generic_fw_config_parser` → `parse_fw_rule` → `verify_rule`). Without a layout
 * (configs read through the API) the writer's order is assumed: aliases and IPSets before rules.
 */
export interface FileLayout {
  /** 1-based line of each element of `config.rules`, same order. */
  readonly rules: readonly number[];
  /** 1-based lines of each group's rules, by lower-cased group name. */
  readonly groups: Readonly<Record<string, readonly number[]>>;
  /** 1-based line of each IPSet's first `[IPSET name]` header, by lower-cased name. */
  readonly ipsets: Readonly<Record<string, number>>;
  /** 1-based lines of each IPSet's entries, by lower-cased name, same order as the entries. */
  readonly ipsetEntries: Readonly<Record<string, readonly number[]>>;
  /** 1-based line of the first definition of each alias, by lower-cased name. */
  readonly aliases: Readonly<Record<string, number>>;
}

/** One config file: what the codec parsed, and optionally where its lines are. */
export interface ConfigFile {
  readonly config: FwConfig;
  /** Line positions (from {@link scanLayout}); absent for configs read through the API. */
  readonly layout?: FileLayout;
  /** Display name for locations, e.g. `firewall/cluster.fw`. */
  readonly file?: string;
}

/** The firewall configs of one cluster, as the API or `/etc/pve` holds them. */
export interface PolicyConfigs {
  /** `firewall/cluster.fw`; an absent file is an empty config (firewall off). */
  readonly cluster: ConfigFile;
  /** `nodes/<node>/host.fw` by node name; a missing node has no host.fw (host firewall on). */
  readonly hosts: Readonly<Record<string, ConfigFile>>;
  /** `firewall/<vmid>.fw` by vmid; a guest without a file is not filtered. */
  readonly guests: Readonly<Record<string, ConfigFile>>;
}

/** A node as the simulator needs it (topology file, or `/cluster/status` and `/nodes/{node}/network`). */
export interface PolicyNode {
  readonly name: string;
  /** The node's address (`/cluster/status` `ip`); `from: host` packets use it as source. */
  readonly ip: string;
  /** The node's local network (CIDR), which Proxmox adds to the `management` IPSet. */
  readonly network: string;
  /** Corosync ring (link) addresses, index = ring number. */
  readonly rings: readonly string[];
  /** The interface that carries `ip` (host rules' `-i` sees it for the management path). */
  readonly iface: string;
}

/** A guest's NIC, parsed from its config line (`virtio=MAC,bridge=vmbr0,firewall=1`). */
export interface PolicyNic {
  /** `net0`, `net1`, ... */
  readonly id: string;
  readonly bridge: string;
  readonly firewall: boolean;
  readonly mac?: string;
  /** Container static addresses (`ip=`/`ip6=` without the prefix; `dhcp`/`auto`/`manual` are left out). */
  readonly ip?: string;
  readonly ip6?: string;
}

/** A guest of the topology. */
export interface PolicyGuest {
  readonly vmid: number;
  readonly type: "qemu" | "lxc";
  readonly node: string;
  readonly nics: readonly PolicyNic[];
}

/** What the configs cannot tell: nodes, their addresses, guests and their NICs, corosync. */
export interface PolicyTopology {
  readonly nodes: readonly PolicyNode[];
  readonly guests: readonly PolicyGuest[];
  /**
   * Corosync as `/etc/pve/corosync.conf` would describe it; `undefined` when the node has none
   * (a stand-alone node), so no corosync rules are generated.
   */
  readonly corosync?: { readonly transport: "knet" | "udp" | "udpu" };
}

/**
 * One packet, in the vocabulary of Proxmox's simulator (FirewallSimulator.pm `simulate_firewall`).
 *
 * Zones: `host`, `outside` (port `eth0` of `vmbr0`), `nfvm` (port `tapXYZ` of `vmbr0`, a guest
 * without firewall), `vm<ID>` / `ct<ID>` (the guest's net0), `vm<ID>i<N>` / `ct<ID>i<N>` (netN),
 * `<bridge>/<port>`. The packet is the first of a new connection (conntrack state NEW, a TCP SYN).
 */
export interface Packet {
  readonly from: string;
  readonly to: string;
  /** Protocol name or number. @default "tcp" */
  readonly proto?: string;
  /** Destination port; for ICMP the type (`echo-request`, `8`, or `3/4` for type/code). */
  readonly dport?: string | number;
  readonly sport?: string | number;
  /** @default the node's ip for `from: host`, else 100.100.1.2 (2001:db8:100::2 for IPv6) */
  readonly source?: string;
  /** @default the node's ip for `to: host`, else 100.200.3.4 (2001:db8:200::4 for IPv6) */
  readonly dest?: string;
  /** Address type of the source (`UNICAST`, `BROADCAST`, `MULTICAST`, ...). @default from the address */
  readonly srctype?: string;
  /** Address type of the destination. @default MULTICAST for multicast addresses, else UNICAST */
  readonly dsttype?: string;
}

/** The final verdict on a packet. */
export type Action = "ACCEPT" | "DROP" | "REJECT";

/** Which file a user rule lives in. */
export type RuleLevel = "cluster" | "host" | "guest" | "group";

/** The rule that references a group, for a decision made inside the group. */
export interface GroupCaller {
  readonly level: "cluster" | "host" | "guest";
  readonly pos: number;
  readonly node?: string;
  readonly vmid?: number;
  readonly line?: number;
}

/** What decided a verdict (or a hop). */
export type DecidedBy =
  | {
      readonly kind: "rule";
      readonly level: RuleLevel;
      /** Position in its list (what the API calls `pos`). */
      readonly pos: number;
      readonly node?: string;
      readonly vmid?: number;
      readonly group?: string;
      /** For a rule inside a group: the `GROUP` rule that inserted it. */
      readonly via?: GroupCaller;
      /** 1-based line in its file, when known. */
      readonly line?: number;
      /** For a macro rule: which of the macro's lines matched (0-based). */
      readonly expansion?: number;
      /** The rule as Proxmox writes it. */
      readonly rule: string;
      readonly chain: string;
      readonly note?: string;
    }
  | {
      readonly kind: "policy";
      readonly level: "cluster" | "guest";
      readonly option: "policy_in" | "policy_out";
      readonly value: Action;
      readonly vmid?: number;
      readonly chain: string;
      readonly note?: string;
    }
  | { readonly kind: "implicit"; readonly name: string; readonly chain: string; readonly detail: string }
  | { readonly kind: "gate"; readonly gate: GateName; readonly detail: string }
  | { readonly kind: "unfiltered"; readonly detail: string };

/** Why a level does not filter at all. */
export type GateName = "cluster-disabled" | "host-disabled" | "guest-disabled" | "guest-no-file" | "nic-no-firewall";

/** One chain walk of a packet's path (one netfilter hook invocation). */
export interface Hop {
  /** Where the packet is checked, e.g. `vmbr0 (PVEFW-INPUT)`, `fwbr100i0 (PVEFW-FORWARD)`. */
  readonly at: string;
  readonly action: Action;
  readonly decidedBy: DecidedBy;
}

/** A packet's verdict: the first hop that did not accept it, or the last one. */
export interface Verdict {
  readonly action: Action;
  readonly decidedBy: DecidedBy;
  /** Every hop, in order, up to the deciding one. */
  readonly hops: readonly Hop[];
  /** Configurations whose effect Proxmox leaves undefined, met on this packet's path. */
  readonly warnings: readonly string[];
}
