import * as pulumi from "@pulumi/pulumi";
import type { OptionsOutputs, Policy } from "./options";
import type { CommonArgs } from "./scope";
import { dynamicArgs, getArgs, type OutputSpec, resourceProps } from "./shim";

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

/** The outputs of {@link ClusterFirewallOptions}: every option, plus `digest`. */
const CLUSTER_OUTPUTS: OutputSpec<ClusterFirewallOptions> = {
  digest: "output",
  cluster: "input",
  enable: "input",
  policyIn: "input",
  policyOut: "input",
  policyForward: "input",
  ebtables: "input",
  logRatelimit: "input",
};

/**
 * The datacenter (cluster-wide) firewall options. ID: `cluster`.
 *
 * Every option is an output (see {@link OptionsOutputs}): as set in `cluster.fw`, `undefined` when
 * not set; `@default` is what Proxmox applies then.
 */
export class ClusterFirewallOptions extends pulumi.dynamic.Resource implements OptionsOutputs {
  declare readonly digest: pulumi.Output<string>;
  declare readonly cluster: pulumi.Output<string | undefined>;
  /** Whether the firewall is on cluster-wide. Proxmox field `enable`. @default false */
  declare readonly enable: pulumi.Output<boolean | undefined>;
  /** Input policy: `ACCEPT`, `REJECT` or `DROP`. Proxmox field `policy_in`. @default "DROP" */
  declare readonly policyIn: pulumi.Output<Policy | undefined>;
  /** Output policy: `ACCEPT`, `REJECT` or `DROP`. Proxmox field `policy_out`. @default "ACCEPT" */
  declare readonly policyOut: pulumi.Output<Policy | undefined>;
  /** Forward policy: `ACCEPT` or `DROP`. Proxmox field `policy_forward`. @default "ACCEPT" */
  declare readonly policyForward: pulumi.Output<"ACCEPT" | "DROP" | undefined>;
  /** Whether ebtables rules are on cluster wide. Proxmox field `ebtables`. @default true */
  declare readonly ebtables: pulumi.Output<boolean | undefined>;
  /**
   * Log rate limiting, `{ enable, rate?, burst? }` (e.g. `{ enable: true, rate: "2/second", burst: 7 }`),
   * or Proxmox's text as is when it does not parse. Proxmox field `log_ratelimit`.
   *
   * @default - enabled, 1/second, burst 5
   */
  declare readonly logRatelimit: pulumi.Output<
    { readonly enable: boolean; readonly rate?: string; readonly burst?: number } | string | undefined
  >;
  /**
   * Read the existing cluster options without managing them (`id` is `cluster`): every output holds
   * the live value.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): ClusterFirewallOptions {
    return new ClusterFirewallOptions(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: ClusterFirewallOptionsArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("ClusterFirewallOptions", name, resourceProps(CLUSTER_OUTPUTS, args), opts));
  }
}
