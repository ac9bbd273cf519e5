/**
 * `npm run bench`: runs every scenario in turn, prints the table and writes `bench/results.json`.
 * Loopback only, bounded loops; the whole run takes well under three minutes on two cores.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { BenchResult } from "./measure";
import { buildReport, formatTable } from "./report";
import { runEmulator } from "./scenarios/emulator";
import { runFwCodec } from "./scenarios/fw-codec";
import { runPlannerIpSet } from "./scenarios/planner-ipset";
import { runPlannerRules } from "./scenarios/planner-rules";
import { runProvider } from "./scenarios/provider";

/** The scenarios in run order, by name. */
export const SCENARIOS: readonly { readonly name: string; readonly run: () => Promise<BenchResult[]> }[] = [
  { name: "planner-rules", run: () => runPlannerRules() },
  { name: "planner-ipset", run: () => runPlannerIpSet() },
  { name: "fw-codec", run: () => runFwCodec() },
  { name: "emulator", run: () => runEmulator() },
  { name: "provider", run: () => runProvider() },
];

/** Runs all scenarios, prints the table and writes the report to `resultsPath`. */
export async function main(resultsPath: string): Promise<void> {
  const start = performance.now();
  const results: BenchResult[] = [];
  for (const s of SCENARIOS) {
    const t = performance.now();
    results.push(...(await s.run()));
    process.stderr.write(`bench: ${s.name} done in ${Math.round(performance.now() - t)} ms\n`);
  }
  const report = buildReport(results, performance.now() - start, new Date());
  process.stdout.write(`${formatTable(results)}\n\n`);
  process.stdout.write(
    `node ${report.node} on ${report.machine.cpu} (${report.machine.cores} cores), ${report.totalMs} ms total; naive counts are a model of bpg behaviour, not measured\n`,
  );
  await writeFile(resultsPath, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`wrote ${resultsPath}\n`);
}

if (require.main === module) {
  // dist/bench/run.js → bench/results.json at the package root
  main(join(__dirname, "..", "..", "bench", "results.json")).catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
