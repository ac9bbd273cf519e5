/**
 * The topology file (`topology.json`): the cluster's nodes, guests and VNets, in the emulator's
 * `--topology` format. One schema for every reader on the provider side: `simulate` and `lint`
 * (`--topology FILE`, see `policy/topology.ts` for the defaults they fill in), `import --from DIR`
 * (where each guest lives) and `export` (which writes it). The emulator reads the same format with
 * its own code (`emulator/topology.ts`).
 *
 * A node is a bare name (older files) or an object with its addresses; both forms name the node
 * the same way ({@link topologyNodeName}).
 *
 * @module
 */
import { z } from "zod";
import { parseCidr, parseIp } from "./ip";

const address = z.string().refine((s) => parseIp(s) !== undefined, { error: "must be an IPv4 or IPv6 address" });
const cidr = z
  .string()
  .refine((s) => parseCidr(s)?.prefix !== undefined, { error: "must be a CIDR such as 192.0.2.0/24" });

/**
 * A node given as an object: its name and, each optional, the address it is known by
 * (`/cluster/status` `ip`), its local network (the CIDR of the interface holding `ip`), its
 * corosync ring addresses by ring number, and the interface holding `ip`.
 */
export const topologyNodeObjectSchema = z.strictObject({
  name: z.string().min(1),
  ip: address.optional(),
  network: cidr.optional(),
  rings: z.array(address).optional(),
  iface: z.string().min(1).optional(),
});
/** A node object as written: `{ name, ip?, network?, rings?, iface? }`. */
export type TopologyNodeObject = z.output<typeof topologyNodeObjectSchema>;
/** What a node object says besides the name; every field optional. */
export type TopologyNodeDetails = Omit<TopologyNodeObject, "name">;

/** A node: a bare name (older files) or an object with its addresses. */
export const topologyNodeSchema = z.union([z.string().min(1), topologyNodeObjectSchema]);
/** One element of a topology file's `nodes`. */
export type TopologyNodeEntry = z.output<typeof topologyNodeSchema>;

/** A guest: where it lives and, when known, its name and NIC config lines (`net0` = `virtio=…,bridge=vmbr0,firewall=1`). */
export const topologyGuestSchema = z.object({
  vmid: z.number().int().min(100),
  type: z.enum(["qemu", "lxc"]),
  node: z.string().min(1),
  name: z.string().optional(),
  nics: z.record(z.string(), z.string()).optional(),
});

/** The topology file: `{ nodes, guests, vnets, corosync }`, every key optional. */
export const topologyFileSchema = z.object({
  nodes: z.array(topologyNodeSchema).optional(),
  guests: z.array(topologyGuestSchema).optional(),
  vnets: z.array(z.object({ vnet: z.string(), zone: z.string() })).optional(),
  corosync: z.strictObject({ transport: z.enum(["knet", "udp", "udpu"]).optional() }).optional(),
});
/** A topology file as written (before defaults). */
export type TopologyFile = z.input<typeof topologyFileSchema>;
/** A topology file as read. */
export type TopologyFileContent = z.output<typeof topologyFileSchema>;

/** The name of a topology node, whichever form it is written in. */
export function topologyNodeName(node: TopologyNodeEntry): string {
  return typeof node === "string" ? node : node.name;
}

/** What a topology node says besides its name: nothing for a bare name. */
export function topologyNodeDetails(node: TopologyNodeEntry): TopologyNodeDetails {
  if (typeof node === "string") return {};
  const { name: _name, ...details } = node;
  return details;
}

/**
 * Checks a topology (already parsed from JSON) against {@link topologyFileSchema}.
 *
 * @throws Error `topology <field>: <problem>` naming the first field that is wrong (`topology
 *   nodes.0.ip: must be an IPv4 or IPv6 address`), or `topology file: ...` when it is not an object
 */
export function parseTopologyFile(input: unknown): TopologyFileContent {
  const parsed = topologyFileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`topology ${issue.path.join(".") || "file"}: ${issue.message}`);
  }
  return parsed.data;
}
