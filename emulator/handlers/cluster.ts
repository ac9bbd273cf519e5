/**
 * The two non-firewall endpoints the lockout guard reads, served from the topology:
 * `GET /cluster/status` (pve-manager API2/Cluster.pm `status`: a `cluster` entry when there is a
 * cluster, one `node` entry per node with its `ip`) and `GET /nodes/{node}/network` (API2/Network.pm
 * `index`: the node's interfaces, optionally filtered by `type`; the one holding the node's address
 * carries `address`, `netmask` and `cidr`).
 */
import type { Handler } from "../context";
import { unknownNodeError } from "../http-error";
import type { Topology, TopologyNode } from "../topology";

/** `GET /cluster/status`: a cluster entry (two or more nodes) and one entry per node; the first node answers. */
export const clusterStatusHandler: Handler = async (ctx) => {
  const nodes = ctx.topology.nodeDetails;
  const entries: Record<string, unknown>[] = [];
  if (nodes.length > 1) {
    entries.push({ type: "cluster", id: "cluster", name: "emulator", nodes: nodes.length, quorate: 1, version: 1 });
  }
  nodes.forEach((n, i) => {
    entries.push({
      type: "node",
      id: `node/${n.name}`,
      name: n.name,
      nodeid: nodes.length > 1 ? i + 1 : 0,
      ip: n.ip,
      online: 1,
      local: i === 0 ? 1 : 0,
      level: "",
    });
  });
  return entries;
};

/**
 * `GET /nodes/{node}/network`: the node's physical port `eth0`, the interface holding its address
 * (by default the bridge `vmbr0` with `bridge_ports eth0`), and every other bridge its guests use
 * (no address). An unknown node fails as Proxmox's proxy does (its name does not resolve).
 */
export const nodeNetworkHandler: Handler = async (ctx, params) => {
  // The dispatcher already refused a node the topology does not have, except `localhost` (the first node).
  const node = ctx.topology.nodeDetails.find((n) => n.name === params.node) ?? ctx.topology.nodeDetails[0];
  if (!node) throw unknownNodeError(params.node ?? "");
  const all = interfaces(node, ctx.topology);
  const type = params.type;
  if (type === undefined || type === "include_sdn") return all;
  const bridgeTypes = ["bridge", "OVSBridge"];
  return all.filter((i) =>
    type === "any_bridge" || type === "any_local_bridge" ? bridgeTypes.includes(String(i.type)) : i.type === type,
  );
};

function interfaces(node: TopologyNode, topology: Topology): Record<string, unknown>[] {
  const prefix = node.network.split("/")[1];
  const v6 = node.ip.includes(":");
  const holder: Record<string, unknown> = {
    iface: node.iface,
    type: node.iface.startsWith("vmbr") ? "bridge" : "eth",
    method: v6 ? "manual" : "static",
    families: [v6 ? "inet6" : "inet"],
    active: 1,
    autostart: 1,
    priority: 2,
    ...(v6
      ? { method6: "static", address6: node.ip, netmask6: prefix, cidr6: `${node.ip}/${prefix}` }
      : { address: node.ip, netmask: prefix, cidr: `${node.ip}/${prefix}` }),
    ...(node.iface.startsWith("vmbr") ? { bridge_ports: "eth0", bridge_stp: "off", bridge_fd: "0" } : {}),
  };
  const out: Record<string, unknown>[] = [];
  if (node.iface !== "eth0") {
    out.push({ iface: "eth0", type: "eth", method: "manual", families: ["inet"], active: 1, exists: 1, priority: 1 });
  }
  out.push(holder);
  const bridges = new Set<string>();
  for (const g of topology.guests) {
    if (g.node !== node.name) continue;
    for (const line of Object.values(g.nics ?? {})) {
      const bridge = /(?:^|,)bridge=([^,]+)/.exec(line)?.[1];
      if (bridge && bridge !== node.iface) bridges.add(bridge);
    }
  }
  let priority = 3;
  for (const bridge of [...bridges].sort()) {
    out.push({
      iface: bridge,
      type: "bridge",
      method: "manual",
      families: ["inet"],
      active: 1,
      autostart: 1,
      priority: priority++,
      bridge_ports: "none",
      bridge_stp: "off",
      bridge_fd: "0",
    });
  }
  return out;
}
