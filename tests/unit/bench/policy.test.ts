/**
 * The policy-engine scenarios of the bench at small sizes (this does not run the bench): the
 * lint corpus and the simulator's packet stream are deterministic and realistic, lint finds every
 * planted problem, the stream reaches every level, and both scenarios count zero API calls and
 * record bpg and naive as having no equivalent.
 */
import { lintCorpus, POLICY_NOW_SEC } from "../../../bench/policy-fixtures";
import type { BenchContext } from "../../../bench/scenario";
import {
  checkPlanted,
  checkVerdicts,
  LINT_CONFIGS,
  lintScenario,
  SIMULATOR_PACKETS,
  simulatorScenario,
  tally,
} from "../../../bench/scenarios/policy";
import { packetStream, SIMULATOR_TOPOLOGY, simulatorFiles } from "../../../bench/simulator-fixtures";
import { configsFromTexts, createSimulator, lintFiles, readTopology } from "../../../provider/policy/index";
import { useEmulator } from "../../helpers/emulator";
import { benchContext } from "./context";

/** Configs 0-6 plant four problems each, rotating through all 14 kinds twice. */
const corpus = lintCorpus(7);

describe("lintCorpus", () => {
  it("generates the same text on every call", () => {
    expect(lintCorpus(3)).toEqual(lintCorpus(3));
  });

  it("varies nodes, guests and set sizes, with a blocklist of thousands of entries in every fifth config", () => {
    const sizes = corpus.map((c) => ({ nodes: c.topology.nodes.length, guests: c.topology.guests.length }));
    expect(new Set(sizes.map((s) => s.nodes))).toEqual(new Set([1, 2, 3]));
    expect(Math.min(...sizes.map((s) => s.guests))).toBe(3);
    const cluster = (k: number) => corpus[k]?.files.find((f) => f.role.kind === "cluster")?.text ?? "";
    const blocklistLines = (k: number) =>
      cluster(k).split("[IPSET blocklist]")[1]?.split("\n\n")[0]?.split("\n").length;
    expect(blocklistLines(0)).toBeGreaterThan(2000);
    expect(blocklistLines(1)).toBeLessThan(300);
    expect(cluster(0)).toMatch(/^!\d+\.\d+\.\d+\.0\/24 # customer$/m);
  });

  it("plants problems that lint reports, every kind at least once", () => {
    const findings = corpus.map((c) => lintFiles(c.files, { nowSec: POLICY_NOW_SEC, topology: c.topology }));
    expect(() => checkPlanted(corpus, findings)).not.toThrow();
    expect(new Set(corpus.flatMap((c) => c.planted)).size).toBe(14);
  });

  it("fails naming the config and the code when lint misses a planted problem", () => {
    const findings = corpus.map(() => []);
    expect(() => checkPlanted(corpus, findings)).toThrow(
      `config 0: lint did not report ${corpus[0]?.planted.join(", ")}`,
    );
  });
});

describe("simulator packet stream", () => {
  const sim = createSimulator(configsFromTexts(simulatorFiles()), readTopology(SIMULATOR_TOPOLOGY), {
    nowSec: POLICY_NOW_SEC,
  });
  const verdict = (packet: Parameters<typeof sim.simulate>[0]) => sim.simulate(packet);

  it("is the same on every call", () => {
    expect(packetStream(100)).toEqual(packetStream(100));
  });

  it("drops a blocklisted source at the first cluster rule, but not one in a nomatch hole", () => {
    const blocked = verdict({ from: "outside", to: "host", source: "31.0.200.9", dport: 8006 });
    expect(blocked).toMatchObject({ action: "DROP", decidedBy: { kind: "rule", level: "cluster", pos: 0 } });
    const hole = verdict({ from: "outside", to: "host", source: "31.0.7.9", dport: 8006 });
    expect(hole.decidedBy).not.toMatchObject({ level: "cluster", pos: 0 });
  });

  it("lets management in by the host rule, drops a spoofed guest source by ipfilter, skips an unfiltered NIC", () => {
    expect(verdict({ from: "outside", to: "host", source: "203.0.113.10", dport: 22 })).toMatchObject({
      action: "ACCEPT",
      decidedBy: { kind: "rule", level: "host", pos: 0 },
    });
    expect(verdict({ from: "vm100", to: "outside", source: "10.0.3.100", dport: 443 })).toMatchObject({
      action: "DROP",
      decidedBy: { kind: "implicit", name: expect.stringContaining("ipfilter") },
    });
    expect(verdict({ from: "outside", to: "vm102", dport: 80 }).decidedBy).toMatchObject({ gate: "nic-no-firewall" });
  });

  it("reaches every action and rules of every level, and fails naming what no packet reached", () => {
    const counts = new Map<string, number>();
    for (const p of packetStream(700)) tally(counts, sim.simulate(p));
    expect(() => checkVerdicts(counts)).not.toThrow();
    counts.delete("host rule");
    counts.delete("REJECT");
    expect(() => checkVerdicts(counts)).toThrow("no packet was decided by: REJECT, host rule");
  });
});

describe("policy scenarios", () => {
  const emu = useEmulator();
  let ctx: BenchContext;
  beforeAll(() => {
    ctx = benchContext(emu.handle());
  });
  afterAll(async () => {
    await ctx.client.close();
  });

  it("carry their size in the name, at the issue's sizes by default", () => {
    expect([lintScenario(LINT_CONFIGS).name, simulatorScenario(SIMULATOR_PACKETS).name]).toEqual([
      "lint: 50 configs",
      "simulator: 50000 packets",
    ]);
  });

  it("count zero API calls for ours and record bpg and naive as having no equivalent", async () => {
    for (const scenario of [lintScenario(3), simulatorScenario(300)]) {
      const r = await scenario.run(ctx);
      expect(scenario.minimum).toEqual({ writes: 0, reads: 0 });
      expect(r).toEqual({
        ours: { writes: 0, reads: 0, wallMs: expect.any(Number), peakRssMb: expect.any(Number) },
        bpg: null,
        naive: null,
      });
    }
  });
});
