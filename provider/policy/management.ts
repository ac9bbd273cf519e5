/**
 * Can the operators still reach every node? For each management source, node and port, one TCP
 * packet from the source to the node's address, arriving on the interface that holds that
 * address, simulated against the configs (optionally with a planned change overlaid). This is the
 * decision the lockout guard makes before a write.
 *
 * @module
 */
import { formatIp, hostMask, parseCidr } from "../model/ip";
import { overlay, type PlannedChange } from "./configs";
import { createSimulator } from "./simulate";
import type { Action, DecidedBy, Hop, PolicyConfigs, PolicyTopology } from "./types";

/** Ports the guard checks by default: the API/GUI and SSH. */
export const DEFAULT_MANAGEMENT_PORTS: readonly number[] = [8006, 22];

/** What {@link checkManagementAccess} needs. */
export interface ManagementCheckInput {
  /** The live configs. */
  readonly configs: PolicyConfigs;
  /** Nodes (with `ip`, `network`, `rings`, `iface`) and guests. */
  readonly topology: PolicyTopology;
  /**
   * Where the operators connect from: addresses or CIDRs (a CIDR is tested at its first and last
   * host address). Loopback is the caller's to leave out: Proxmox never filters `lo`.
   */
  readonly sources: readonly string[];
  /** TCP ports to check. @default {@link DEFAULT_MANAGEMENT_PORTS} */
  readonly ports?: readonly number[];
  /** Nodes to check. @default every node of the topology */
  readonly nodes?: readonly string[];
  /** A planned change, applied to the live configs before simulating. @default none */
  readonly changes?: readonly PlannedChange[];
  /** Current Unix time in seconds (for an anti-lockout `enable` timestamp). */
  readonly nowSec: number;
}

/** The fate of one management packet. */
export interface ManagementReach {
  /** The source as given (an address or a CIDR). */
  readonly source: string;
  /** The address tested for it. */
  readonly address: string;
  readonly node: string;
  readonly port: number;
  readonly action: Action;
  /** True when the packet is accepted. */
  readonly reaches: boolean;
  /** What decided: for a drop, the level and rule position or group, or the policy/implicit rule. */
  readonly decidedBy: DecidedBy;
  readonly hops: readonly Hop[];
}

/**
 * Simulates every source × node × port; sources of the other IP family than a node's address are
 * skipped for that node (the operator cannot reach that address with them).
 *
 * @throws Error when a source is not an address or CIDR, or a node is not in the topology
 */
export function checkManagementAccess(input: ManagementCheckInput): ManagementReach[] {
  const configs = input.changes?.length ? overlay(input.configs, input.changes) : input.configs;
  const ports = input.ports ?? DEFAULT_MANAGEMENT_PORTS;
  const nodes = input.nodes ?? input.topology.nodes.map((n) => n.name);
  const addresses = input.sources.flatMap((source) => sourceAddresses(source).map((address) => ({ source, address })));
  const out: ManagementReach[] = [];
  for (const name of nodes) {
    const sim = createSimulator(configs, input.topology, { node: name, nowSec: input.nowSec });
    const node = sim.node;
    const nodeVersion = parseCidr(node.ip)!.version;
    for (const { source, address } of addresses) {
      if (parseCidr(address)!.version !== nodeVersion) continue;
      for (const port of ports) {
        const v = sim.simulate({
          from: `${node.iface}/uplink`,
          to: "host",
          source: address,
          dest: node.ip,
          dport: port,
        });
        out.push({
          source,
          address,
          node: name,
          port,
          action: v.action,
          reaches: v.action === "ACCEPT",
          decidedBy: v.decidedBy,
          hops: v.hops,
        });
      }
    }
  }
  return out;
}

/** The addresses a source stands for: itself, or a CIDR's first and last host address. */
export function sourceAddresses(source: string): string[] {
  const c = parseCidr(source);
  if (!c) throw new Error(`management source '${source}': not an IP address or CIDR`);
  const bits = c.version === 4 ? 32 : 128;
  if (c.prefix === undefined || c.prefix === bits) return [c.addressText];
  const mask = hostMask(c.version, c.prefix);
  const base = c.value & ~mask;
  const span = c.prefix >= bits - 1 ? [base, base | mask] : [base + 1n, (base | mask) - 1n];
  return [...new Set(span.map((value) => formatIp({ version: c.version, value })))];
}
