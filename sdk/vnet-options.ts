import * as pulumi from "@pulumi/pulumi";
import type { OptionsOutputs } from "./options";
import type { LogLevel } from "./rule";
import type { CommonArgs } from "./scope";
import { dynamicArgs, getArgs, type OutputSpec, resourceProps } from "./shim";

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

/** The outputs of {@link VnetFirewallOptions}: every option, plus `digest` and `scope`. */
const VNET_OUTPUTS: OutputSpec<VnetFirewallOptions> = {
  digest: "output",
  cluster: "input",
  scope: "input",
  enable: "input",
  policyForward: "input",
  logLevelForward: "input",
};

/**
 * One SDN VNet's firewall options. ID: `vnet/<vnet>`.
 *
 * Every option is an output (see {@link OptionsOutputs}): as set in `sdn/firewall/<vnet>.fw`,
 * `undefined` when not set; `@default` is what Proxmox applies then.
 */
export class VnetFirewallOptions extends pulumi.dynamic.Resource implements OptionsOutputs {
  declare readonly digest: pulumi.Output<string>;
  declare readonly cluster: pulumi.Output<string | undefined>;
  /** The VNet: `{ vnet: "v1" }`. */
  declare readonly scope: pulumi.Output<{ readonly vnet: string }>;
  /** Whether the VNet's firewall is on. Proxmox field `enable`. @default false */
  declare readonly enable: pulumi.Output<boolean | undefined>;
  /** Forward policy: `ACCEPT` or `DROP`. Proxmox field `policy_forward`. @default "ACCEPT" */
  declare readonly policyForward: pulumi.Output<"ACCEPT" | "DROP" | undefined>;
  /** Log level for forwarded traffic (`nolog`, `info`, ...). Proxmox field `log_level_forward`. @default "nolog" */
  declare readonly logLevelForward: pulumi.Output<LogLevel | undefined>;
  /**
   * Read a VNet's existing options without managing them (`id` is `vnet/<vnet>`): every output
   * holds the live value.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): VnetFirewallOptions {
    return new VnetFirewallOptions(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: VnetFirewallOptionsArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("VnetFirewallOptions", name, resourceProps(VNET_OUTPUTS, args), opts));
  }
}
