/**
 * `pve-firewall simulate`: what a node's firewall does with packets, from a data directory and a
 * topology file, or from a live endpoint.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { configsFromTexts } from "../policy/configs";
import { describeVerdict } from "../policy/explain";
import { createSimulator, type Simulator } from "../policy/simulate";
import { readTopology } from "../policy/topology";
import type { Packet, PolicyConfigs, PolicyTopology } from "../policy/types";
import { readDataDir } from "./data-dir";
import type { CliCommand, CliIo } from "./index";
import { readLivePolicy, withLiveClient } from "./live";
import { readTopologyFile } from "./policy-input";

/** `pve-firewall simulate --help`. */
export const SIMULATE_USAGE = `usage: pve-firewall simulate (--data DIR [--topology FILE] | --endpoint) [--node NAME]
         (--packets FILE | --from ZONE --to ZONE [--proto P] [--dport N] [--sport N] [--source IP] [--dest IP])
         [--json]

Decides what the node's firewall (iptables backend) does with each packet, as a real node does.
  --data DIR        a directory laid out like /etc/pve (firewall/cluster.fw, nodes/<node>/host.fw,
                    firewall/<vmid>.fw), or flat (cluster.fw, host.fw of the simulated node, <vmid>.fw)
  --topology FILE   nodes ("pve1" or {"name","ip","network","rings"}) and guests with NIC lines;
                    default: the nodes under DIR/nodes, no guests
  --endpoint        read configs and topology from the API (PROXMOX_VE_ENDPOINT and credentials
                    from the environment, as the provider)
  --node NAME       the node to simulate (default: the first node)
  --packets FILE    one JSON packet per line; prints one JSON line per packet, in order:
                    {"action":"ACCEPT"|"DROP"|"REJECT","decidedBy":{...}} (or {"error":"..."})
  zones: host, outside, nfvm, vm<ID>, vm<ID>i<N>, ct<ID>, ct<ID>i<N>, <bridge>/<port>
  --json            print the single verdict as one JSON line
Exit code: 0 when every packet was simulated, 2 on bad arguments, input or packets.
`;

class UsageError extends Error {}

/**
 * The input of a run: configs and topology, from files or an endpoint, and a warning for each host
 * or guest file of the data directory that no node or guest of the topology owns (never simulated).
 */
async function loadInput(values: {
  data?: string;
  topology?: string;
  endpoint?: boolean;
  node?: string;
}): Promise<{ configs: PolicyConfigs; topology: PolicyTopology; warnings: string[] }> {
  if (values.endpoint) {
    const live = await withLiveClient(process.env, readLivePolicy);
    return { ...live, ...(values.topology ? { topology: await readTopologyFile(values.topology) } : {}), warnings: [] };
  }
  if (!values.data) throw new UsageError("give --data DIR (with --topology FILE) or --endpoint");
  const given = values.topology ? await readTopologyFile(values.topology) : undefined;
  const flatNode = values.node ?? given?.nodes[0]?.name ?? "pve1";
  const dir = await readDataDir(values.data, flatNode);
  const topology =
    given ?? readTopology({ nodes: Object.keys(dir.hosts).length > 0 ? Object.keys(dir.hosts) : [flatNode] });
  const from = values.topology === undefined ? "the topology (no --topology FILE: no guests)" : values.topology;
  const warnings = [
    ...Object.keys(dir.hosts)
      .filter((node) => !topology.nodes.some((n) => n.name === node))
      .map((node) => `${dir.paths.hosts[node]}: no node ${node} in ${from}: not simulated`),
    ...Object.keys(dir.guests)
      .filter((vmid) => !topology.guests.some((g) => String(g.vmid) === vmid))
      .map((vmid) => `${dir.paths.guests[vmid]}: no guest ${vmid} in ${from}: not simulated (add it with its NICs)`),
  ];
  return { configs: configsFromTexts(dir), topology, warnings };
}

function packetFromFlags(v: Record<string, string | boolean | undefined>): Packet {
  if (typeof v.from !== "string" || typeof v.to !== "string") {
    throw new UsageError("give --packets FILE, or --from ZONE and --to ZONE");
  }
  const packet: Record<string, string> = { from: v.from, to: v.to };
  for (const k of ["proto", "dport", "sport", "source", "dest"] as const) {
    if (typeof v[k] === "string") packet[k] = v[k];
  }
  return packet as unknown as Packet;
}

/** One JSON line for a packet: the verdict's action and decider, or the error. */
function verdictLine(sim: Simulator, packet: unknown): { line: string; ok: boolean } {
  try {
    if (typeof packet !== "object" || packet === null || Array.isArray(packet)) {
      throw new Error('a packet is a JSON object such as {"from":"outside","to":"host","dport":22}');
    }
    const v = sim.simulate(packet as Packet);
    return { line: JSON.stringify({ action: v.action, decidedBy: v.decidedBy }), ok: true };
  } catch (err) {
    return { line: JSON.stringify({ error: (err as Error).message }), ok: false };
  }
}

/** Runs `simulate`; returns the exit code. */
export async function runSimulate(argv: string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        data: { type: "string" },
        topology: { type: "string" },
        endpoint: { type: "boolean" },
        node: { type: "string" },
        packets: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        proto: { type: "string" },
        dport: { type: "string" },
        sport: { type: "string" },
        source: { type: "string" },
        dest: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    io.err.write(`pve-firewall simulate: ${(err as Error).message}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out.write(SIMULATE_USAGE);
    return 0;
  }
  try {
    const input = await loadInput(values as { data?: string; topology?: string; endpoint?: boolean; node?: string });
    for (const w of input.warnings) io.err.write(`warning: ${w}\n`);
    const sim = createSimulator(input.configs, input.topology, {
      ...(typeof values.node === "string" ? { node: values.node } : {}),
      nowSec: Math.floor(Date.now() / 1000),
    });
    if (typeof values.packets === "string") {
      const text = await readFile(values.packets, "utf8");
      let ok = true;
      for (const raw of text.split("\n")) {
        if (raw.trim() === "") continue;
        let packet: unknown;
        try {
          packet = JSON.parse(raw);
        } catch {
          packet = undefined;
        }
        const r =
          packet === undefined
            ? { line: JSON.stringify({ error: `not JSON: ${raw.trim()}` }), ok: false }
            : verdictLine(sim, packet);
        ok &&= r.ok;
        io.out.write(`${r.line}\n`);
      }
      return ok ? 0 : 2;
    }
    const packet = packetFromFlags(values);
    if (values.json) {
      const r = verdictLine(sim, packet);
      io.out.write(`${r.line}\n`);
      return r.ok ? 0 : 2;
    }
    io.out.write(describeVerdict(sim.simulate(packet)));
    return 0;
  } catch (err) {
    const usage = err instanceof UsageError ? `\n\n${SIMULATE_USAGE}` : "\n";
    io.err.write(`pve-firewall simulate: ${(err as Error).message}${usage}`);
    return 2;
  }
}

/** The `simulate` subcommand. */
export const simulateCommand: CliCommand = {
  name: "simulate",
  usage: "pve-firewall simulate --data DIR --topology FILE ...",
  summary: "decide what a node's firewall does with packets (ACCEPT/DROP/REJECT and why)",
  run: runSimulate,
};
