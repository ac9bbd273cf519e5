import { z } from "zod";
import { pathSegment } from "./encode";
import type { PveHttpClient } from "./http";

const num = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** `GET /version`. */
export const versionSchema = z.looseObject({
  version: z.string(),
  release: z.string().optional(),
  repoid: z.string().optional(),
});
/** Output of {@link InventoryApi.getVersion}. */
export type PveVersion = z.output<typeof versionSchema>;

/** One element of `GET /nodes`. */
export const nodeSchema = z.looseObject({ node: z.string(), status: z.string().optional() });
/** Output of {@link InventoryApi.listNodes}. */
export type PveNode = z.output<typeof nodeSchema>;

/** One element of `GET /nodes/{node}/qemu` or `/lxc` (`vmid` is a string in some lxc answers). */
export const guestSchema = z.looseObject({ vmid: num, name: z.string().optional(), status: z.string().optional() });
/** Output of {@link InventoryApi.listGuests}. */
export type PveGuest = z.output<typeof guestSchema>;

/** `GET /nodes/{node}/{type}/{vmid}/config`: keys such as `net0` = `virtio=…,bridge=vmbr0,firewall=1`. */
export const guestConfigSchema = z.record(z.string(), z.union([z.string(), z.number()]));
/** Output of {@link InventoryApi.getGuestConfig}. */
export type GuestConfig = z.output<typeof guestConfigSchema>;

/** One element of `GET /cluster/sdn/vnets`. */
export const vnetSchema = z.looseObject({ vnet: z.string(), zone: z.string().optional() });
/** Output of {@link InventoryApi.listVnets}. */
export type PveVnet = z.output<typeof vnetSchema>;

/**
 * One element of `GET /cluster/status` (pve-manager API2/Cluster.pm `status`): the `cluster` entry
 * (only in a cluster) or a `node` entry, whose `ip` is the address the node is known by.
 */
export const clusterStatusEntrySchema = z.looseObject({
  type: z.string(),
  name: z.string().optional(),
  ip: z.string().optional(),
});
/** Output of {@link InventoryApi.getClusterStatus}. */
export type ClusterStatusEntry = z.output<typeof clusterStatusEntrySchema>;

/**
 * One element of `GET /nodes/{node}/network` (pve-manager API2/Network.pm `index`): an interface,
 * with `cidr`/`cidr6` (address with prefix) when it holds an address.
 */
export const networkInterfaceSchema = z.looseObject({
  iface: z.string(),
  type: z.string().optional(),
  cidr: z.string().optional(),
  cidr6: z.string().optional(),
});
/** Output of {@link InventoryApi.listNodeNetwork}. */
export type NetworkInterface = z.output<typeof networkInterfaceSchema>;

/** Read-only facts about the cluster that firewall resources refer to. */
export class InventoryApi {
  readonly #http: PveHttpClient;
  constructor(http: PveHttpClient) {
    this.#http = http;
  }

  /** Proxmox VE version (also a cheap credentials check). */
  async getVersion(): Promise<PveVersion> {
    return this.#http.request("GET", "/version", undefined, { subject: "version", schema: versionSchema });
  }

  /**
   * `GET /version` over a connection opened for this call alone (never a pooled one, which a
   * firewall lets through as established): whether a new client can reach the API right now.
   * Not retried.
   *
   * @param timeoutMs - how long to wait for the answer
   * @throws NetworkError when the connection is refused, dropped or times out; the client's other errors
   */
  async probeVersion(timeoutMs: number): Promise<PveVersion> {
    return this.#http.requestOnNewConnection("/version", {
      subject: "version, over a new connection",
      schema: versionSchema,
      timeoutMs,
    });
  }

  /** Cluster nodes. */
  async listNodes(): Promise<PveNode[]> {
    return this.#http.request("GET", "/nodes", undefined, { subject: "nodes", schema: z.array(nodeSchema) });
  }

  /** Guests of one type on one node. */
  async listGuests(node: string, type: "qemu" | "lxc"): Promise<PveGuest[]> {
    return this.#http.request("GET", `/nodes/${pathSegment(node)}/${type}`, undefined, {
      subject: `${type} guests of node/${node}`,
      schema: z.array(guestSchema),
    });
  }

  /** A guest's configuration, for its NICs' `firewall=1` flags. */
  async getGuestConfig(node: string, type: "qemu" | "lxc", vmid: number): Promise<GuestConfig> {
    return this.#http.request("GET", `/nodes/${pathSegment(node)}/${type}/${pathSegment(vmid)}/config`, undefined, {
      subject: `config of ${type}/${node}/${vmid}`,
      schema: guestConfigSchema,
    });
  }

  /** The cluster's members (and the cluster itself): node names and addresses. */
  async getClusterStatus(): Promise<ClusterStatusEntry[]> {
    return this.#http.request("GET", "/cluster/status", undefined, {
      subject: "cluster status",
      schema: z.array(clusterStatusEntrySchema),
    });
  }

  /** A node's network interfaces, for the local network its address is in. */
  async listNodeNetwork(node: string): Promise<NetworkInterface[]> {
    return this.#http.request("GET", `/nodes/${pathSegment(node)}/network`, undefined, {
      subject: `network of node/${node}`,
      schema: z.array(networkInterfaceSchema),
    });
  }

  /** SDN VNets. */
  async listVnets(): Promise<PveVnet[]> {
    return this.#http.request("GET", "/cluster/sdn/vnets", undefined, {
      subject: "vnets",
      schema: z.array(vnetSchema),
    });
  }
}
