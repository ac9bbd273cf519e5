/**
 * How results are shown: the table `npm run bench` prints and the README's performance table, both
 * with every count next to its ratio to the scenario's minimum. Pure functions of the results.
 */
import { type BenchResults, type Measured, type ScenarioResult, STRATEGIES } from "./results";
import { targetsOf } from "./targets";

/** `value` against `minimum`: `0×`, `0.5×`, `23×`; against a zero minimum `=` (both 0) or `+n`. */
export function ratio(value: number, minimum: number): string {
  if (minimum === 0) return value === 0 ? "=" : `+${value}`;
  if (value === 0) return "0×";
  const r = value / minimum;
  return `${r >= 10 ? Math.round(r) : r.toFixed(1)}×`;
}

/** A wall time for people: `46 ms`, `3.2 s`, `174 s`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** The cell of a strategy that has no equivalent in a scenario (its result is `null`). */
export const NO_EQUIVALENT = "—";

/** One strategy's cell: `writes/reads (ratios), time`, or {@link NO_EQUIVALENT}. */
export function cell(m: Measured | null, minimum: ScenarioResult["minimum"]): string {
  if (m === null) return NO_EQUIVALENT;
  return `${m.writes}/${m.reads} (${ratio(m.writes, minimum.writes)}/${ratio(m.reads, minimum.reads)}), ${duration(m.wallMs)}`;
}

/**
 * The target cell: each covering target's label with ✓ or ✗ (and what ours measured, for a target
 * that states it), plus the lock-bound time.
 */
export function targetCell(r: ScenarioResult): string {
  const parts = targetsOf(r.name).map(
    (t) => `${t.label} ${t.miss(r) === undefined ? "✓" : "✗"}${t.figure ? ` (${t.figure(r)})` : ""}`,
  );
  if (r.lockBoundMs !== undefined)
    parts.push(`lock-bound ${duration(r.lockBoundMs)} (ours ${(r.ours.wallMs / r.lockBoundMs).toFixed(2)}×)`);
  const writesOk = r.ours.writes <= r.minimum.writes ? "✓" : "✗";
  return [`min writes ${writesOk}`, ...parts].join("; ");
}

/** One line stating how the run was made. */
export function settingsLine(settings: BenchResults["settings"]): string {
  const s = settings as Record<string, unknown>;
  return [
    `emulator latency ${s.latencyMs} ms + write cost ${s.writeCostMs} ms per request`,
    `node ${s.node} on ${s.cpu} (${s.cores} cores)`,
    `${s.date}`,
    `whole run ${duration(Number(s.wallMs))}`,
  ].join("; ");
}

const HEADER = ["scenario", "minimum w/r", "ours", "bpg", "naive", "targets"] as const;

function rows(results: readonly ScenarioResult[]): string[][] {
  return results.map((r) => [
    r.name,
    `${r.minimum.writes}/${r.minimum.reads}`,
    ...STRATEGIES.map((s) => cell(r[s], r.minimum)),
    targetCell(r),
  ]);
}

/** The fixed-width table `npm run bench` prints. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const body = rows(results);
  const widths = HEADER.map((h, c) => Math.max(h.length, ...body.map((row) => (row[c] as string).length)));
  const line = (row: readonly string[]) =>
    row
      .map((x, c) => x.padEnd(widths[c] as number))
      .join("  ")
      .trimEnd();
  return [line(HEADER), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/** The README's performance table (markdown), with the settings line above it. */
export function markdownTable(results: BenchResults): string {
  const head = ["scenario", "minimum writes/reads", "this package", "bpg strategy", "naive", "targets"];
  const esc = (x: string) => x.replace(/\|/g, "\\|");
  return [
    `Measured by \`npm run bench\` (\`bench/results.json\`): ${settingsLine(results.settings)}.`,
    `Each cell: writes/reads (each as a multiple of the minimum), wall time${
      results.scenarios.some((r) => r.bpg === null || r.naive === null)
        ? `; ${NO_EQUIVALENT}: the strategy has no equivalent, so nothing was run`
        : ""
    }.`,
    "",
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows(results.scenarios).map((row) => `| ${row.map(esc).join(" | ")} |`),
  ].join("\n");
}
