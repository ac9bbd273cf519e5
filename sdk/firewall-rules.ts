import * as pulumi from "@pulumi/pulumi";
import type { RuleArgs } from "./rule";
import type { CommonArgs, FirewallScopeArgs } from "./scope";
import { dynamicArgs, getArgs } from "./shim";

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

/** The ordered rule list of one scope. ID: the scope's ID (`cluster`, `node/pve1`, `qemu/pve1/100`, `vnet/v1`). */
export class FirewallRules extends pulumi.dynamic.Resource {
  /** The rules as Proxmox stores them (normalised: macro spelling, enable flags). */
  declare readonly rules: pulumi.Output<RuleArgs[]>;
  /** SHA-1 digest of the rule list as last read. */
  declare readonly digest: pulumi.Output<string>;
  /** Adopt a scope's existing rule list (`id` is the scope ID, e.g. `qemu/pve1/100`). */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): FirewallRules {
    return new FirewallRules(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: FirewallRulesArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("FirewallRules", name, { rules: [], ...args, digest: undefined }, opts));
  }
}
