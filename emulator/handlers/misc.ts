/**
 * The read-only firewall endpoints: directory indexes, `/macros`, `/refs` and the firewall logs,
 * plus the minimal non-firewall endpoints the provider needs (version, nodes, guests, guest
 * config with NICs, SDN VNets).
 */
import { PVE_MACROS } from "../../provider/model/pve-tables";
import { compact, fileRefFor, type Handler } from "../context";
import { plainError } from "../http-error";

const INDEXES: Readonly<Record<string, readonly string[]>> = {
  "/cluster/firewall": ["aliases", "rules", "options", "groups", "ipset", "macros", "refs"],
  "/nodes/{node}/qemu/{vmid}/firewall": ["rules", "aliases", "ipset", "refs", "options"],
  "/nodes/{node}/lxc/{vmid}/firewall": ["rules", "aliases", "ipset", "refs", "options"],
  "/nodes/{node}/firewall": ["rules", "options", "log"],
  "/cluster/sdn/vnets/{vnet}/firewall": ["rules", "options"],
};

/** `GET` of a firewall directory index: `[{name}]` of its children. */
export function indexHandler(template: string): Handler | undefined {
  const names = INDEXES[template];
  return names ? async () => names.map((name) => ({ name })) : undefined;
}

/** `GET /cluster/firewall/macros`: `[{macro, descr}]`. */
export const macrosHandler: Handler = async () => PVE_MACROS.map((m) => ({ macro: m.name, descr: m.description }));

/**
 * `GET .../refs` (Firewall/Helpers.pm collect_refs): ipsets (`ref: "+name"`) and aliases
 * (`ref: "name"`, lower-cased) a rule may reference, cluster objects (scope `dc`) first, then the
 * guest's own (scope `guest`). Proxmox lists each config in hash order; the emulator keeps file order.
 */
export function refsHandler(template: string): Handler {
  return async (ctx, params) => {
    const ref = fileRefFor(template, params);
    const scopes: { scope: "dc" | "guest"; conf: Awaited<ReturnType<typeof ctx.store.load>>["config"] }[] = [
      { scope: "dc", conf: (await ctx.store.load({ kind: "cluster" })).config },
    ];
    if (ref.kind === "guest") scopes.push({ scope: "guest", conf: (await ctx.store.load(ref)).config });
    const out: Record<string, unknown>[] = [];
    for (const { scope, conf } of scopes) {
      if (params.type === undefined || params.type === "ipset") {
        for (const s of conf.ipsets) {
          out.push(compact({ type: "ipset", name: s.name, ref: `+${s.name}`, scope, comment: s.comment || undefined }));
        }
      }
      if (params.type === undefined || params.type === "alias") {
        for (const a of conf.aliases) {
          const name = a.name.toLowerCase();
          out.push(compact({ type: "alias", name, ref: name, scope, comment: a.comment || undefined }));
        }
      }
    }
    return out;
  };
}

/** `GET .../log`: the emulator runs no packet filter, so there is never a log line. */
export const logHandler: Handler = async () => [];

/** `GET /version`. */
export const versionHandler: Handler = async () => ({ version: "9.1.1", release: "9.1", repoid: "emulator" });

/** `GET /nodes`. */
export const nodesHandler: Handler = async (ctx) =>
  ctx.topology.nodes.map((node) => ({ node, status: "online", type: "node", id: `node/${node}` }));

/** `GET /nodes/{node}/qemu` and `.../lxc`: the guests of that type on that node. */
export function guestListHandler(type: "qemu" | "lxc"): Handler {
  return async (ctx, params) =>
    ctx.topology.guests
      .filter((g) => g.type === type && g.node === params.node)
      .map((g) => compact({ vmid: g.vmid, name: g.name, status: "running", type }));
}

/** `GET /nodes/{node}/qemu|lxc/{vmid}/config`: name and NIC lines of a topology guest. */
export function guestConfigHandler(type: "qemu" | "lxc"): Handler {
  return async (ctx, params) => {
    const guest = ctx.topology.guests.find(
      (g) => g.type === type && g.node === params.node && String(g.vmid) === params.vmid,
    );
    if (!guest) {
      const dir = type === "qemu" ? "qemu-server" : "lxc";
      throw plainError(`Configuration file 'nodes/${params.node}/${dir}/${params.vmid}.conf' does not exist`);
    }
    const nameKey = type === "qemu" ? "name" : "hostname";
    return compact({ [nameKey]: guest.name, ...guest.nics, digest: "0".repeat(40) });
  };
}

/** `GET /cluster/sdn/vnets`. */
export const vnetsHandler: Handler = async (ctx) =>
  ctx.topology.vnets.map((v) => ({ vnet: v.vnet, zone: v.zone, type: "vnet" }));
