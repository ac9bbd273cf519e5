/**
 * pulumi-proxmox-firewall: the whole Proxmox VE firewall as Pulumi resources.
 *
 * Credentials come from stack config (`proxmox:endpoint`, `proxmox:apiToken` as a secret, ...) or
 * the `PROXMOX_VE_*` environment variables; they never enter resource inputs, outputs or state.
 *
 * Loading it on an unsupported Node.js throws the one-line "needs Node.js >= 22.19" error.
 */
import "../provider/require-node";

export { Alias, type AliasArgs } from "./alias";
export { ClusterFirewallOptions, type ClusterFirewallOptionsArgs } from "./cluster-options";
export { FirewallRules, type FirewallRulesArgs } from "./firewall-rules";
export { GuestFirewallOptions, type GuestFirewallOptionsArgs } from "./guest-options";
export { IpSet, type IpSetArgs, type IpSetEntryArgs } from "./ipset";
export { NodeFirewallOptions, type NodeFirewallOptionsArgs } from "./node-options";
export type { ConntrackHelper, Policy } from "./options";
export type { LogLevel, RuleArgs } from "./rule";
export type { CommonArgs, FirewallScopeArgs } from "./scope";
export { SecurityGroup, type SecurityGroupArgs } from "./security-group";
export { VnetFirewallOptions, type VnetFirewallOptionsArgs } from "./vnet-options";
