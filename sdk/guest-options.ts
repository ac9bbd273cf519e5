import * as pulumi from "@pulumi/pulumi";
import type { OptionsOutputs, Policy } from "./options";
import type { LogLevel } from "./rule";
import type { CommonArgs } from "./scope";
import { dynamicArgs, getArgs, type OutputSpec, resourceProps } from "./shim";

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

/** The outputs of {@link GuestFirewallOptions}: every option, plus `digest`, `scope` and the enforcement. */
const GUEST_OUTPUTS: OutputSpec<GuestFirewallOptions> = {
  digest: "output",
  enforced: "output",
  enforcementReasons: "output",
  cluster: "input",
  scope: "input",
  enable: "input",
  dhcp: "input",
  ipfilter: "input",
  macfilter: "input",
  ndp: "input",
  radv: "input",
  policyIn: "input",
  policyOut: "input",
  logLevelIn: "input",
  logLevelOut: "input",
};

/**
 * One guest's firewall options, with its effective enforcement. ID: `qemu/<node>/<vmid>` or
 * `lxc/<node>/<vmid>`.
 *
 * Every option is an output (see {@link OptionsOutputs}): as set in `<vmid>.fw`, `undefined` when
 * not set; `@default` is what Proxmox applies then.
 */
export class GuestFirewallOptions extends pulumi.dynamic.Resource implements OptionsOutputs {
  declare readonly digest: pulumi.Output<string>;
  declare readonly cluster: pulumi.Output<string | undefined>;
  /**
   * Whether the guest's firewall actually filters traffic now: the cluster firewall is on, the
   * guest's firewall is on, and at least one NIC has `firewall=1`.
   */
  declare readonly enforced: pulumi.Output<boolean>;
  /** Why `enforced` is false (empty when it is true), e.g. `cluster firewall is disabled`. */
  declare readonly enforcementReasons: pulumi.Output<string[]>;
  /** The guest: `{ node, vmid, guestType }` (`guestType` always filled in). */
  declare readonly scope: pulumi.Output<{
    readonly node: string;
    readonly vmid: number;
    readonly guestType: "qemu" | "lxc";
  }>;
  /** Whether the guest's firewall is on. Proxmox field `enable`. @default false */
  declare readonly enable: pulumi.Output<boolean | undefined>;
  /** Whether DHCP is allowed. Proxmox field `dhcp`. @default - allowed (Proxmox allows DHCP unless it is false) */
  declare readonly dhcp: pulumi.Output<boolean | undefined>;
  /** Whether the IP spoofing filter is on. Proxmox field `ipfilter`. @default false */
  declare readonly ipfilter: pulumi.Output<boolean | undefined>;
  /** Whether the MAC spoofing filter is on. Proxmox field `macfilter`. @default true */
  declare readonly macfilter: pulumi.Output<boolean | undefined>;
  /** Whether NDP is allowed. Proxmox field `ndp`. @default true */
  declare readonly ndp: pulumi.Output<boolean | undefined>;
  /** Whether the guest may send router advertisements. Proxmox field `radv`. @default false */
  declare readonly radv: pulumi.Output<boolean | undefined>;
  /** Input policy: `ACCEPT`, `REJECT` or `DROP`. Proxmox field `policy_in`. @default "DROP" */
  declare readonly policyIn: pulumi.Output<Policy | undefined>;
  /** Output policy: `ACCEPT`, `REJECT` or `DROP`. Proxmox field `policy_out`. @default "ACCEPT" */
  declare readonly policyOut: pulumi.Output<Policy | undefined>;
  /** Log level for incoming traffic (`nolog`, `info`, ...). Proxmox field `log_level_in`. @default "nolog" */
  declare readonly logLevelIn: pulumi.Output<LogLevel | undefined>;
  /** Log level for outgoing traffic. Proxmox field `log_level_out`. @default "nolog" */
  declare readonly logLevelOut: pulumi.Output<LogLevel | undefined>;
  /**
   * Read a guest's existing options without managing them (`id` is `qemu/<node>/<vmid>` or
   * `lxc/<node>/<vmid>`): every output holds the live value, `enforced` included.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): GuestFirewallOptions {
    return new GuestFirewallOptions(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: GuestFirewallOptionsArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("GuestFirewallOptions", name, resourceProps(GUEST_OUTPUTS, args), opts));
  }
}
