/**
 * The benchmark report: the readable table printed to stdout and the `results.json` document
 * (machine, Node version, date, and every scenario row).
 */
import { cpus, totalmem } from "node:os";
import type { BenchResult } from "./measure";

/** The document written to `bench/results.json`. */
export interface BenchReport {
  readonly date: string;
  readonly node: string;
  readonly machine: {
    readonly platform: string;
    readonly arch: string;
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGiB: number;
  };
  /** Whether heap numbers were taken after full GCs (`--expose-gc`). */
  readonly exposeGc: boolean;
  readonly totalMs: number;
  readonly results: readonly BenchResult[];
}

/** Builds the report document around `results`; `now` is the run's date. */
export function buildReport(results: readonly BenchResult[], totalMs: number, now: Date): BenchReport {
  const cpu = cpus();
  return {
    date: now.toISOString(),
    node: process.version,
    machine: {
      platform: process.platform,
      arch: process.arch,
      cpu: cpu[0]?.model.trim() ?? "unknown",
      cores: cpu.length,
      memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    },
    exposeGc: typeof globalThis.gc === "function",
    totalMs: Math.round(totalMs),
    results,
  };
}

const HEADER = ["scenario", "metric", "ours", "naive/target", "unit"] as const;

/** The `naive/target` cell of a row: the reference value and what it is. */
function compareCell(row: BenchResult): string {
  return row.compare === undefined ? "" : `${row.compare.value} (${row.compare.label})`;
}

/** The rows as a fixed-width text table with the columns scenario, metric, ours, naive/target, unit. */
export function formatTable(results: readonly BenchResult[]): string {
  const cells = results.map((r) => [r.scenario, r.metric, String(r.value), compareCell(r), r.unit]);
  const widths = HEADER.map((h, c) => Math.max(h.length, ...cells.map((row) => (row[c] as string).length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, c) => (c === 2 ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(HEADER), rule, ...cells.map(line)].join("\n");
}
