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

  /** SDN VNets. */
  async listVnets(): Promise<PveVnet[]> {
    return this.#http.request("GET", "/cluster/sdn/vnets", undefined, {
      subject: "vnets",
      schema: z.array(vnetSchema),
    });
  }
}
