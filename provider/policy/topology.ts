/**
 * The topology file the simulator reads (the emulator's `--topology` format, extended): nodes as
 * names or as `{ name, ip, network, rings, iface }`, guests with their NIC config lines, and an
 * optional corosync transport. Old files, where nodes are plain names, stay valid.
 *
 * The emulator reads the same format with its own code (`emulator/topology.ts`); the defaults
 * below are the same on both sides, which a test checks.
 *
 * @module
 */
import { z } from "zod";
import { cleanCidr, parseCidr, parseIp } from "../model/ip";
import type { PolicyGuest, PolicyNic, PolicyNode, PolicyTopology } from "./types";

const address = z.string().refine((s) => parseIp(s) !== undefined, { error: "must be an IPv4 or IPv6 address" });
const cidr = z
  .string()
  .refine((s) => parseCidr(s)?.prefix !== undefined, { error: "must be a CIDR such as 192.0.2.0/24" });

/** A node: a bare name (old files) or an object with its addresses. */
const topologyNodeSchema = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1),
    ip: address.optional(),
    network: cidr.optional(),
    rings: z.array(address).optional(),
    iface: z.string().min(1).optional(),
  }),
]);

const topologyGuestSchema = z.object({
  vmid: z.number().int().min(100),
  type: z.enum(["qemu", "lxc"]),
  node: z.string().min(1),
  name: z.string().optional(),
  nics: z.record(z.string(), z.string()).optional(),
});

/** The topology file: `{ nodes, guests, vnets, corosync }`, every key optional. */
export const topologyFileSchema = z.object({
  nodes: z.array(topologyNodeSchema).min(1).optional(),
  guests: z.array(topologyGuestSchema).optional(),
  vnets: z.array(z.object({ vnet: z.string(), zone: z.string() })).optional(),
  corosync: z.strictObject({ transport: z.enum(["knet", "udp", "udpu"]).optional() }).optional(),
});
/** A topology file as written (before defaults). */
export type TopologyFile = z.input<typeof topologyFileSchema>;

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
  const parsed = topologyFileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`topology ${issue.path.join(".") || "file"}: ${issue.message}`);
  }
  const file = parsed.data;
  const nodes: PolicyNode[] = (file.nodes ?? ["pve1"]).map((n, i) => {
    const o = typeof n === "string" ? { name: n } : n;
    const ip = o.ip ?? defaultNodeIp(i);
    return {
      name: o.name,
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
