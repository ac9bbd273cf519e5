/**
 * The policy engine's scenarios (issue 12 "Done when", issue 13 scenario list). Both are pure
 * computations in the bench process, measured with the emulator's counters around them (so the
 * 0 writes and 0 reads are counted, not assumed). bpg and naive have neither a lint nor a
 * simulator: their results are `null` (shown as —).
 * - `lint: N configs`: `lintFiles` over the N configurations of {@link lintCorpus} (texts in
 *   memory; one call per cluster, as `pve-firewall lint` makes per data directory), each with its
 *   topology. Minimum 0 and 0 (no API). Checked: every planted problem is reported. Target:
 *   `LINT_MS_PER_CONFIG` (`../targets.ts`) per config.
 * - `simulator: N packets`: parse the files of {@link simulatorFiles}, compile node `pve1` and
 *   simulate the first N packets of {@link packetStream}, as `pve-firewall simulate --packets`
 *   does (minus file I/O). Minimum 0 and 0. Checked: every packet gets a verdict, all three
 *   actions occur, and rules of every level decide some. Target:
 *   `SIMULATOR_MIN_PACKETS_PER_SEC` (`../targets.ts`), N / wall time.
 */
import { configsFromTexts, createSimulator, type Finding, lintFiles, readTopology } from "../../provider/policy/index";
import type { Verdict } from "../../provider/policy/types";
import { measureInProcess } from "../measure";
import { type LintCase, lintCorpus, POLICY_NOW_SEC } from "../policy-fixtures";
import type { BenchContext, Scenario } from "../scenario";
import { packetStream, SIMULATOR_TOPOLOGY, simulatorFiles } from "../simulator-fixtures";

/** Configurations of the lint scenario (issue 13: "lint of 50 configs"). */
export const LINT_CONFIGS = 50;
/** Packets of the simulator scenario: enough that parsing and compiling once weigh little. */
export const SIMULATOR_PACKETS = 50_000;

/** Throws unless lint reported every problem planted in every configuration, naming the first gap. */
export function checkPlanted(corpus: readonly LintCase[], findings: readonly (readonly Finding[])[]): void {
  corpus.forEach((c, k) => {
    const codes = new Set(findings[k]?.map((f) => f.code));
    const missing = c.planted.filter((code) => !codes.has(code));
    if (missing.length > 0) throw new Error(`config ${k}: lint did not report ${missing.join(", ")}`);
  });
}

/** `lint: N configs`. */
export function lintScenario(configs: number): Scenario {
  return {
    name: `lint: ${configs} configs`,
    minimum: { writes: 0, reads: 0 },
    run: async (ctx: BenchContext) => {
      const corpus = lintCorpus(configs);
      const { measured, result } = await measureInProcess(ctx.client, async () =>
        corpus.map((c) => lintFiles(c.files, { nowSec: POLICY_NOW_SEC, topology: c.topology })),
      );
      try {
        checkPlanted(corpus, result);
      } catch (e) {
        throw new Error(`ours: did not reach the desired result: ${(e as Error).message}`);
      }
      const files = corpus.reduce((n, c) => n + c.files.length, 0);
      ctx.log(`lint: ${configs} configs, ${files} files, ${result.flat().length} findings`);
      return { ours: measured, bpg: null, naive: null };
    },
  };
}

/**
 * Counts verdicts by action and by what decided them (`cluster rule`, `group rule`, `policy`,
 * `implicit`, `gate`, ...), so the stream is checked without keeping 50,000 verdicts in memory
 * (the CLI prints each one and forgets it).
 */
export function tally(counts: Map<string, number>, v: Verdict): void {
  const d = v.decidedBy;
  for (const key of [v.action, d.kind === "rule" ? `${d.level} rule` : d.kind])
    counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Throws unless the tally shows every action, and rules of every level and a policy deciding. */
export function checkVerdicts(counts: ReadonlyMap<string, number>): void {
  const want = ["ACCEPT", "DROP", "REJECT", "cluster rule", "host rule", "guest rule", "group rule", "policy"];
  const missing = want.filter((w) => !counts.has(w));
  if (missing.length > 0) throw new Error(`no packet was decided by: ${missing.join(", ")}`);
}

/** `simulator: N packets`. */
export function simulatorScenario(packets: number): Scenario {
  return {
    name: `simulator: ${packets} packets`,
    minimum: { writes: 0, reads: 0 },
    run: async (ctx: BenchContext) => {
      const files = simulatorFiles();
      const topology = readTopology(SIMULATOR_TOPOLOGY);
      const stream = packetStream(packets);
      const { measured, result } = await measureInProcess(ctx.client, async () => {
        const sim = createSimulator(configsFromTexts(files), topology, { nowSec: POLICY_NOW_SEC });
        const counts = new Map<string, number>();
        for (const p of stream) tally(counts, sim.simulate(p));
        return counts;
      });
      try {
        checkVerdicts(result);
      } catch (e) {
        throw new Error(`ours: did not reach the desired result: ${(e as Error).message}`);
      }
      const shown = [...result].map(([k, n]) => `${n} ${k}`).join(", ");
      ctx.log(`simulator: ${packets} packets: ${shown}`);
      return { ours: measured, bpg: null, naive: null };
    },
  };
}

/** Both policy scenarios at the sizes. */
export function policyScenarios(): Scenario[] {
  return [lintScenario(LINT_CONFIGS), simulatorScenario(SIMULATOR_PACKETS)];
}
