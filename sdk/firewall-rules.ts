import * as pulumi from "@pulumi/pulumi";
import type { RuleArgs } from "./rule";
import type { CommonArgs, FirewallScopeArgs } from "./scope";
import { dynamicArgs, getArgs, type OutputSpec, resourceProps } from "./shim";

/**
 * Arguments of {@link FirewallRules}: the complete, ordered rule list of one scope.
 *
 * The resource is authoritative for that list: rules on the server that are not declared here are
 * removed. Changes are reconciled minimally and in an order-safe way: an edited rule is one call,
 * a moved rule one `moveto`, a new rule is created disabled, moved into place and only then enabled,
 * so no transient state ever has an enabled rule in the wrong order. Every write carries the list's
 * digest; a concurrent edit is detected, re-read and re-planned, never overwritten blindly.
 *
 * @example
 * new FirewallRules("dc-rules", {
 *   rules: [
 *     { action: "ACCEPT", proto: "tcp", dport: "8006", source: mgmt.ref, comment: "GUI" },
 *     { action: "ACCEPT", macro: "SSH", source: mgmt.ref },
 *   ],
 * });
 */
export interface FirewallRulesArgs extends CommonArgs {
  /**
   * Whose rules: omitted for the datacenter, `{ node }`, `{ node, vmid }` or `{ vnet }`.
   * Changing it replaces the resource.
   *
   * @default - the datacenter (cluster) rules
   */
  readonly scope?: pulumi.Input<FirewallScopeArgs>;
  /**
   * The rules, first match wins. Each rule is checked as {@link RuleArgs} says; any other
   * property of the resource is an error (`digest` is an output), and `null` means left out.
   *
   * @default [] (no rules: the scope's policies decide)
   */
  readonly rules?: pulumi.Input<pulumi.Input<RuleArgs>[]>;
}

/** The outputs of {@link FirewallRules}: all inputs, plus `digest`. */
const RULES_OUTPUTS: OutputSpec<FirewallRules> = {
  digest: "output",
  rules: "input",
  scope: "input",
  cluster: "input",
};

/**
 * The ordered rule list of one scope. ID: the scope's ID (`cluster`, `node/pve1`, `qemu/pve1/100`,
 * `vnet/v1`).
 *
 * Every output below is set after `create`, `update` and `get()` alike: the list as Proxmox
 * stores it (after `get()`, as read from the server).
 */
export class FirewallRules extends pulumi.dynamic.Resource {
  /**
   * The rules in order, as Proxmox stores them: `type` and `enable` always present, macro in
   * Proxmox's spelling, ports as strings (e.g. `{ type: "in", action: "ACCEPT", proto: "tcp",
   * dport: "8006", enable: true }`). Proxmox's rule fields, one object per position.
   */
  declare readonly rules: pulumi.Output<pulumi.Unwrap<RuleArgs>[]>;
  /** SHA-1 digest of the rule list as last read (Proxmox's optimistic-concurrency token). */
  declare readonly digest: pulumi.Output<string>;
  /**
   * The scope: `{}` (datacenter), `{ node }`, `{ node, vmid, guestType }` (`guestType` always
   * filled in) or `{ vnet }`.
   */
  declare readonly scope: pulumi.Output<pulumi.Unwrap<FirewallScopeArgs>>;
  /** The `proxmox:clusters` key given as `cluster`; `undefined` for the default cluster (and after `get()`). */
  declare readonly cluster: pulumi.Output<string | undefined>;
  /**
   * Read a scope's existing rule list without managing it (`id` is the scope ID, e.g.
   * `qemu/pve1/100`): every output holds the live value.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): FirewallRules {
    return new FirewallRules(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: FirewallRulesArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("FirewallRules", name, resourceProps(RULES_OUTPUTS, args, { rules: [] }), opts));
  }
}
