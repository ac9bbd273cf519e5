/**
 * The cluster's shape as the non-firewall endpoints report it: nodes, guests (with NICs) and SDN
 * VNets. Firewall endpoints never check it; the security-group rename walks its guest list.
 */
import { readFile } from "node:fs/promises";

/** One guest of the topology. */
export interface TopologyGuest {
  readonly vmid: number;
  readonly type: "qemu" | "lxc";
  readonly node: string;
  readonly name?: string;
  /** NIC config lines by key, e.g. `{ net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1" }`. */
  readonly nics?: Readonly<Record<string, string>>;
}

/** One SDN VNet. */
export interface TopologyVnet {
  readonly vnet: string;
  readonly zone: string;
}

/** Nodes, guests and VNets of the emulated cluster. */
export interface Topology {
  readonly nodes: readonly string[];
  readonly guests: readonly TopologyGuest[];
  readonly vnets: readonly TopologyVnet[];
}

/** A single node `pve1` and nothing else. */
export const DEFAULT_TOPOLOGY: Topology = { nodes: ["pve1"], guests: [], vnets: [] };

/** Fills missing lists of a partial topology with defaults. */
export function normaliseTopology(input: Partial<Topology> | undefined): Topology {
  return {
    nodes: input?.nodes ?? DEFAULT_TOPOLOGY.nodes,
    guests: input?.guests ?? [],
    vnets: input?.vnets ?? [],
  };
}

/** Reads a topology JSON file (`{ nodes, guests, vnets }`). */
export async function loadTopologyFile(path: string): Promise<Topology> {
  const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<Topology>;
  if (typeof parsed !== "object" || parsed === null) throw new Error(`topology file '${path}': not a JSON object`);
  return normaliseTopology(parsed);
}
