/**
 * The policy simulator: what one node would do with a packet, following the kernel where
 * Proxmox's own simulator takes shortcuts (SIMULATOR.md §11; the differences are listed in the
 * README's "Safety" section). Compile once with {@link createSimulator}, then ask per packet.
 *
 * @module
 */
import { compileRuleset, guestEnabled, hostEnabled } from "./compile";
import type { HopPacket, Ruleset, WalkState } from "./ir";
import { type LoadedConfigs, loadConfigs } from "./load";
import { endpoint, type GuestNic, PacketError, type PlannedHop, packetHeader, planHops } from "./route";
import type { DecidedBy, Hop, Packet, PolicyConfigs, PolicyNode, PolicyTopology, Verdict } from "./types";
import { walkChain } from "./walk";

/** Options of {@link createSimulator}. */
export interface SimulatorOptions {
  /** The node to simulate. @default the topology's first node */
  readonly node?: string;
  /**
   * The current Unix time in seconds: a cluster `enable` above 1 is an anti-lockout timestamp,
   * on only while at most 60 s old (Firewall.pm `parse_clusterfw_option`).
   */
  readonly nowSec: number;
}

/** A compiled node, ready to answer packets. */
export interface Simulator {
  readonly node: PolicyNode;
  /** Whether anything is filtered at all (the cluster firewall is on). */
  readonly clusterEnabled: boolean;
  /** Notes about the configuration that affect every verdict (e.g. the nftables backend). */
  readonly warnings: readonly string[];
  /**
   * The verdict on one packet.
   *
   * @throws PacketError when the packet names an unknown zone, a bad address or an unknown field
   */
  simulate(packet: Packet): Verdict;
}

/**
 * Whether the cluster `enable` option turns the firewall on at `nowSec`: 1, or a timestamp
 * (> 1) at most 60 seconds old. An expired timestamp reads as 0, as Proxmox's parser reads it.
 */
export function clusterEnableActive(value: string | undefined, nowSec: number): boolean {
  if (value === undefined || !/^\d+$/.test(value)) return false;
  const n = Number(value);
  if (n <= 1) return n === 1;
  return nowSec - n <= 60;
}

/** Compiles `topology`'s node (`options.node`, default the first) from `configs`. */
export function createSimulator(
  configs: PolicyConfigs,
  topology: PolicyTopology,
  options: SimulatorOptions,
): Simulator {
  const name = options.node ?? topology.nodes[0]?.name;
  const node = topology.nodes.find((n) => n.name === name);
  if (!node) {
    throw new PacketError(
      `node '${name ?? ""}' is not in the topology (nodes: ${topology.nodes.map((n) => n.name).join(", ") || "none"})`,
    );
  }
  const loaded = loadConfigs(configs);
  const enabled = clusterEnableActive(loaded.cluster.options.enable, options.nowSec);
  const rulesets = new Map<4 | 6, Ruleset>();
  const ruleset = (v: 4 | 6): Ruleset => {
    let rs = rulesets.get(v);
    if (!rs) {
      rs = compileRuleset(loaded, topology, node, v);
      rulesets.set(v, rs);
    }
    return rs;
  };
  const warnings: string[] = [];
  if (loaded.hosts[node.name]?.options.nftables === "1") {
    warnings.push(
      `node ${node.name} has host option nftables: 1, so the nftables backend (proxmox-firewall) filters it; ` +
        "this simulator models the iptables backend",
    );
  }
  return {
    node,
    clusterEnabled: enabled,
    warnings,
    simulate(packet: Packet): Verdict {
      const from = endpoint(packet.from, node, topology);
      const to = endpoint(packet.to, node, topology);
      const header = packetHeader(packet, node);
      const planned = planHops(from, to);
      if (!enabled) {
        const decidedBy: DecidedBy = {
          kind: "gate",
          gate: "cluster-disabled",
          detail:
            "the cluster firewall is off (cluster.fw enable is not 1, or an anti-lockout timestamp expired): nothing is filtered",
        };
        return { action: "ACCEPT", decidedBy, hops: [{ at: "every hop", action: "ACCEPT", decidedBy }], warnings };
      }
      const rs = ruleset(header.version);
      const state: WalkState = { mark: false };
      const hops: Hop[] = [];
      for (const hop of planned) {
        const pkt: HopPacket = { ...header, ...hop.fields };
        const result = walkChain(rs, hop.chain, pkt, state);
        const decidedBy = result.decidedBy ?? fallback(hop, loaded, node);
        hops.push({ at: hop.at, action: result.action, decidedBy });
        if (result.action !== "ACCEPT") break;
      }
      const last = hops.at(-1)!;
      const decisive =
        last.action !== "ACCEPT" ? last : ([...hops].reverse().find((h) => isRuleDecision(h.decidedBy)) ?? last);
      return { action: last.action, decidedBy: decisive.decidedBy, hops, warnings: [...warnings, ...rs.warnings] };
    },
  };
}

function isRuleDecision(d: DecidedBy): boolean {
  return d.kind === "rule" || d.kind === "policy" || d.kind === "implicit";
}

/** Why a hop accepted without any rule deciding: a gate, or a chain that filters nothing. */
function fallback(hop: PlannedHop, loaded: LoadedConfigs, node: PolicyNode): DecidedBy {
  if (hop.chain !== "PVEFW-FORWARD") {
    if (!hostEnabled(loaded, node.name)) {
      return {
        kind: "gate",
        gate: "host-disabled",
        detail: `the host firewall of ${node.name} is off (host.fw enable: 0): host and cluster rules apply nowhere`,
      };
    }
    return { kind: "unfiltered", detail: `${hop.at}: no rule decided` };
  }
  if (hop.nic) return guestGate(hop.nic, loaded);
  if (hop.plainNic) {
    const { guest, index, nic } = hop.plainNic;
    return {
      kind: "gate",
      gate: "nic-no-firewall",
      detail: `net${index} of guest ${guest.vmid} has no firewall=1: it is plugged straight into ${nic.bridge} and never filtered`,
    };
  }
  return {
    kind: "unfiltered",
    detail: "traffic between bridge ports passes PVEFW-FORWARD, which only checks conntrack state",
  };
}

function guestGate(nic: GuestNic, loaded: LoadedConfigs): DecidedBy {
  const vmid = nic.guest.vmid;
  if (!loaded.guests[String(vmid)]) {
    return {
      kind: "gate",
      gate: "guest-no-file",
      detail: `guest ${vmid} has no firewall config (${vmid}.fw): not filtered`,
    };
  }
  if (!guestEnabled(loaded, vmid)) {
    return {
      kind: "gate",
      gate: "guest-disabled",
      detail: `the firewall of guest ${vmid} is off (${vmid}.fw enable is not 1): not filtered`,
    };
  }
  return {
    kind: "unfiltered",
    detail: `guest ${vmid} net${nic.index}: Proxmox built no chain for this NIC (see warnings)`,
  };
}
