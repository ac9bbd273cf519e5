/**
 * Reads a {@link FwSnapshot} from a directory laid out like `/etc/pve` (a copy of a cluster's, or a
 * `pve-firewall export`): `firewall/cluster.fw`, `nodes/<node>/host.fw`, `firewall/<vmid>.fw` and
 * `sdn/firewall/<vnet>.fw`, parsed with the shared codec exactly as Proxmox parses them.
 *
 * Where each guest lives (node, qemu or lxc) comes from `topology.json` when the directory has one
 * (an export does), else from the guest configs `nodes/<node>/qemu-server/<vmid>.conf` and
 * `nodes/<node>/lxc/<vmid>.conf`, as in `/etc/pve`.
 *
 * @module
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { TOPOLOGY_FILE, type TopologyJson } from "../codegen/export";
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
import { CLUSTER, type Scope } from "../model/scope";
import { alignLayout, scanLayout } from "../policy/layout";

type Inventory = {
  nodes: string[];
  guests: Omit<GuestFw, "config">[];
  vnets: { vnet: string; zone?: string }[];
};

/**
 * Reads the firewall of `scope` from `dir`. Files Proxmox would not read as written are reported
 * line by line (codec diagnostics, with file and line). With `all`, a guest file whose guest is not
 * in the inventory is reported and skipped (the API would not list it either).
 *
 * @throws Error when `dir` is not a directory, or a file in it cannot be read (a missing file is an
 *   empty config, as in Proxmox)
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
  const warnings: SnapshotWarning[] = [];
  const load = async (target: Scope, cluster?: FwConfig): Promise<{ config: FwConfig; lines?: FwLines }> => {
    const { path, kind } = fwFileFor(target);
    const text = await readText(join(dir, path));
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
  const inventory = scope.kind === "all" ? await inventoryOf(dir, warnings) : inventoryFor(scope);
  const nodes: NodeFw[] = [];
  for (const node of inventory.nodes) nodes.push({ node, ...(await load({ kind: "node", node })) });
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

function inventoryFor(scope: Exclude<SnapshotScope, { kind: "all" }>): Inventory {
  switch (scope.kind) {
    case "cluster":
      return { nodes: [], guests: [], vnets: [] };
    case "node":
      return { nodes: [scope.node], guests: [], vnets: [] };
    case "vm":
      return { nodes: [], guests: [{ node: scope.node, vmid: scope.vmid, guestType: scope.guestType }], vnets: [] };
    case "vnet":
      return { nodes: [], guests: [], vnets: [{ vnet: scope.vnet }] };
  }
}

/** Nodes, guests and VNets: from `topology.json`, else from the directory itself. */
async function inventoryOf(dir: string, warnings: SnapshotWarning[]): Promise<Inventory> {
  const topology = await readText(join(dir, TOPOLOGY_FILE));
  const inventory = topology === undefined ? await scanInventory(dir) : parseTopology(topology);
  const known = new Set(inventory.guests.map((g) => String(g.vmid)));
  for (const name of await list(join(dir, "firewall"))) {
    const vmid = /^(\d+)\.fw$/.exec(name)?.[1];
    if (vmid !== undefined && !known.has(vmid))
      warnings.push({
        file: `firewall/${name}`,
        message: `no guest ${vmid} in ${topology === undefined ? "nodes/*/qemu-server or nodes/*/lxc" : TOPOLOGY_FILE}: skipped (Proxmox keeps the file of a deleted guest)`,
      });
  }
  return inventory;
}

function parseTopology(text: string): Inventory {
  const t = JSON.parse(text) as Partial<TopologyJson>;
  return {
    nodes: [...(t.nodes ?? [])],
    guests: (t.guests ?? []).map((g) => ({
      node: g.node,
      vmid: g.vmid,
      guestType: g.type,
      ...(g.name === undefined ? {} : { name: g.name }),
      ...(g.nics === undefined ? {} : { nics: g.nics }),
    })),
    vnets: (t.vnets ?? []).map((v) => ({ vnet: v.vnet, ...(v.zone ? { zone: v.zone } : {}) })),
  };
}

/** `nodes/*` directories, their `qemu-server/*.conf` and `lxc/*.conf` guests, `sdn/firewall/*.fw` VNets. */
async function scanInventory(dir: string): Promise<Inventory> {
  const nodes = (await list(join(dir, "nodes"))).sort();
  const guests: Inventory["guests"] = [];
  for (const node of nodes) {
    for (const [sub, guestType] of [
      ["qemu-server", "qemu"],
      ["lxc", "lxc"],
    ] as const) {
      for (const name of await list(join(dir, "nodes", node, sub))) {
        const vmid = /^(\d+)\.conf$/.exec(name)?.[1];
        if (vmid === undefined) continue;
        const details = guestConfig((await readText(join(dir, "nodes", node, sub, name))) ?? "", guestType);
        guests.push({ node, vmid: Number(vmid), guestType, ...details });
      }
    }
  }
  const vnets = (await list(join(dir, "sdn", "firewall")))
    .map((name) => /^(.+)\.fw$/.exec(name)?.[1])
    .filter((v): v is string => v !== undefined)
    .map((vnet) => ({ vnet }));
  return { nodes, guests, vnets };
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

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

async function list(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}
