/**
 * A snapshot of a cluster's firewall: every config file, parsed into the shape Proxmox's parser
 * holds, with the inventory that places each file (which node, which guest type). `import` and
 * `export` read one from the API or from an `/etc/pve`-like directory and turn it into a Pulumi
 * program or into `.fw` files. Pure data and pure functions, no I/O.
 *
 * @module
 */
import { type FwConfig, type FwFileKind, fwFileFor } from "../fw";
import { CLUSTER, parseScopeId, type Scope, scopeId } from "../model/scope";

/** One node's host firewall (`nodes/<node>/host.fw`). */
export interface NodeFw {
  readonly node: string;
  readonly config: FwConfig;
}

/** One guest's firewall (`firewall/<vmid>.fw`) and where the guest lives. */
export interface GuestFw {
  readonly node: string;
  readonly vmid: number;
  readonly guestType: "qemu" | "lxc";
  /** The guest's name (`name` or `hostname` of its config), when known. */
  readonly name?: string;
  /** NIC lines of the guest's config (`net0` = `virtio=…,bridge=vmbr0,firewall=1`), when known. */
  readonly nics?: Readonly<Record<string, string>>;
  readonly config: FwConfig;
}

/** One SDN VNet's firewall (`sdn/firewall/<vnet>.fw`). */
export interface VnetFw {
  readonly vnet: string;
  /** The VNet's zone, when known. */
  readonly zone?: string;
  readonly config: FwConfig;
}

/** The firewall of a cluster, or of the part of it one `--scope` selects. */
export interface FwSnapshot {
  /** The datacenter file; `undefined` when the scope does not include it. */
  readonly cluster: FwConfig | undefined;
  readonly nodes: readonly NodeFw[];
  readonly guests: readonly GuestFw[];
  readonly vnets: readonly VnetFw[];
}

/**
 * Something a reader or the generator could not carry over as it is. `file` is the `/etc/pve`-relative
 * config file; `line` (1-based) is known only when the file itself was read.
 */
export interface SnapshotWarning {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

/** What to read: everything, or one scope (`cluster`, `node/pve1`, `qemu/pve1/100`, `lxc/pve1/101`, `vnet/v1`). */
export type SnapshotScope = { readonly kind: "all" } | Exclude<Scope, { kind: "group" }>;

/**
 * Parses a `--scope` value.
 *
 * @throws Error naming the value and the accepted forms when it is none of them
 */
export function parseSnapshotScope(text: string): SnapshotScope {
  if (text === "all") return { kind: "all" };
  const scope = parseScopeId(text);
  if (!scope || scope.kind === "group")
    throw new Error(
      `--scope: "${text}" is not a scope; expected all, cluster, node/NAME, qemu/NODE/VMID, lxc/NODE/VMID or vnet/NAME`,
    );
  return scope;
}

/** Whether `scope` includes the datacenter file. */
export function includesCluster(scope: SnapshotScope): boolean {
  return scope.kind === "all" || scope.kind === "cluster";
}

/** The `--scope` text of a snapshot scope. */
export function snapshotScopeId(scope: SnapshotScope): string {
  return scope.kind === "all" ? "all" : scopeId(scope);
}

/** The scope of a node, guest or VNet file. */
function scopeOf(entry: NodeFw | GuestFw | VnetFw): Scope {
  if ("vmid" in entry) return { kind: "vm", node: entry.node, vmid: entry.vmid, guestType: entry.guestType };
  if ("vnet" in entry) return { kind: "vnet", vnet: entry.vnet };
  return { kind: "node", node: entry.node };
}

/** Every file of a snapshot with its path, kind and scope, in a stable order (cluster, nodes, guests, VNets). */
export function snapshotFiles(
  snapshot: FwSnapshot,
): { path: string; kind: FwFileKind; scope: Scope; config: FwConfig }[] {
  const out: { path: string; kind: FwFileKind; scope: Scope; config: FwConfig }[] = [];
  if (snapshot.cluster) out.push({ ...fwFileFor(CLUSTER), scope: CLUSTER, config: snapshot.cluster });
  for (const entry of [...snapshot.nodes, ...snapshot.guests, ...snapshot.vnets]) {
    const scope = scopeOf(entry);
    out.push({ ...fwFileFor(scope), scope, config: entry.config });
  }
  return out;
}

/** Whether a config holds nothing (Proxmox has no file for it). */
export function isEmptyConfig(config: FwConfig): boolean {
  return (
    Object.keys(config.options).length === 0 &&
    config.aliases.length === 0 &&
    config.ipsets.length === 0 &&
    config.rules.length === 0 &&
    config.groups.length === 0
  );
}

/** Sorts node, guest and VNet entries by node name, vmid and VNet name, so output never depends on read order. */
export function sortSnapshot(snapshot: FwSnapshot): FwSnapshot {
  return {
    cluster: snapshot.cluster,
    nodes: [...snapshot.nodes].sort((a, b) => compare(a.node, b.node)),
    guests: [...snapshot.guests].sort((a, b) => a.vmid - b.vmid),
    vnets: [...snapshot.vnets].sort((a, b) => compare(a.vnet, b.vnet)),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
