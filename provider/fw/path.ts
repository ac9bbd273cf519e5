import type { Scope } from "../model/scope";
import type { FwFileKind } from "./types";

/**
 * Where a scope's objects are stored: the config file's path relative to `/etc/pve` and the kind
 * of file it is. A security group lives in the cluster file; qemu and lxc guests share one file.
 *
 * @example fwFileFor({ kind: "node", node: "pve1" }) // { path: "nodes/pve1/host.fw", kind: "host" }
 */
export function fwFileFor(scope: Scope): { path: string; kind: FwFileKind } {
  switch (scope.kind) {
    case "cluster":
    case "group":
      return { path: "firewall/cluster.fw", kind: "cluster" };
    case "node":
      return { path: `nodes/${scope.node}/host.fw`, kind: "host" };
    case "vm":
      return { path: `firewall/${scope.vmid}.fw`, kind: "guest" };
    case "vnet":
      return { path: `sdn/firewall/${scope.vnet}.fw`, kind: "vnet" };
  }
}
