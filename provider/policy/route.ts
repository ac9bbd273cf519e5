/**
 * A packet's path through a node, hop by hop (one netfilter hook each), as the kernel takes it:
 * a NIC with `firewall=1` hangs off its own firewall bridge (`fwbr<vmid>i<N>`, veth pair
 * `fwln`/`fwpr`) and a NIC without it is plugged straight into the bridge. Proxmox's simulator
 * (FirewallSimulator.pm `route_packet`) routes every guest through a firewall bridge; here only
 * NICs with `firewall=1` are, so the input filters of PVEFW-FWBR-IN never see the others.
 *
 * @module
 */
import { type ParsedIp, parseIp } from "../model/ip";
import { protocolNumber, servicePort } from "../model/pve-tables";
import type { HopPacket } from "./ir";
import { packetIcmp } from "./ports";
import type { Packet, PolicyGuest, PolicyNic, PolicyNode, PolicyTopology } from "./types";

/** A packet that cannot be simulated (unknown zone, bad address, ...); the message says why and what to do. */
export class PacketError extends Error {}

/** One end of a packet's path. */
export type Endpoint =
  | { readonly kind: "host" }
  | { readonly kind: "port"; readonly bridge: string; readonly port: string; readonly nic?: GuestNic }
  | { readonly kind: "guest"; readonly bridge: string; readonly nic: GuestNic };

/** A guest NIC with its guest. */
export interface GuestNic {
  readonly guest: PolicyGuest;
  readonly nic: PolicyNic;
  /** `tap<vmid>i<N>` or `veth<vmid>i<N>`. */
  readonly device: string;
  /** The N of `net<N>`. */
  readonly index: string;
}

/** One planned hop: which top-level chain, and the interfaces the kernel sees there. */
export interface PlannedHop {
  readonly chain: "PVEFW-INPUT" | "PVEFW-OUTPUT" | "PVEFW-FORWARD";
  readonly at: string;
  readonly fields: Pick<HopPacket, "iif" | "oif" | "physIn" | "physOut" | "bridged">;
  /** The guest NIC whose firewall bridge this hop is, if any. */
  readonly nic?: GuestNic;
  /** On the main bridge: an endpoint NIC without `firewall=1` (plugged straight in, never filtered). */
  readonly plainNic?: GuestNic;
}

const ALLOWED = new Set([
  "from",
  "to",
  "proto",
  "dport",
  "sport",
  "source",
  "dest",
  "srctype",
  "dsttype",
  "id",
  "action",
]);
const GUEST = /^(vm|ct)(\d+)(?:i(\d+))?$/;
const BRIDGE_PORT = /^([a-zA-Z][a-zA-Z0-9_.-]*)\/(\S+)$/;
const DEFAULTS = { 4: ["100.100.1.2", "100.200.3.4"], 6: ["2001:db8:100::2", "2001:db8:200::4"] } as const;

/** Resolves a zone name to an endpoint on `node`. */
export function endpoint(zone: string, node: PolicyNode, topology: PolicyTopology): Endpoint {
  if (zone === "host") return { kind: "host" };
  if (zone === "outside") return { kind: "port", bridge: "vmbr0", port: "eth0" };
  if (zone === "nfvm") return { kind: "port", bridge: "vmbr0", port: "tapXYZ" };
  const g = GUEST.exec(zone);
  if (g) {
    const type = g[1] === "vm" ? "qemu" : "lxc";
    const vmid = Number(g[2]);
    const guest = topology.guests.find((x) => x.vmid === vmid && x.type === type);
    if (!guest)
      throw new PacketError(`'${zone}': no ${type} guest ${vmid} in the topology; add it to the topology file`);
    if (guest.node !== node.name) {
      throw new PacketError(
        `'${zone}': guest ${vmid} runs on node ${guest.node}; simulate that node (--node ${guest.node})`,
      );
    }
    const index = g[3] ?? "0";
    const nic = guest.nics.find((n) => n.id === `net${index}`);
    if (!nic) throw new PacketError(`'${zone}': guest ${vmid} has no net${index} in the topology`);
    if (!nic.bridge) throw new PacketError(`'${zone}': net${index} of guest ${vmid} has no bridge= in its config line`);
    const device = `${type === "qemu" ? "tap" : "veth"}${vmid}i${index}`;
    const gn: GuestNic = { guest, nic, device, index };
    return nic.firewall
      ? { kind: "guest", bridge: nic.bridge, nic: gn }
      : { kind: "port", bridge: nic.bridge, port: device, nic: gn };
  }
  const bp = BRIDGE_PORT.exec(zone);
  if (bp) return { kind: "port", bridge: bp[1]!, port: bp[2]! };
  throw new PacketError(
    `unknown zone '${zone}'; use host, outside, nfvm, vm<ID>, vm<ID>i<N>, ct<ID>, ct<ID>i<N> or <bridge>/<port>`,
  );
}

/** The hops from `from` to `to` (SIMULATOR.md §2, kernel path). */
export function planHops(from: Endpoint, to: Endpoint): PlannedHop[] {
  const hops: PlannedHop[] = [];
  const fwbrIn = (e: Extract<Endpoint, { kind: "guest" }>): PlannedHop => ({
    chain: "PVEFW-FORWARD",
    at: `fwbr${e.nic.guest.vmid}i${e.nic.index} (PVEFW-FORWARD)`,
    fields: {
      iif: `fwbr${e.nic.guest.vmid}i${e.nic.index}`,
      oif: `fwbr${e.nic.guest.vmid}i${e.nic.index}`,
      physIn: `fwln${e.nic.guest.vmid}i${e.nic.index}`,
      physOut: e.nic.device,
      bridged: true,
    },
    nic: e.nic,
  });
  if (from.kind === "host") {
    if (to.kind === "host") throw new PacketError("from and to must differ");
    hops.push({ chain: "PVEFW-OUTPUT", at: `${to.bridge} (PVEFW-OUTPUT)`, fields: { oif: to.bridge, bridged: false } });
    if (to.kind === "guest") hops.push(fwbrIn(to));
    return hops;
  }
  let arrival: { bridge: string; port: string };
  if (from.kind === "guest") {
    const { guest, device, index } = from.nic;
    const fwbr = `fwbr${guest.vmid}i${index}`;
    hops.push({
      chain: "PVEFW-FORWARD",
      at: `${fwbr} (PVEFW-FORWARD)`,
      fields: { iif: fwbr, oif: fwbr, physIn: device, physOut: `fwln${guest.vmid}i${index}`, bridged: true },
      nic: from.nic,
    });
    arrival = { bridge: from.bridge, port: `fwpr${guest.vmid}p${index}` };
  } else arrival = { bridge: from.bridge, port: from.port };
  if (to.kind === "host") {
    hops.push({
      chain: "PVEFW-INPUT",
      at: `${arrival.bridge} (PVEFW-INPUT)`,
      fields: { iif: arrival.bridge, physIn: arrival.port, bridged: false },
    });
    return hops;
  }
  const targetPort = to.kind === "guest" ? `fwpr${to.nic.guest.vmid}p${to.nic.index}` : to.port;
  const same = arrival.bridge === to.bridge;
  if (same && targetPort === arrival.port) throw new PacketError("from and to must differ");
  const plainNic = (to.kind === "port" ? to.nic : undefined) ?? (from.kind === "port" ? from.nic : undefined);
  hops.push({
    ...(plainNic ? { plainNic } : {}),
    chain: "PVEFW-FORWARD",
    at: same ? `${arrival.bridge} (PVEFW-FORWARD)` : `${arrival.bridge} -> ${to.bridge} (PVEFW-FORWARD)`,
    fields: {
      iif: arrival.bridge,
      oif: to.bridge,
      physIn: arrival.port,
      ...(same ? { physOut: targetPort } : {}),
      bridged: same,
    },
  });
  if (to.kind === "guest") hops.push(fwbrIn(to));
  return hops;
}

/** A packet's header fields, with Proxmox's defaults filled in. */
export type PacketHeader = Omit<HopPacket, "iif" | "oif" | "physIn" | "physOut" | "bridged">;

/**
 * Checks a packet and fills in defaults: `proto` tcp; addresses as Proxmox's simulator does (the
 * node's address for `host`, else 100.100.1.2 / 100.200.3.4, or 2001:db8:100::2 / 2001:db8:200::4
 * for IPv6); ICMP type echo-request; address types from the addresses.
 *
 * @throws PacketError naming the field and the fix
 */
export function packetHeader(packet: Packet, node: PolicyNode): PacketHeader {
  for (const key of Object.keys(packet)) if (!ALLOWED.has(key)) throw new PacketError(`unknown attribute '${key}'`);
  if (typeof packet.from !== "string" || typeof packet.to !== "string") {
    throw new PacketError("a packet needs 'from' and 'to' (zones such as host, outside, vm100)");
  }
  if (packet.from === packet.to) throw new PacketError("from and to must differ");
  const protoName = String(packet.proto ?? "tcp");
  const proto = protocolNumber(protoName);
  if (proto === undefined) throw new PacketError(`proto '${protoName}': not a protocol name or number`);
  const given = (v: unknown, field: string): ParsedIp | undefined => {
    if (v === undefined) return undefined;
    const ip = parseIp(String(v));
    if (!ip) throw new PacketError(`${field} '${String(v)}': not an IPv4 or IPv6 address`);
    return ip;
  };
  let src = given(packet.source, "source");
  let dst = given(packet.dest, "dest");
  const version: 4 | 6 = src?.version ?? dst?.version ?? (proto === 58 ? 6 : 4);
  if (src && dst && src.version !== dst.version) throw new PacketError("source and dest are of different IP versions");
  if ((proto === 1 && version === 6) || (proto === 58 && version === 4)) {
    throw new PacketError(`proto '${protoName}' does not fit IPv${version} addresses`);
  }
  const hostIp = parseIp(node.ip)!;
  const fill = (zone: string, def: string, field: string): ParsedIp => {
    if (zone === "host") {
      if (hostIp.version !== version) {
        throw new PacketError(`node ${node.name} has no IPv${version} address; give ${field} explicitly`);
      }
      return hostIp;
    }
    return parseIp(def)!;
  };
  src ??= fill(packet.from, DEFAULTS[version][0], "source");
  dst ??= fill(packet.to, DEFAULTS[version][1], "dest");
  const header: {
    -readonly [K in keyof PacketHeader]: PacketHeader[K];
  } = {
    version,
    proto,
    src,
    dst,
    srctype: String(packet.srctype ?? addrType(src)),
    dsttype: String(packet.dsttype ?? addrType(dst)),
  };
  if (proto === 1 || proto === 58) {
    const text = String(packet.dport ?? "echo-request");
    const icmp = packetIcmp(text, version);
    if (!icmp)
      throw new PacketError(`dport '${text}': not an ICMP${version === 6 ? "v6" : ""} type name, number or type/code`);
    header.icmp = icmp;
  } else {
    if (packet.dport !== undefined) header.dport = portOf(packet.dport, "dport");
  }
  if (packet.sport !== undefined) header.sport = portOf(packet.sport, "sport");
  return header;
}

function portOf(v: string | number, field: string): number {
  const text = String(v);
  const n = /^\d+$/.test(text) ? Number(text) : servicePort(text);
  if (n === undefined || n > 65535)
    throw new PacketError(`${field} '${text}': not a port number (0-65535) or service name`);
  return n;
}

/** The kernel's address type of an address (as `-m addrtype` sees it, without local routes). */
function addrType(ip: ParsedIp): string {
  if (ip.version === 4) {
    if (ip.value === 0xffffffffn) return "BROADCAST";
    if (ip.value >> 28n === 0xen) return "MULTICAST";
  } else if (ip.value >> 120n === 0xffn) return "MULTICAST";
  return "UNICAST";
}
