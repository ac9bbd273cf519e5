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
import type { TopologyNodeDetails } from "../model/topology";

/**
 * Where the objects of a config file are (1-based lines), when the file itself was read; the
 * policy engine's `FileLayout` has this shape. Absent for configs read through the API.
 */
export interface FwLines {
  /** Line of each element of `config.rules`, same order. */
  readonly rules: readonly number[];
  /** Lines of each group's rules, by lower-cased group name. */
  readonly groups: Readonly<Record<string, readonly number[]>>;
  /** Lines of each IPSet's entries, by lower-cased name, same order as the entries. */
  readonly ipsetEntries: Readonly<Record<string, readonly number[]>>;
}

/**
 * One node's host firewall (`nodes/<node>/host.fw`), with what the reader learnt of the node
 * (`ip`, `network`, `rings`, `iface`, each when known: from `topology.json`, or from
 * `/cluster/status` and `/nodes/{node}/network`), so that an export's topology keeps it.
 */
export interface NodeFw extends TopologyNodeDetails {
  readonly node: string;
  readonly config: FwConfig;
  readonly lines?: FwLines;
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
  readonly lines?: FwLines;
}

/** One SDN VNet's firewall (`sdn/firewall/<vnet>.fw`). */
export interface VnetFw {
  readonly vnet: string;
  /** The VNet's zone, when known. */
  readonly zone?: string;
  readonly config: FwConfig;
  readonly lines?: FwLines;
}

/** The firewall of a cluster, or of the part of it one `--scope` selects. */
export interface FwSnapshot {
  /** The datacenter file; `undefined` when the scope does not include it. */
  readonly cluster: FwConfig | undefined;
  /** Where the datacenter file's objects are, when the file itself was read. */
  readonly clusterLines?: FwLines;
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
  /**
   * The object the warning is about ({@link ruleSubject}, {@link entrySubject},
   * {@link aliasSubject}), when it is about one: the generator's warning about the same object
   * replaces the reader's (see {@link mergeWarnings}).
   */
  readonly subject?: string;
}

/** The subject of a warning about rule `index` of a scope's list or of a security group. */
export function ruleSubject(scope: Scope, index: number): string {
  return `rule ${scopeId(scope)} ${index}`;
}

/** The subject of a warning about entry `index` of IPSet `set` (its lower-cased name). */
export function entrySubject(set: string, index: number): string {
  return `entry ${set.toLowerCase()} ${index}`;
}

/** The subject of a warning about the alias `name` (any case; `""` for the nameless alias). */
export function aliasSubject(name: string): string {
  return `alias ${name.toLowerCase()}`;
}

/**
 * The readers' warnings and the generator's, one per problem: a generator warning about an object
 * (it says what becomes of it) replaces the readers' warnings about the same object of the same
 * file, and takes their line when it has none.
 */
export function mergeWarnings(
  read: readonly SnapshotWarning[],
  generated: readonly SnapshotWarning[],
): SnapshotWarning[] {
  const key = (w: SnapshotWarning) => `${w.file}\u0000${w.subject}`;
  const lines = new Map<string, number>();
  for (const w of read) if (w.subject !== undefined && w.line !== undefined) lines.set(key(w), w.line);
  const replaced = new Set(generated.filter((w) => w.subject !== undefined).map(key));
  return [
    ...read.filter((w) => w.subject === undefined || !replaced.has(key(w))),
    ...generated.map((w) => {
      const line = w.subject === undefined ? undefined : lines.get(key(w));
      return w.line === undefined && line !== undefined ? { ...w, line } : w;
    }),
  ];
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

/** One file of a snapshot: its `/etc/pve`-relative path, kind, scope, config and (when known) lines. */
export interface SnapshotFile {
  readonly path: string;
  readonly kind: FwFileKind;
  readonly scope: Scope;
  readonly config: FwConfig;
  readonly lines?: FwLines;
}

/** Every file of a snapshot, in a stable order (cluster, nodes, guests, VNets). */
export function snapshotFiles(snapshot: FwSnapshot): SnapshotFile[] {
  const out: SnapshotFile[] = [];
  const lines = (l: FwLines | undefined) => (l === undefined ? {} : { lines: l });
  if (snapshot.cluster)
    out.push({ ...fwFileFor(CLUSTER), scope: CLUSTER, config: snapshot.cluster, ...lines(snapshot.clusterLines) });
  for (const entry of [...snapshot.nodes, ...snapshot.guests, ...snapshot.vnets]) {
    const scope = scopeOf(entry);
    out.push({ ...fwFileFor(scope), scope, config: entry.config, ...lines(entry.lines) });
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
    ...(snapshot.clusterLines === undefined ? {} : { clusterLines: snapshot.clusterLines }),
    nodes: [...snapshot.nodes].sort((a, b) => compare(a.node, b.node)),
    guests: [...snapshot.guests].sort((a, b) => a.vmid - b.vmid),
    vnets: [...snapshot.vnets].sort((a, b) => compare(a.vnet, b.vnet)),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
