/**
 * `npm run bench`: starts one emulator with realistic latency and write cost, runs every scenario
 * (ours, the bpg strategy and the naive strategy, each executed against that emulator and counted
 * by it), prints the table with ratios to the minimum, writes `bench/results.json`, regenerates the
 * README's performance table, and exits 1 when ours misses the minimum writes or a target (each
 * miss named), 2 on bad settings. Settings: see `settings.ts`. A full run takes about an hour on
 * two shared cores, almost all of it the baselines' sequential IPSet rebuilds (see bench/README.md).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { startEmulatorProcess } from "./emulator";
import { EmulatorClient } from "./http";
import { updateReadme } from "./readme";
import { duration, formatTable, settingsLine } from "./report";
import type { BenchResults, ScenarioResult } from "./results";
import { resultOf } from "./scenario";
import { allScenarios } from "./scenarios/index";
import { type BenchSettings, DEFAULT_OUT, parseSettings, selected } from "./settings";
import { misses } from "./targets";

/** What a run records about itself in `settings`. */
function recordedSettings(s: BenchSettings, wallMs: number, date: Date): BenchResults["settings"] {
  return {
    latencyMs: s.latencyMs,
    writeCostMs: s.writeCostMs,
    rules: s.rules,
    ipsetEntries: s.ipsetEntries,
    refreshEntries: s.refreshEntries,
    lockBoundConcurrency: s.lockBoundConcurrency,
    ...(s.only === undefined ? {} : { only: s.only }),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    date: date.toISOString(),
    wallMs: Math.round(wallMs),
  };
}

/** Runs the bench; resolves with the exit code. Never calls `process.exit`. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let settings: BenchSettings;
  try {
    settings = parseSettings(argv, env);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 2;
  }
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const all = allScenarios(settings);
  const scenarios = all.filter((s) => selected(s.name, settings.only));
  if (scenarios.length === 0) {
    log(
      `--only ${JSON.stringify(settings.only)} matches no scenario; the scenarios are:\n  ${all.map((s) => s.name).join("\n  ")}`,
    );
    return 2;
  }
  log(
    `emulator latency ${settings.latencyMs} ms + write cost ${settings.writeCostMs} ms; ${scenarios.length} scenarios`,
  );
  const start = performance.now();
  const emulator = await startEmulatorProcess(settings);
  const client = new EmulatorClient(emulator);
  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  try {
    for (const scenario of scenarios) {
      const t = performance.now();
      try {
        results.push(resultOf(scenario, await scenario.run({ client, log })));
        log(`${scenario.name}: done in ${duration(performance.now() - t)}`);
      } catch (e) {
        failures.push(`${scenario.name}: failed: ${(e as Error).message}`);
        log(`${scenario.name}: FAILED after ${duration(performance.now() - t)}: ${(e as Error).message}`);
      }
    }
  } finally {
    await client.close();
    await emulator.stop();
  }
  const report: BenchResults = {
    settings: recordedSettings(settings, performance.now() - start, new Date()),
    scenarios: results,
  };
  mkdirSync(dirname(settings.out), { recursive: true });
  writeFileSync(settings.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${formatTable(results)}\n\n${settingsLine(report.settings)}\nwrote ${settings.out}\n`);
  if (settings.out === DEFAULT_OUT && settings.only === undefined) {
    updateReadme();
    process.stdout.write("README.md: performance table regenerated\n");
  }
  const missed = [...failures, ...misses(results)];
  for (const m of missed) process.stdout.write(`MISS ${m}\n`);
  return missed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
