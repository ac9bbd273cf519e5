import * as pulumi from "@pulumi/pulumi";
import type { LogLevel } from "./rule";
import type { CommonArgs } from "./scope";
import { dynamicArgs, getArgs } from "./shim";

/** Protocols Proxmox can load a conntrack helper for (node option `nf_conntrack_helpers`). */
export type ConntrackHelper = "amanda" | "ftp" | "irc" | "netbios-ns" | "pptp" | "sane" | "sip" | "snmp" | "tftp";

/** A default policy: what happens to a packet no rule matched. */
export type Policy = "ACCEPT" | "REJECT" | "DROP";

/**
 * Options resources are authoritative for their scope's `[OPTIONS]`: an option you leave out is
 * removed from the file (Proxmox `delete=`), which returns it to Proxmox's default. Deleting the
 * resource removes every option it set. Only changed options are sent, in one call.
 *
 * An option of another scope (`policyIn` on a node) or any other unknown property is an error
 * naming the resource that has it; an output (`digest`, `enforced`) given as input is an error;
 * `null` means the option is left out. Booleans are `true`/`false` (not Proxmox's 0/1).
 */
interface OptionsOutputs {
  /** SHA-1 digest of the options as last read (Proxmox's optimistic-concurrency token). */
  readonly digest: pulumi.Output<string>;
}

/**
 * Arguments of {@link ClusterFirewallOptions}: the datacenter firewall's options (`cluster.fw`).
 *
 * @example new ClusterFirewallOptions("dc", { enable: true, policyIn: "DROP" }, { dependsOn: [mgmtRules] });
 */
export interface ClusterFirewallOptionsArgs extends CommonArgs {
  /**
   * Turn the firewall on cluster-wide. Proxmox field `enable` (sent as 0/1).
   *
   * With the default input policy DROP, enabling without rules that allow your management access
   * (8006/tcp, 22/tcp) locks you out: make this resource depend on those rules (`dependsOn`).
   *
   * @default false (Proxmox default: disabled)
   */
  readonly enable?: pulumi.Input<boolean>;
  /**
   * Input policy for nodes and guests without their own. Proxmox field `policy_in`.
   *
   * @default "DROP"
   */
  readonly policyIn?: pulumi.Input<Policy>;
  /**
   * Output policy. Proxmox field `policy_out`.
   *
   * @default "ACCEPT"
   */
  readonly policyOut?: pulumi.Input<Policy>;
  /**
   * Forward policy (nftables backend only; `REJECT` is not allowed). Proxmox field `policy_forward`.
   *
   * @default "ACCEPT"
   */
  readonly policyForward?: pulumi.Input<"ACCEPT" | "DROP">;
  /**
   * Enable ebtables rules cluster wide. Proxmox field `ebtables`.
   *
   * @default true
   */
  readonly ebtables?: pulumi.Input<boolean>;
  /**
   * Log rate limiting. Proxmox field `log_ratelimit` (`enable=1,rate=1/second,burst=5`).
   *
   * @default - enabled, 1/second, burst 5
   */
  readonly logRatelimit?: pulumi.Input<{
    /** @default true */
    readonly enable?: pulumi.Input<boolean>;
    /** Refill rate, `<n>/(second|minute|hour|day)`. @default "1/second" */
    readonly rate?: pulumi.Input<string>;
    /** Packets always logged before the rate applies. @default 5 */
    readonly burst?: pulumi.Input<number>;
  }>;
}

/** The datacenter (cluster-wide) firewall options. ID: `cluster`. */
export class ClusterFirewallOptions extends pulumi.dynamic.Resource implements OptionsOutputs {
  declare readonly digest: pulumi.Output<string>;
  /** Adopt the existing cluster options (`id` is `cluster`). */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): ClusterFirewallOptions {
    return new ClusterFirewallOptions(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: ClusterFirewallOptionsArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("ClusterFirewallOptions", name, { ...args, digest: undefined }, opts));
  }
}

/**
 * Arguments of {@link NodeFirewallOptions}: one node's host firewall options (`host.fw`). Every
 * option Proxmox has, including nftables, conntrack, synflood and SMURF/TCP-flags logging.
 */
export interface NodeFirewallOptionsArgs extends CommonArgs {
  /** The node: `{ node: "pve1" }`. */
  readonly scope: pulumi.Input<{ readonly node: pulumi.Input<string> }>;
  /** Host firewall rules on this node. Proxmox field `enable`. @default true */
  readonly enable?: pulumi.Input<boolean>;
  /** Log level for incoming traffic. Proxmox field `log_level_in`. @default "nolog" */
  readonly logLevelIn?: pulumi.Input<LogLevel>;
  /** Log level for outgoing traffic. Proxmox field `log_level_out`. @default "nolog" */
  readonly logLevelOut?: pulumi.Input<LogLevel>;
  /** Log level for forwarded traffic. Proxmox field `log_level_forward`. @default "nolog" */
  readonly logLevelForward?: pulumi.Input<LogLevel>;
  /** Log conntrack information. Proxmox field `log_nf_conntrack`. @default false */
  readonly logNfConntrack?: pulumi.Input<boolean>;
  /** Allow NDP (IPv6 neighbour discovery). Proxmox field `ndp`. @default true */
  readonly ndp?: pulumi.Input<boolean>;
  /** Accept packets conntrack marks invalid. Proxmox field `nf_conntrack_allow_invalid`. @default false */
  readonly nfConntrackAllowInvalid?: pulumi.Input<boolean>;
  /**
   * Conntrack helpers to enable: `amanda`, `ftp`, `irc`, `netbios-ns`, `pptp`, `sane`, `sip`, `snmp`, `tftp`.
   * Proxmox field `nf_conntrack_helpers` (comma list). An empty list is the default and is not
   * written (Proxmox cannot read an empty value back).
   *
   * @default [] (none)
   */
  readonly nfConntrackHelpers?: pulumi.Input<pulumi.Input<ConntrackHelper>[]>;
  /** Maximum tracked connections (at least 32768). Proxmox field `nf_conntrack_max`. @default 262144 */
  readonly nfConntrackMax?: pulumi.Input<number>;
  /**
   * Conntrack established timeout in seconds (at least 7875).
   * Proxmox field `nf_conntrack_tcp_timeout_established`.
   *
   * @default 432000
   */
  readonly nfConntrackTcpTimeoutEstablished?: pulumi.Input<number>;
  /**
   * Conntrack SYN_RECV timeout in seconds (30 to 60). Proxmox field `nf_conntrack_tcp_timeout_syn_recv`.
   *
   * @default 60
   */
  readonly nfConntrackTcpTimeoutSynRecv?: pulumi.Input<number>;
  /** Use the nftables backend (tech preview). Proxmox field `nftables`. @default false */
  readonly nftables?: pulumi.Input<boolean>;
  /** Drop SMURF packets. Proxmox field `nosmurfs`. @default true (on unless set to false) */
  readonly nosmurfs?: pulumi.Input<boolean>;
  /** SYN flood protection. Proxmox field `protection_synflood`. @default false */
  readonly protectionSynflood?: pulumi.Input<boolean>;
  /**
   * SYN flood rate, SYN/s per source IP, at least 0 (Proxmox's file parser reads digits only, so a
   * negative value would be stored but never read back). Proxmox field `protection_synflood_rate`.
   *
   * @default 200
   */
  readonly protectionSynfloodRate?: pulumi.Input<number>;
  /** SYN flood burst per source IP, at least 0. Proxmox field `protection_synflood_burst`. @default 1000 */
  readonly protectionSynfloodBurst?: pulumi.Input<number>;
  /** Log level for the SMURF filter. Proxmox field `smurf_log_level`. @default "nolog" */
  readonly smurfLogLevel?: pulumi.Input<LogLevel>;
  /** Log level for the illegal TCP flags filter. Proxmox field `tcp_flags_log_level`. @default "nolog" */
  readonly tcpFlagsLogLevel?: pulumi.Input<LogLevel>;
  /** Drop illegal TCP flag combinations. Proxmox field `tcpflags`. @default false */
  readonly tcpflags?: pulumi.Input<boolean>;
}

/** One node's host firewall options. ID: `node/<node>`. */
export class NodeFirewallOptions extends pulumi.dynamic.Resource implements OptionsOutputs {
  declare readonly digest: pulumi.Output<string>;
  /** Adopt a node's existing options (`id` is `node/<node>`). */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): NodeFirewallOptions {
    return new NodeFirewallOptions(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: NodeFirewallOptionsArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("NodeFirewallOptions", name, { ...args, digest: undefined }, opts));
  }
}

/**
 * Arguments of {@link GuestFirewallOptions}: one VM's or container's firewall options (`<vmid>.fw`).
 *
 * The guest firewall only filters traffic on NICs that have `firewall=1` in the guest config, and
 * only while the cluster firewall is enabled; the `enforced` output tells you whether it does
 * (`enforced` and `enforcementReasons` are outputs: giving them as inputs is an error).
 */
export interface GuestFirewallOptionsArgs extends CommonArgs {
  /** The guest: `{ node, vmid, guestType? }`; accepts a VM resource's outputs. */
  readonly scope: pulumi.Input<{
    readonly node: pulumi.Input<string>;
    readonly vmid: pulumi.Input<number>;
    readonly guestType?: pulumi.Input<"qemu" | "lxc">;
  }>;
  /** Firewall on for this guest. Proxmox field `enable`. @default false */
  readonly enable?: pulumi.Input<boolean>;
  /**
   * Allow DHCP. Proxmox field `dhcp`. Note: Proxmox allows DHCP unless this is explicitly false,
   * although its schema says the default is off.
   *
   * @default - allowed (not set)
   */
  readonly dhcp?: pulumi.Input<boolean>;
  /** Only allow the guest's configured IPs (IP spoofing filter). Proxmox field `ipfilter`. @default false */
  readonly ipfilter?: pulumi.Input<boolean>;
  /** Only allow the NIC's MAC address (MAC spoofing filter). Proxmox field `macfilter`. @default true */
  readonly macfilter?: pulumi.Input<boolean>;
  /** Allow NDP (IPv6 neighbour discovery). Proxmox field `ndp`. @default true */
  readonly ndp?: pulumi.Input<boolean>;
  /** Allow router advertisements from the guest. Proxmox field `radv`. @default false */
  readonly radv?: pulumi.Input<boolean>;
  /** Input policy. Proxmox field `policy_in`. @default "DROP" */
  readonly policyIn?: pulumi.Input<Policy>;
  /** Output policy. Proxmox field `policy_out`. @default "ACCEPT" */
  readonly policyOut?: pulumi.Input<Policy>;
  /** Log level for incoming traffic. Proxmox field `log_level_in`. @default "nolog" */
  readonly logLevelIn?: pulumi.Input<LogLevel>;
  /** Log level for outgoing traffic. Proxmox field `log_level_out`. @default "nolog" */
  readonly logLevelOut?: pulumi.Input<LogLevel>;
}

/** One guest's firewall options, with its effective enforcement. ID: `qemu/<node>/<vmid>` or `lxc/<node>/<vmid>`. */
export class GuestFirewallOptions extends pulumi.dynamic.Resource implements OptionsOutputs {
  declare readonly digest: pulumi.Output<string>;
  /**
   * Whether the guest's firewall actually filters traffic now: the cluster firewall is on, the
   * guest's firewall is on, and at least one NIC has `firewall=1`.
   */
  declare readonly enforced: pulumi.Output<boolean>;
  /** Why `enforced` is false (empty when it is true), e.g. `cluster firewall is disabled`. */
  declare readonly enforcementReasons: pulumi.Output<string[]>;
  /** Adopt a guest's existing options (`id` is `qemu/<node>/<vmid>` or `lxc/<node>/<vmid>`). */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): GuestFirewallOptions {
    return new GuestFirewallOptions(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: GuestFirewallOptionsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      ...dynamicArgs(
        "GuestFirewallOptions",
        name,
        { ...args, digest: undefined, enforced: undefined, enforcementReasons: undefined },
        opts,
      ),
    );
  }
}

/** Arguments of {@link VnetFirewallOptions}: one SDN VNet's firewall options. */
export interface VnetFirewallOptionsArgs extends CommonArgs {
  /** The VNet: `{ vnet: "v1" }`. */
  readonly scope: pulumi.Input<{ readonly vnet: pulumi.Input<string> }>;
  /** Firewall on for this VNet. Proxmox field `enable`. @default false */
  readonly enable?: pulumi.Input<boolean>;
  /** Forward policy. Proxmox field `policy_forward`. @default "ACCEPT" */
  readonly policyForward?: pulumi.Input<"ACCEPT" | "DROP">;
  /** Log level for forwarded traffic. Proxmox field `log_level_forward`. @default "nolog" */
  readonly logLevelForward?: pulumi.Input<LogLevel>;
}

/** One SDN VNet's firewall options. ID: `vnet/<vnet>`. */
export class VnetFirewallOptions extends pulumi.dynamic.Resource implements OptionsOutputs {
  declare readonly digest: pulumi.Output<string>;
  /** Adopt a VNet's existing options (`id` is `vnet/<vnet>`). */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): VnetFirewallOptions {
    return new VnetFirewallOptions(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: VnetFirewallOptionsArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("VnetFirewallOptions", name, { ...args, digest: undefined }, opts));
  }
}
