/**
 * The cluster's shape as the non-firewall endpoints report it: nodes (with their address, local
 * network and corosync rings), guests (with NICs) and SDN VNets. Firewall endpoints never check
 * it; the security-group rename walks its guest list; `/cluster/status` and
 * `/nodes/{node}/network` report the node addresses.
 *
 * File format (`--topology FILE`), every key optional:
 * `{ "nodes": ["pve1", { "name": "pve2", "ip": "192.0.2.3", "network": "192.0.2.0/24",
 * "rings": ["192.0.2.3", "198.51.100.3"], "iface": "vmbr0" }], "guests": [...], "vnets": [...] }`.
 * A node given as a bare name (older files) gets the defaults below.
 */
import { readFile } from "node:fs/promises";
import { cleanCidr, ipVersionOf, splitIpOrCidr } from "./net";

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

/** A node as a topology file may describe it; every field but `name` has a default. */
export interface TopologyNodeSpec {
  readonly name: string;
  /** The node's address (`/cluster/status` `ip`). @default 192.0.2.<index + 2> */
  readonly ip?: string;
  /** The node's local network, the CIDR of the interface holding `ip`. @default `ip` with /24 (IPv6: /64) */
  readonly network?: string;
  /** Corosync ring (link) addresses, index = ring number. @default [ip] */
  readonly rings?: readonly string[];
  /** The interface (bridge) that holds `ip`. @default "vmbr0" */
  readonly iface?: string;
}

/** A node with every default filled in. */
export interface TopologyNode {
  readonly name: string;
  readonly ip: string;
  readonly network: string;
  readonly rings: readonly string[];
  readonly iface: string;
}

/** What a topology file (or `startEmulator`'s `topology` option) holds. */
export interface TopologyInput {
  readonly nodes?: readonly (string | TopologyNodeSpec)[];
  /**
   * Never set: a {@link Topology} (defaults filled in) is not an input, because its `nodes` are
   * bare names and reading it again would give every node the default addresses.
   */
  readonly nodeDetails?: never;
  readonly guests?: readonly TopologyGuest[];
  readonly vnets?: readonly TopologyVnet[];
  /** Corosync transport; read by the policy simulator, ignored by the emulator. */
  readonly corosync?: { readonly transport?: "knet" | "udp" | "udpu" };
}

/** Nodes, guests and VNets of the emulated cluster. */
export interface Topology {
  /** Node names, in topology order. */
  readonly nodes: readonly string[];
  /** The same nodes with their addresses. */
  readonly nodeDetails: readonly TopologyNode[];
  readonly guests: readonly TopologyGuest[];
  readonly vnets: readonly TopologyVnet[];
}

/** A single node `pve1` and nothing else. */
export const DEFAULT_TOPOLOGY: Topology = normaliseTopology({ nodes: ["pve1"] });

/**
 * Fills in defaults: one node `pve1` when none is given; a node's address `192.0.2.<index + 2>`
 * (TEST-NET-1), its network that address with /24 (/64 for IPv6), its rings `[ip]`, its
 * interface `vmbr0`.
 *
 * @throws Error naming the node and the field when an address or network is not valid
 */
export function normaliseTopology(input: TopologyInput | undefined): Topology {
  const nodeDetails = (input?.nodes ?? ["pve1"]).map((n, i) => nodeOf(n, i));
  return {
    nodes: nodeDetails.map((n) => n.name),
    nodeDetails,
    guests: input?.guests ?? [],
    vnets: input?.vnets ?? [],
  };
}

function nodeOf(spec: string | TopologyNodeSpec, index: number): TopologyNode {
  const o: TopologyNodeSpec = typeof spec === "string" ? { name: spec } : spec;
  if (typeof o.name !== "string" || o.name === "") throw new Error(`topology nodes[${index}]: needs a name`);
  const ip = o.ip ?? `192.0.2.${index + 2}`;
  const parts = splitIpOrCidr(ip);
  if (!parts || parts.len !== undefined) throw new Error(`topology node ${o.name}: ip '${ip}' is not an IP address`);
  const network = o.network ?? cleanCidr(`${ip}/${parts.ip.version === 4 ? 24 : 64}`);
  if (splitIpOrCidr(network)?.len === undefined) {
    throw new Error(`topology node ${o.name}: network '${network}' is not a CIDR such as 192.0.2.0/24`);
  }
  const rings = o.rings ?? [ip];
  for (const r of rings) {
    if (ipVersionOf(r) === undefined || r.includes("/")) {
      throw new Error(`topology node ${o.name}: ring address '${r}' is not an IP address`);
    }
  }
  return { name: o.name, ip, network, rings, iface: o.iface ?? "vmbr0" };
}

/**
 * Reads a topology JSON file (`{ nodes, guests, vnets }`) as written: `startEmulator` fills
 * in the defaults (with {@link normaliseTopology}, which runs here too, so that a bad address
 * fails now).
 *
 * @throws Error naming the file when it is not a JSON object, or the node and field that is wrong
 */
export async function loadTopologyFile(path: string): Promise<TopologyInput> {
  const parsed = JSON.parse(await readFile(path, "utf8")) as TopologyInput;
  if (typeof parsed !== "object" || parsed === null) throw new Error(`topology file '${path}': not a JSON object`);
  normaliseTopology(parsed);
  return parsed;
}
