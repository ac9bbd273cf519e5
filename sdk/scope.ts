import type * as pulumi from "@pulumi/pulumi";

/**
 * Where a firewall object lives. Every resource takes it the same way, as `scope` (except
 * `SecurityGroup`, which lives at datacenter level only), and every field accepts a
 * `pulumi.Input`, so a VM stack's outputs flow straight in. Any other property is an error
 * (`vmId`: did you mean `vmid`); `null` means left out:
 *
 * - omitted or `{}`: the datacenter (cluster) firewall, `cluster.fw`
 * - `{ node }`: one node's host firewall, `nodes/<node>/host.fw`
 * - `{ node, vmid }`: one guest's firewall, `firewall/<vmid>.fw` (`guestType` picks `qemu` or `lxc`)
 * - `{ vnet }`: one SDN VNet's firewall, `sdn/firewall/<vnet>.fw`
 *
 * @example
 * const vm = new proxmoxve.vm.VirtualMachine("web", { nodeName: "pve1", ... });
 * new FirewallRules("web-rules", { scope: { node: vm.nodeName, vmid: vm.vmId }, rules: [...] });
 */
export interface FirewallScopeArgs {
  /**
   * Node name (Proxmox `node`), for node-level and guest-level objects.
   *
   * For guests, Proxmox stores rules, aliases and IPSets per vmid, not per node, so a guest
   * migrating to another node keeps its firewall; changing `node` alone is an in-place update.
   *
   * @default - no node: the object is cluster-wide (or VNet-wide when `vnet` is set)
   */
  readonly node?: pulumi.Input<string>;
  /**
   * Guest ID (Proxmox `vmid`, at least 100). Requires `node`.
   *
   * @default - no guest: the object belongs to the node (or the cluster)
   */
  readonly vmid?: pulumi.Input<number>;
  /**
   * Guest type, which selects the API path (`/nodes/<node>/qemu/<vmid>` or `.../lxc/<vmid>`).
   * Both share the same `<vmid>.fw` file in Proxmox.
   *
   * @default "qemu"
   */
  readonly guestType?: pulumi.Input<"qemu" | "lxc">;
  /**
   * SDN VNet ID (Proxmox `vnet`), for VNet firewall options and forward rules.
   *
   * @default - no VNet
   */
  readonly vnet?: pulumi.Input<string>;
}

/** Options every resource of this package accepts besides its own. */
export interface CommonArgs {
  /**
   * Which Proxmox cluster to talk to: a key of the stack config `proxmox:clusters`
   * (a map of `{ endpoint, apiToken, ... }`, the token as a secret).
   *
   * Changing it replaces the resource (it is then a different cluster's object).
   *
   * @default - the single cluster configured by `proxmox:endpoint`/`proxmox:apiToken` or the
   * `PROXMOX_VE_*` environment variables
   */
  readonly cluster?: pulumi.Input<string>;
  /**
   * Take over the object if it already exists, instead of refusing to create it.
   *
   * Without it (the default), creating the resource fails before any write when its target
   * already exists: an alias, IPSet or security group of that name, a scope's rule list that is not
   * empty, or options of which any is set. The error lists what exists, and `preview` shows the
   * same failure. With `adopt: true` the create takes the object over: when it already equals the
   * declaration nothing is written; otherwise it is reconciled like an update, with the same
   * minimal, order-safe writes, and the provider first reports every change it will make (each rule
   * it will remove, with its content) as a message of `preview` and `up`.
   *
   * Only the create reads it: changing it later changes nothing. A create interrupted part-way
   * (`kill -9`, a lost connection) is finished by the next `up` without `adopt`, because the
   * half-made object carries this resource's ownership mark; see the README ("Adoption and crash
   * recovery") for the one window no provider can close.
   *
   * @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
  /**
   * Let this resource's writes skip the lockout guard.
   *
   * Without it (the default), a write that can change whether the operators reach the nodes
   * (cluster and node options and rule lists, security groups, cluster aliases and IPSets) is first
   * simulated against the live firewall: when a new connection from a management source (stack
   * config `proxmox:managementSources`, `PROXMOX_VE_MANAGEMENT_SOURCES`, else the address the
   * provider connects from) to a node's address on tcp/8006 or tcp/22 would be dropped afterwards
   * but gets through now, the write is refused before anything is sent, and `preview` fails the
   * same way. The error names the source, node, port and the rule or policy that drops it. With
   * `allowLockout: true` the check is skipped for this resource (the provider says so in its
   * output): use it only when you can reach the nodes another way, such as a console.
   *
   * It does not skip the two-step safe enable of the cluster firewall. Changing it alone changes
   * nothing on the server. Guest and VNet objects are never checked: they do not filter a node's
   * own address.
   *
   * @default false
   */
  readonly allowLockout?: pulumi.Input<boolean>;
}
