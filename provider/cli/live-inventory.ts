/**
 * Where things are in a live cluster, for the readers of `live.ts`: its nodes (`GET /nodes`, and
 * their addresses from `/cluster/status` and `/nodes/{node}/network`), each node's guests
 * (`GET /nodes/{node}/qemu`, `.../lxc`, and their configs' names and NIC lines) and its VNets
 * (`GET /cluster/sdn/vnets`). A single `--scope` must name something the cluster has.
 *
 * @module
 */
import type { FirewallApi } from "../client/firewall";
import { type SnapshotScope, snapshotScopeId } from "../codegen/snapshot";
import { cleanCidr, parseCidr } from "../model/ip";
import { scopeId } from "../model/scope";
import type { TopologyNodeDetails } from "../model/topology";

/** A guest of the cluster: where it lives, its type and (when listed) its name. */
export type GuestRef = { node: string; vmid: number; guestType: "qemu" | "lxc"; name?: string };

/** The nodes, guests and VNets a live read covers. */
export interface LiveInventory {
  readonly nodes: readonly (TopologyNodeDetails & { node: string })[];
  readonly guests: readonly GuestRef[];
  readonly vnets: readonly { vnet: string; zone?: string }[];
}

/**
 * The nodes, guests and VNets of `scope`: `all` lists every one; a single scope is checked against
 * the cluster's lists. With `addresses`, each node also gets its `ip`, `network` and `iface`
 * ({@link addressedNodes}), for an export's topology.
 *
 * @throws Error naming the scope when the cluster has no such node, guest or VNet, or the guest
 *   lives on another node or is of the other type (the scope it has instead is named); the
 *   client's errors when a read fails
 */
export async function liveInventory(
  api: FirewallApi,
  scope: SnapshotScope,
  addresses: boolean,
): Promise<LiveInventory> {
  const inventory = await scopeInventory(api, scope);
  if (!addresses || inventory.nodes.length === 0) return inventory;
  const wanted = new Set(inventory.nodes.map((n) => n.node));
  const known = new Map((await addressedNodes(api, wanted)).map(({ name, ...details }) => [name, details]));
  return { ...inventory, nodes: inventory.nodes.map((n) => ({ ...n, ...known.get(n.node) })) };
}

async function scopeInventory(api: FirewallApi, scope: SnapshotScope): Promise<LiveInventory> {
  const none: LiveInventory = { nodes: [], guests: [], vnets: [] };
  const missing = (what: string, listed: string, names: readonly string[]): never => {
    const have = names.length === 0 ? "none" : names.join(", ");
    throw new Error(`--scope ${snapshotScopeId(scope)}: no ${what} in the cluster (${listed} lists ${have})`);
  };
  switch (scope.kind) {
    case "cluster":
      return none;
    case "node": {
      const nodes = (await api.listNodes()).map((n) => n.node);
      if (!nodes.includes(scope.node)) return missing(`node ${scope.node}`, "GET /nodes", nodes);
      return { ...none, nodes: [{ node: scope.node }] };
    }
    case "vm": {
      const nodes = (await api.listNodes()).map((n) => n.node);
      const here = nodes.includes(scope.node)
        ? (await api.listGuests(scope.node, scope.guestType)).find((g) => g.vmid === scope.vmid)
        : undefined;
      if (here) {
        const name = here.name === undefined ? {} : { name: here.name };
        return { ...none, guests: [{ node: scope.node, vmid: scope.vmid, guestType: scope.guestType, ...name }] };
      }
      const elsewhere = (await listGuests(api, nodes)).find((g) => g.vmid === scope.vmid);
      if (!elsewhere)
        return missing(`guest ${scope.vmid}`, `GET /nodes/{node}/qemu and lxc of ${nodes.join(", ")}`, []);
      const where = scopeId({ kind: "vm", ...elsewhere });
      throw new Error(
        `--scope ${snapshotScopeId(scope)}: guest ${scope.vmid} is ${where} in the cluster; give --scope ${where}`,
      );
    }
    case "vnet": {
      const vnets = await api.listVnets();
      const vnet = vnets.find((v) => v.vnet === scope.vnet);
      if (!vnet)
        return missing(
          `VNet ${scope.vnet}`,
          "GET /cluster/sdn/vnets",
          vnets.map((v) => v.vnet),
        );
      return { ...none, vnets: [{ vnet: scope.vnet, ...(vnet.zone === undefined ? {} : { zone: vnet.zone }) }] };
    }
    case "all": {
      const nodes = (await api.listNodes()).map((n) => n.node);
      const guests = await listGuests(api, nodes);
      const vnets = (await api.listVnets()).map((v) => ({ vnet: v.vnet, ...(v.zone ? { zone: v.zone } : {}) }));
      return { nodes: nodes.map((node) => ({ node })), guests, vnets };
    }
  }
}

/** The qemu and lxc guests of `nodes` (`GET /nodes/{node}/qemu`, `.../lxc`), node by node, qemu first. */
export async function listGuests(api: FirewallApi, nodes: readonly string[]): Promise<GuestRef[]> {
  const perNode = await Promise.all(
    nodes.flatMap((node) =>
      (["qemu", "lxc"] as const).map(async (guestType) =>
        (await api.listGuests(node, guestType)).map((g) => ({
          node,
          vmid: g.vmid,
          guestType,
          ...(g.name === undefined ? {} : { name: g.name }),
        })),
      ),
    ),
  );
  return perNode.flat();
}

/** A guest's name (`name`, or `hostname` for a container) and NIC lines, from its config. */
export async function guestDetails(
  api: FirewallApi,
  g: GuestRef,
): Promise<{ name?: string; nics?: Record<string, string> }> {
  const config = await api.getGuestConfig(g.node, g.guestType, g.vmid);
  const nics: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) if (/^net\d+$/.test(key)) nics[key] = String(value);
  const name = config[g.guestType === "lxc" ? "hostname" : "name"];
  return { ...(name === undefined ? {} : { name: String(name) }), ...(Object.keys(nics).length > 0 ? { nics } : {}) };
}

/**
 * The nodes `/cluster/status` gives an address (those of `only`, when given), each with the
 * network and interface of the address from `/nodes/{node}/network` (the first interface whose
 * `cidr`, else `cidr6`, holds it).
 */
export async function addressedNodes(
  api: FirewallApi,
  only?: ReadonlySet<string>,
): Promise<{ name: string; ip: string; network?: string; iface?: string }[]> {
  const status = await api.getClusterStatus();
  return Promise.all(
    status
      .filter((e) => e.type === "node" && e.name !== undefined && e.ip !== undefined)
      .filter((e) => only === undefined || only.has(e.name!))
      .map(async (e) => {
        const ifaces = await api.listNodeNetwork(e.name!);
        const ip = parseCidr(e.ip!);
        const holder = ifaces.find((i) => {
          const c = parseCidr(i.cidr ?? i.cidr6 ?? "");
          return c?.prefix !== undefined && ip && c.version === ip.version && sameNet(c, ip, c.prefix);
        });
        const cidr = holder ? parseCidr(holder.cidr ?? holder.cidr6 ?? "") : undefined;
        return {
          name: e.name!,
          ip: e.ip!,
          ...(cidr?.prefix !== undefined ? { network: cleanCidr({ ...cidr, prefix: cidr.prefix }) } : {}),
          ...(holder ? { iface: holder.iface } : {}),
        };
      }),
  );
}

function sameNet(a: { value: bigint; version: 4 | 6 }, b: { value: bigint }, prefix: number): boolean {
  const bits = BigInt((a.version === 4 ? 32 : 128) - prefix);
  return a.value >> bits === b.value >> bits;
}
