/**
 * `pve-firewall export`'s writer: a {@link FwSnapshot} as `.fw` files laid out like `/etc/pve`, plus
 * `topology.json` (nodes, guests and VNets, in the emulator's `--topology` format), so that
 * `pve-firewall emulator --data DIR --topology DIR/topology.json` answers exactly as the source did
 * and `pve-firewall import --from DIR` knows where each guest lives. Pure.
 *
 * @module
 */
import { printFwExact } from "../fw/print-exact";
import { type FwSnapshot, isEmptyConfig, snapshotFiles, sortSnapshot } from "./snapshot";

/** The emulator's topology file (see `emulator/topology.ts`). */
export interface TopologyJson {
  readonly nodes: readonly string[];
  readonly guests: readonly {
    vmid: number;
    type: "qemu" | "lxc";
    node: string;
    name?: string;
    nics?: Readonly<Record<string, string>>;
  }[];
  readonly vnets: readonly { vnet: string; zone: string }[];
}

/** Name of the topology file at the root of an export. */
export const TOPOLOGY_FILE = "topology.json";

/** The topology of a snapshot: every node, guest and VNet it holds (with or without a firewall file). */
export function topologyOf(snapshot: FwSnapshot): TopologyJson {
  const sorted = sortSnapshot(snapshot);
  return {
    nodes: sorted.nodes.map((n) => n.node),
    guests: sorted.guests.map((g) => ({
      vmid: g.vmid,
      type: g.guestType,
      node: g.node,
      ...(g.name === undefined ? {} : { name: g.name }),
      ...(g.nics === undefined ? {} : { nics: g.nics }),
    })),
    vnets: sorted.vnets.map((v) => ({ vnet: v.vnet, zone: v.zone ?? "" })),
  };
}

/**
 * The files of an export: each non-empty config as `.fw` text that reads back as the same config
 * (`printFwExact`: entries in their order, duplicates and unparseable lines kept), by its
 * `/etc/pve`-relative path, and `topology.json`.
 */
export function exportFiles(snapshot: FwSnapshot): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of snapshotFiles(sortSnapshot(snapshot))) {
    if (!isEmptyConfig(file.config)) files.set(file.path, printFwExact(file.config, file.kind));
  }
  files.set(TOPOLOGY_FILE, `${JSON.stringify(topologyOf(snapshot), null, 2)}\n`);
  return files;
}
