/**
 * The simulator's facts from a topology file (the emulator's `--topology` format, extended, whose
 * schema is `model/topology.ts`): nodes as names or as `{ name, ip, network, rings, iface }`,
 * guests with their NIC config lines, and an optional corosync transport. Old files, where nodes
 * are plain names, stay valid.
 *
 * The emulator reads the same format with its own code (`emulator/topology.ts`); the defaults
 * below are the same on both sides, which a test checks.
 *
 * @module
 */
import { cleanCidr, parseCidr, parseIp } from "../model/ip";
import { parseTopologyFile, topologyNodeDetails, topologyNodeName } from "../model/topology";
import type { PolicyGuest, PolicyNic, PolicyNode, PolicyTopology } from "./types";

export type { TopologyFile } from "../model/topology";

/**
 * The address a node gets when the topology names it without one: `192.0.2.<index + 2>`
 * (TEST-NET-1, so `pve1`, the first node, is 192.0.2.2).
 */
export function defaultNodeIp(index: number): string {
  return `192.0.2.${index + 2}`;
}

/** The local network a node gets by default: its address with a /24 (IPv4) or /64 (IPv6) prefix. */
export function defaultNetwork(ip: string): string {
  const parsed = parseCidr(ip)!;
  return cleanCidr({ ...parsed, prefix: parsed.version === 4 ? 24 : 64 });
}

/**
 * Reads a topology (already parsed from JSON) into the simulator's facts.
 *
 * Defaults: a node's `ip` is {@link defaultNodeIp}, its `network` {@link defaultNetwork}, its
 * `rings` `[ip]`, its `iface` `vmbr0`; corosync exists when there are two or more nodes or a
 * `corosync` key (transport `knet`, Proxmox's default, unless given).
 *
 * @throws Error naming the field, the problem and the expected form
 */
export function readTopology(input: unknown): PolicyTopology {
  const file = parseTopologyFile(input);
  if (file.nodes?.length === 0) throw new Error("topology nodes: give at least one node, or leave nodes out for pve1");
  const nodes: PolicyNode[] = (file.nodes ?? ["pve1"]).map((n, i) => {
    const o = topologyNodeDetails(n);
    const ip = o.ip ?? defaultNodeIp(i);
    return {
      name: topologyNodeName(n),
      ip,
      network: o.network ?? defaultNetwork(ip),
      rings: o.rings ?? [ip],
      iface: o.iface ?? "vmbr0",
    };
  });
  const guests: PolicyGuest[] = (file.guests ?? []).map((g) => ({
    vmid: g.vmid,
    type: g.type,
    node: g.node,
    nics: Object.entries(g.nics ?? {})
      .filter(([key]) => /^net\d+$/.test(key))
      .map(([key, line]) => parseNic(key, line, g.type)),
  }));
  const corosync =
    file.corosync !== undefined || nodes.length > 1 ? { transport: file.corosync?.transport ?? "knet" } : undefined;
  return corosync ? { nodes, guests, corosync } : { nodes, guests };
}

const QEMU_MODELS = new Set([
  "virtio",
  "e1000",
  "e1000e",
  "rtl8139",
  "vmxnet3",
  "ne2k_pci",
  "pcnet",
  "i82551",
  "i82557b",
  "i82559er",
  "ne2k_isa",
  "e1000-82540em",
  "e1000-82544gc",
  "e1000-82545em",
]);
const TRUE = new Set(["1", "on", "yes", "true"]);

/**
 * Parses a NIC config line as QemuServer `parse_net` / LXC `parse_lxc_network` do for the keys
 * the firewall uses: `bridge`, `firewall`, the MAC (`<model>=MAC` or `macaddr=` for VMs,
 * `hwaddr=` for containers) and, for containers, static `ip=`/`ip6=` (prefix removed).
 */
export function parseNic(id: string, line: string, type: "qemu" | "lxc"): PolicyNic {
  const kv = new Map<string, string>();
  for (const part of line.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) kv.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  let mac = type === "lxc" ? kv.get("hwaddr") : kv.get("macaddr");
  if (type === "qemu" && mac === undefined) {
    for (const [k, v] of kv) if (QEMU_MODELS.has(k)) mac = v;
  }
  const staticIp = (key: string, version: 4 | 6): string | undefined => {
    const value = kv.get(key);
    if (type !== "lxc" || value === undefined) return undefined;
    const addr = value.split("/")[0]!;
    return parseIp(addr)?.version === version ? addr : undefined;
  };
  const ip = staticIp("ip", 4);
  const ip6 = staticIp("ip6", 6);
  return {
    id,
    bridge: kv.get("bridge") ?? "",
    firewall: TRUE.has((kv.get("firewall") ?? "0").toLowerCase()),
    ...(mac ? { mac } : {}),
    ...(ip ? { ip } : {}),
    ...(ip6 ? { ip6 } : {}),
  };
}
