/**
 * The one reader of a data directory laid out like `/etc/pve` (a copy of a cluster's, or a
 * `pve-firewall export`): `firewall/cluster.fw`, `nodes/<node>/host.fw`, `firewall/<vmid>.fw` and
 * `sdn/firewall/<vnet>.fw`. `import` reads it as a {@link FwSnapshot} ({@link readDataDirSnapshot});
 * `simulate` and `lint` read the files' texts ({@link readDataDir}), which also accepts the flat
 * layout of pve-firewall's compile test mode.
 *
 * For a snapshot, where each guest lives (node, qemu or lxc) comes from `topology.json` when the
 * directory has one (an export does), else from the guest configs `nodes/<node>/qemu-server/<vmid>.conf`
 * and `nodes/<node>/lxc/<vmid>.conf`, as in `/etc/pve`.
 *
 * @module
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { TOPOLOGY_FILE } from "../codegen/export";
import {
  aliasSubject,
  entrySubject,
  type FwLines,
  type FwSnapshot,
  type GuestFw,
  includesCluster,
  type NodeFw,
  type SnapshotScope,
  type SnapshotWarning,
  type VnetFw,
} from "../codegen/snapshot";
import { parseFw } from "../fw/parse";
import { fwFileFor } from "../fw/path";
import { emptyFwConfig, type FwConfig, type FwDiagnostic } from "../fw/types";
import { CLUSTER, type Scope, scopeId } from "../model/scope";
import {
  parseTopologyFile,
  type TopologyFileContent,
  type TopologyNodeDetails,
  topologyNodeDetails,
  topologyNodeName,
} from "../model/topology";
import type { ConfigTexts } from "../policy/configs";
import { alignLayout, scanLayout } from "../policy/layout";

/**
 * Reads files and folders below one data directory, by paths relative to it. A missing file or
 * folder reads as absent (no text, no names). `strict` decides what a file or folder that exists but
 * cannot be read is: an error (`import` must not drop lines silently), or absent too (`simulate`
 * and `lint`, which also pass over anything that is not a regular file).
 */
class DataDirReader {
  constructor(
    readonly root: string,
    readonly strict: boolean,
  ) {}

  /** The text of the file at `rel`; `undefined` when it is missing. */
  async text(rel: string): Promise<string | undefined> {
    const path = join(this.root, rel);
    try {
      if (!this.strict && !(await stat(path)).isFile()) return undefined;
      return await readFile(path, "utf8");
    } catch (e) {
      if (this.strict && (e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      return undefined;
    }
  }

  /** The names in the folder `rel`, sorted; none when it is missing. */
  async names(rel: string): Promise<string[]> {
    try {
      return (await readdir(join(this.root, rel))).sort();
    } catch (e) {
      if (this.strict && (e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      return [];
    }
  }

  /** `<vmid>.fw` files of the folder `rel` (`firewall`, or `.` for the flat layout), by vmid. */
  async guestFiles(rel: string): Promise<DataDirFile[]> {
    return this.#matching(rel, /^(\d+)\.fw$/);
  }

  /** `sdn/firewall/<vnet>.fw` files, by VNet. */
  async vnetFiles(): Promise<DataDirFile[]> {
    return this.#matching(join("sdn", "firewall"), /^(.+)\.fw$/);
  }

  /** Files of the folder `rel` whose name matches `name`, keyed by its first group. */
  async #matching(rel: string, name: RegExp): Promise<DataDirFile[]> {
    return (await this.names(rel)).flatMap((file) => {
      const key = name.exec(file)?.[1];
      return key === undefined ? [] : [{ key, path: join(rel, file) }];
    });
  }

  /** The texts and paths of those of `files` that exist, by key. */
  async texts(
    files: readonly DataDirFile[],
  ): Promise<{ texts: Record<string, string>; paths: Record<string, string> }> {
    const texts: Record<string, string> = {};
    const paths: Record<string, string> = {};
    for (const { key, path } of files) {
      const text = await this.text(path);
      if (text !== undefined) {
        texts[key] = text;
        paths[key] = path;
      }
    }
    return { texts, paths };
  }
}

/** A firewall file of a data directory: its key (node, vmid or VNet) and its relative path. */
type DataDirFile = { key: string; path: string };

/** A data directory's firewall files, by role, with their paths. */
export interface DataDir extends ConfigTexts {
  readonly hosts: Readonly<Record<string, string>>;
  readonly guests: Readonly<Record<string, string>>;
  /** `sdn/firewall/<vnet>.fw` texts by VNet (lint reads their lines; the simulator ignores them). */
  readonly vnets: Readonly<Record<string, string>>;
  /** Where each file was found, relative to the directory. */
  readonly paths: {
    readonly cluster?: string;
    readonly hosts: Readonly<Record<string, string>>;
    readonly guests: Readonly<Record<string, string>>;
    readonly vnets: Readonly<Record<string, string>>;
  };
}

/**
 * Reads the firewall files of a data directory for `simulate` and `lint`; missing files (and
 * anything that is not a readable file) are simply absent. The layout is `/etc/pve`'s
 * (`firewall/cluster.fw`, `nodes/<node>/host.fw`, `firewall/<vmid>.fw`, `sdn/firewall/<vnet>.fw`),
 * or flat as pve-firewall's compile test mode reads a directory (`cluster.fw`, `host.fw`,
 * `<vmid>.fw` side by side, no VNets; `host.fw` then belongs to `flatNode`): flat when there is no
 * `firewall/cluster.fw` but a `cluster.fw`.
 */
export async function readDataDir(dir: string, flatNode = "pve1"): Promise<DataDir> {
  const reader = new DataDirReader(dir, false);
  const clusterPath = fwFileFor(CLUSTER).path;
  const flat = (await reader.text(clusterPath)) === undefined && (await reader.text("cluster.fw")) !== undefined;
  const clusterFile = flat ? "cluster.fw" : clusterPath;
  const cluster = await reader.text(clusterFile);
  const nodes = flat ? [] : await reader.names("nodes");
  const hosts = await reader.texts(
    flat
      ? [{ key: flatNode, path: "host.fw" }]
      : nodes.map((node) => ({ key: node, path: fwFileFor({ kind: "node", node }).path })),
  );
  const guests = await reader.texts(await reader.guestFiles(flat ? "." : "firewall"));
  const vnets = await reader.texts(flat ? [] : await reader.vnetFiles());
  return {
    ...(cluster !== undefined ? { cluster } : {}),
    hosts: hosts.texts,
    guests: guests.texts,
    vnets: vnets.texts,
    paths: {
      ...(cluster !== undefined ? { cluster: clusterFile } : {}),
      hosts: hosts.paths,
      guests: guests.paths,
      vnets: vnets.paths,
    },
  };
}

type Inventory = {
  nodes: (TopologyNodeDetails & { node: string })[];
  guests: Omit<GuestFw, "config">[];
  vnets: { vnet: string; zone?: string }[];
  /** Where each kind comes from, for messages: `topology.json`, or the directory's own layout. */
  source: { node: string; guest: string; vnet: string };
};

/**
 * Reads the firewall of `scope` from `dir` for `import`. Files Proxmox would not read as written
 * are reported line by line (codec diagnostics, with file and line). With `all`, a host, guest or
 * VNet file that no node, guest or VNet of the inventory owns is reported and skipped (the API
 * would not list it either); a single scope must be in the inventory.
 *
 * @throws Error when `dir` is not a directory, its `topology.json` is not a topology file, a single
 *   scope names a node, guest or VNet the inventory does not have (or a guest on another node or
 *   of another type), or a file in it cannot be read (a missing file is an empty config, as in Proxmox)
 */
export async function readDataDirSnapshot(
  dir: string,
  scope: SnapshotScope,
): Promise<{ snapshot: FwSnapshot; warnings: SnapshotWarning[] }> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new Error(`--from ${dir}: not a directory; give a copy of /etc/pve or an export`);
  const reader = new DataDirReader(dir, true);
  const warnings: SnapshotWarning[] = [];
  const load = async (target: Scope, cluster?: FwConfig): Promise<{ config: FwConfig; lines?: FwLines }> => {
    const { path, kind } = fwFileFor(target);
    const text = await reader.text(path);
    if (text === undefined) return { config: emptyFwConfig() };
    const parsed = parseFw(text, kind, path, cluster);
    const lines = alignLayout(scanLayout(text, kind), parsed.config);
    for (const d of parsed.diagnostics) {
      const subject = diagnosticSubject(d, lines, parsed.config);
      warnings.push({ file: d.file, line: d.line, message: d.message, ...(subject ? { subject } : {}) });
    }
    return { config: parsed.config, ...(lines ? { lines } : {}) };
  };
  const clusterFile = await load(CLUSTER);
  const known = await inventoryOf(reader);
  const inventory = scope.kind === "all" ? await allOf(known, reader, warnings) : selectScope(known, scope);
  const nodes: NodeFw[] = [];
  for (const { node, ...details } of inventory.nodes)
    nodes.push({ node, ...details, ...(await load({ kind: "node", node })) });
  const guests: GuestFw[] = [];
  for (const g of inventory.guests) {
    const target: Scope = { kind: "vm", node: g.node, vmid: g.vmid, guestType: g.guestType };
    guests.push({ ...g, ...(await load(target, clusterFile.config)) });
  }
  const vnets: VnetFw[] = [];
  for (const v of inventory.vnets) vnets.push({ ...v, ...(await load({ kind: "vnet", vnet: v.vnet })) });
  const withCluster = includesCluster(scope);
  const cluster = withCluster ? clusterFile.config : undefined;
  const clusterLines = withCluster ? clusterFile.lines : undefined;
  // The cluster file's diagnostics belong to the output only when the cluster is part of it.
  const kept = cluster ? warnings : warnings.filter((w) => w.file !== fwFileFor(CLUSTER).path);
  return {
    snapshot: { cluster, ...(clusterLines ? { clusterLines } : {}), nodes, guests, vnets },
    warnings: kept,
  };
}

/**
 * The object a line Proxmox keeps as something else becomes (see `SnapshotWarning.subject`): an
 * IPSet entry with `errors` (found by its line), or else the nameless alias; `undefined` when the
 * lines are unknown, and for a `[...]` line, whose own problem is that it is not a section header
 * (a CRLF file), which the import's warning about the entry it became does not say.
 */
function diagnosticSubject(d: FwDiagnostic, lines: FwLines | undefined, config: FwConfig): string | undefined {
  if (d.effect !== "kept" || !lines || d.text.startsWith("[")) return undefined;
  for (const [set, at] of Object.entries(lines.ipsetEntries)) {
    const index = at.indexOf(d.line);
    if (index >= 0) return entrySubject(set, index);
  }
  return config.aliases.some((a) => a.name === "") ? aliasSubject("") : undefined;
}

/**
 * The part of the inventory one scope selects.
 *
 * @throws Error naming the scope, what the inventory has instead and where it comes from
 */
function selectScope(known: Inventory, scope: Exclude<SnapshotScope, { kind: "all" }>): Inventory {
  const none = { ...known, nodes: [], guests: [], vnets: [] };
  const missing = (what: string, from: string, names: readonly string[]): never => {
    const have = names.length === 0 ? "it lists none" : `it lists ${names.join(", ")}`;
    throw new Error(`--scope ${scopeId(scope)}: no ${what} in ${from} (${have})`);
  };
  switch (scope.kind) {
    case "cluster":
      return none;
    case "node": {
      const node = known.nodes.find((n) => n.node === scope.node);
      if (!node)
        return missing(
          `node ${scope.node}`,
          known.source.node,
          known.nodes.map((n) => n.node),
        );
      return { ...none, nodes: [node] };
    }
    case "vm": {
      const guest = known.guests.find((g) => g.vmid === scope.vmid);
      if (!guest)
        return missing(
          `guest ${scope.vmid}`,
          known.source.guest,
          known.guests.map((g) => String(g.vmid)),
        );
      const where = scopeId({ kind: "vm", node: guest.node, vmid: guest.vmid, guestType: guest.guestType });
      if (where !== scopeId(scope))
        throw new Error(
          `--scope ${scopeId(scope)}: guest ${scope.vmid} is ${where} in ${known.source.guest}; give --scope ${where}`,
        );
      return { ...none, guests: [guest] };
    }
    case "vnet": {
      const vnet = known.vnets.find((v) => v.vnet === scope.vnet);
      if (!vnet)
        return missing(
          `VNet ${scope.vnet}`,
          known.source.vnet,
          known.vnets.map((v) => v.vnet),
        );
      return { ...none, vnets: [vnet] };
    }
  }
}

/**
 * The whole inventory, after reporting each host, guest and VNet file that no node, guest or VNet
 * of it owns: such a file is skipped, never dropped silently.
 */
async function allOf(known: Inventory, reader: DataDirReader, warnings: SnapshotWarning[]): Promise<Inventory> {
  const skipped = (file: string, what: string, from: string, why: string) =>
    warnings.push({ file, message: `no ${what} in ${from}: skipped (${why})` });
  const nodes = new Set(known.nodes.map((n) => n.node));
  for (const node of await reader.names("nodes")) {
    const { path } = fwFileFor({ kind: "node", node });
    if (!nodes.has(node) && (await reader.text(path)) !== undefined)
      skipped(path, `node ${node}`, known.source.node, `add the node to ${TOPOLOGY_FILE} to import its host firewall`);
  }
  const guests = new Set(known.guests.map((g) => String(g.vmid)));
  for (const { key: vmid, path } of await reader.guestFiles("firewall")) {
    if (!guests.has(vmid))
      skipped(path, `guest ${vmid}`, known.source.guest, "Proxmox keeps the file of a deleted guest");
  }
  const vnets = new Set(known.vnets.map((v) => v.vnet));
  for (const { key: vnet, path } of await reader.vnetFiles()) {
    if (!vnets.has(vnet))
      skipped(path, `VNet ${vnet}`, known.source.vnet, `add the VNet to ${TOPOLOGY_FILE} to import its firewall`);
  }
  return known;
}

/** Nodes, guests and VNets: from `topology.json`, else from the directory itself. */
async function inventoryOf(reader: DataDirReader): Promise<Inventory> {
  const topology = await reader.text(TOPOLOGY_FILE);
  return topology === undefined ? scanInventory(reader) : parseTopology(topology, join(reader.root, TOPOLOGY_FILE));
}

/**
 * The inventory a `topology.json` gives (nodes as names or as objects, see `model/topology.ts`;
 * without `nodes`, one node `pve1`, as every reader of the file assumes).
 *
 * @throws Error naming the file and the first field that is wrong
 */
function parseTopology(text: string, path: string): Inventory {
  let t: TopologyFileContent;
  try {
    t = parseTopologyFile(JSON.parse(text));
  } catch (err) {
    throw new Error(`topology file '${path}': ${(err as Error).message}`);
  }
  return {
    nodes: (t.nodes ?? ["pve1"]).map((n) => ({ node: topologyNodeName(n), ...topologyNodeDetails(n) })),
    guests: (t.guests ?? []).map((g) => ({
      node: g.node,
      vmid: g.vmid,
      guestType: g.type,
      ...(g.name === undefined ? {} : { name: g.name }),
      ...(g.nics === undefined ? {} : { nics: g.nics }),
    })),
    vnets: (t.vnets ?? []).map((v) => ({ vnet: v.vnet, ...(v.zone ? { zone: v.zone } : {}) })),
    source: { node: TOPOLOGY_FILE, guest: TOPOLOGY_FILE, vnet: TOPOLOGY_FILE },
  };
}

/** `nodes/*` directories, their `qemu-server/*.conf` and `lxc/*.conf` guests, `sdn/firewall/*.fw` VNets. */
async function scanInventory(reader: DataDirReader): Promise<Inventory> {
  const nodes = await reader.names("nodes");
  const guests: Inventory["guests"] = [];
  for (const node of nodes) {
    for (const [sub, guestType] of [
      ["qemu-server", "qemu"],
      ["lxc", "lxc"],
    ] as const) {
      for (const name of await reader.names(join("nodes", node, sub))) {
        const vmid = /^(\d+)\.conf$/.exec(name)?.[1];
        if (vmid === undefined) continue;
        const details = guestConfig((await reader.text(join("nodes", node, sub, name))) ?? "", guestType);
        guests.push({ node, vmid: Number(vmid), guestType, ...details });
      }
    }
  }
  const vnets = (await reader.vnetFiles()).map(({ key }) => ({ vnet: key }));
  return {
    nodes: nodes.map((node) => ({ node })),
    guests,
    vnets,
    source: { node: "nodes/*", guest: "nodes/*/qemu-server or nodes/*/lxc", vnet: "sdn/firewall" },
  };
}

/** Name and NIC lines of a guest config, up to its first snapshot section. */
function guestConfig(text: string, guestType: "qemu" | "lxc"): { name?: string; nics?: Record<string, string> } {
  const nics: Record<string, string> = {};
  let name: string | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("[")) break;
    const m = /^([a-z0-9_]+):\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    if (m[1] === (guestType === "lxc" ? "hostname" : "name")) name = m[2];
    else if (/^net\d+$/.test(m[1]!)) nics[m[1]!] = m[2]!;
  }
  return { ...(name === undefined ? {} : { name }), ...(Object.keys(nics).length > 0 ? { nics } : {}) };
}
