import * as pulumi from "@pulumi/pulumi";
import type { ConntrackHelper, OptionsOutputs } from "./options";
import type { LogLevel } from "./rule";
import type { CommonArgs } from "./scope";
import { dynamicArgs, getArgs, type OutputSpec, resourceProps } from "./shim";

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

/** The outputs of {@link NodeFirewallOptions}: every option, plus `digest` and `scope`. */
const NODE_OUTPUTS: OutputSpec<NodeFirewallOptions> = {
  digest: "output",
  cluster: "input",
  scope: "input",
  enable: "input",
  logLevelIn: "input",
  logLevelOut: "input",
  logLevelForward: "input",
  logNfConntrack: "input",
  ndp: "input",
  nfConntrackAllowInvalid: "input",
  nfConntrackHelpers: "input",
  nfConntrackMax: "input",
  nfConntrackTcpTimeoutEstablished: "input",
  nfConntrackTcpTimeoutSynRecv: "input",
  nftables: "input",
  nosmurfs: "input",
  protectionSynflood: "input",
  protectionSynfloodRate: "input",
  protectionSynfloodBurst: "input",
  smurfLogLevel: "input",
  tcpFlagsLogLevel: "input",
  tcpflags: "input",
};

/**
 * One node's host firewall options. ID: `node/<node>`.
 *
 * Every option is an output (see {@link OptionsOutputs}): as set in `host.fw`, `undefined` when not
 * set; `@default` is what Proxmox applies then.
 */
export class NodeFirewallOptions extends pulumi.dynamic.Resource implements OptionsOutputs {
  declare readonly digest: pulumi.Output<string>;
  declare readonly cluster: pulumi.Output<string | undefined>;
  /** The node: `{ node: "pve1" }`. */
  declare readonly scope: pulumi.Output<{ readonly node: string }>;
  /** Whether host firewall rules are on. Proxmox field `enable`. @default true */
  declare readonly enable: pulumi.Output<boolean | undefined>;
  /** Log level for incoming traffic (`nolog`, `info`, ...). Proxmox field `log_level_in`. @default "nolog" */
  declare readonly logLevelIn: pulumi.Output<LogLevel | undefined>;
  /** Log level for outgoing traffic. Proxmox field `log_level_out`. @default "nolog" */
  declare readonly logLevelOut: pulumi.Output<LogLevel | undefined>;
  /** Log level for forwarded traffic. Proxmox field `log_level_forward`. @default "nolog" */
  declare readonly logLevelForward: pulumi.Output<LogLevel | undefined>;
  /** Whether conntrack information is logged. Proxmox field `log_nf_conntrack`. @default false */
  declare readonly logNfConntrack: pulumi.Output<boolean | undefined>;
  /** Whether NDP is allowed. Proxmox field `ndp`. @default true */
  declare readonly ndp: pulumi.Output<boolean | undefined>;
  /** Whether invalid packets are accepted. Proxmox field `nf_conntrack_allow_invalid`. @default false */
  declare readonly nfConntrackAllowInvalid: pulumi.Output<boolean | undefined>;
  /**
   * Conntrack helpers, lower case (e.g. `["ftp", "sip"]`). Proxmox field `nf_conntrack_helpers`.
   *
   * @default - none (an empty list is not stored)
   */
  declare readonly nfConntrackHelpers: pulumi.Output<ConntrackHelper[] | undefined>;
  /** Maximum tracked connections. Proxmox field `nf_conntrack_max`. @default 262144 */
  declare readonly nfConntrackMax: pulumi.Output<number | undefined>;
  /** Established timeout in seconds. Proxmox field `nf_conntrack_tcp_timeout_established`. @default 432000 */
  declare readonly nfConntrackTcpTimeoutEstablished: pulumi.Output<number | undefined>;
  /** SYN_RECV timeout in seconds. Proxmox field `nf_conntrack_tcp_timeout_syn_recv`. @default 60 */
  declare readonly nfConntrackTcpTimeoutSynRecv: pulumi.Output<number | undefined>;
  /** Whether the nftables backend is used. Proxmox field `nftables`. @default false */
  declare readonly nftables: pulumi.Output<boolean | undefined>;
  /** Whether SMURF packets are dropped. Proxmox field `nosmurfs`. @default true */
  declare readonly nosmurfs: pulumi.Output<boolean | undefined>;
  /** Whether SYN flood protection is on. Proxmox field `protection_synflood`. @default false */
  declare readonly protectionSynflood: pulumi.Output<boolean | undefined>;
  /** SYN flood rate, SYN/s per source IP. Proxmox field `protection_synflood_rate`. @default 200 */
  declare readonly protectionSynfloodRate: pulumi.Output<number | undefined>;
  /** SYN flood burst per source IP. Proxmox field `protection_synflood_burst`. @default 1000 */
  declare readonly protectionSynfloodBurst: pulumi.Output<number | undefined>;
  /** Log level for the SMURF filter. Proxmox field `smurf_log_level`. @default "nolog" */
  declare readonly smurfLogLevel: pulumi.Output<LogLevel | undefined>;
  /** Log level for the illegal TCP flags filter. Proxmox field `tcp_flags_log_level`. @default "nolog" */
  declare readonly tcpFlagsLogLevel: pulumi.Output<LogLevel | undefined>;
  /** Whether illegal TCP flag combinations are dropped. Proxmox field `tcpflags`. @default false */
  declare readonly tcpflags: pulumi.Output<boolean | undefined>;
  /**
   * Read a node's existing options without managing them (`id` is `node/<node>`): every output
   * holds the live value.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): NodeFirewallOptions {
    return new NodeFirewallOptions(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: NodeFirewallOptionsArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("NodeFirewallOptions", name, resourceProps(NODE_OUTPUTS, args), opts));
  }
}
