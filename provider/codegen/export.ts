/**
 * `pve-firewall export`'s writer: a {@link FwSnapshot} as `.fw` files laid out like `/etc/pve`, plus
 * `topology.json` (nodes, guests and VNets, in the emulator's `--topology` format), so that
 * `pve-firewall emulator --data DIR --topology DIR/topology.json` answers exactly as the source did
 * and `pve-firewall import --from DIR` knows where each guest lives. Pure.
 *
 * @module
 */
import { printFwExact } from "../fw/print-exact";
import type { TopologyFile, TopologyNodeDetails } from "../model/topology";
import { type FwSnapshot, isEmptyConfig, snapshotFiles, sortSnapshot } from "./snapshot";

/**
 * The topology file of an export (`model/topology.ts`'s format, which the emulator's `--topology`,
 * `simulate`, `lint` and `import --from` read): every list present.
 */
export type TopologyJson = Required<Pick<TopologyFile, "nodes" | "guests" | "vnets">>;

/** What a topology file may say of a node besides its name, in the order an export writes it. */
const NODE_DETAILS = ["ip", "network", "rings", "iface"] as const satisfies readonly (keyof TopologyNodeDetails)[];

/** Name of the topology file at the root of an export. */
export const TOPOLOGY_FILE = "topology.json";

/**
 * The topology of a snapshot: every node, guest and VNet it holds (with or without a firewall
 * file). A node is an object with everything the reader learnt of it (`{ name, ip, network, rings,
 * iface }`, each when known), or its bare name when nothing is known.
 */
export function topologyOf(snapshot: FwSnapshot): TopologyJson {
  const sorted = sortSnapshot(snapshot);
  return {
    nodes: sorted.nodes.map((n) => {
      const details = Object.fromEntries(NODE_DETAILS.flatMap((key) => (n[key] === undefined ? [] : [[key, n[key]]])));
      return Object.keys(details).length === 0 ? n.node : { name: n.node, ...details };
    }),
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
