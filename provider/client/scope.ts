import { InputError } from "../errors";
import { type Scope, type ScopeKind, scopeId } from "../model/scope";
import { pathSegment } from "./encode";

/**
 * API path of a scope's firewall: `/cluster/firewall`, `/nodes/pve1/firewall`,
 * `/nodes/pve1/qemu/100/firewall`, `/nodes/pve1/lxc/101/firewall`, `/cluster/sdn/vnets/v1/firewall`;
 * for a security group, its rule list `/cluster/firewall/groups/<name>`.
 */
export function firewallPath(scope: Scope): string {
  switch (scope.kind) {
    case "cluster":
      return "/cluster/firewall";
    case "node":
      return `/nodes/${pathSegment(scope.node)}/firewall`;
    case "vm":
      return `/nodes/${pathSegment(scope.node)}/${scope.guestType}/${scope.vmid}/firewall`;
    case "vnet":
      return `/cluster/sdn/vnets/${pathSegment(scope.vnet)}/firewall`;
    case "group":
      return `/cluster/firewall/groups/${pathSegment(scope.group)}`;
  }
}

/** Path of a scope's rule list (a group's rules live directly under the group). */
export function rulesPath(scope: Scope): string {
  return scope.kind === "group" ? firewallPath(scope) : `${firewallPath(scope)}/rules`;
}

/**
 * Fails with an `InputError` when `scope` cannot hold `what` (e.g. IPSets exist only at cluster
 * and guest scope), before a request to a path Proxmox does not have.
 */
export function assertScopeKind(scope: Scope, allowed: readonly ScopeKind[], what: string): void {
  if (!allowed.includes(scope.kind))
    throw new InputError("scope", `${what} exist only at ${allowed.join(" and ")} scope, not at ${scopeId(scope)}`);
}
