/**
 * Measuring helpers shared by the benchmark scenarios: wall-clock timing (median of N runs),
 * latency percentiles, heap deltas, and the result row every scenario returns.
 */
import { performance } from "node:perf_hooks";

/** API calls of one operation, reads (GET) and writes (everything else) counted apart. */
export interface CallCount {
  readonly reads: number;
  readonly writes: number;
}

/** One measured number of a scenario: one row of the printed table and of `results.json`. */
export interface BenchResult {
  /** Scenario name, e.g. `planner-rules`. */
  readonly scenario: string;
  /** Short name of the number, e.g. `full shuffle: time`. */
  readonly metric: string;
  /** One sentence saying what exactly was measured. */
  readonly measures: string;
  /** Our value. */
  readonly value: number;
  /** Unit of `value` (and of `compare.value`), e.g. `ms`, `ops`, `req/s`, `calls`. */
  readonly unit: string;
  /** A reference to read `value` against: a target, or a modelled naive strategy. */
  readonly compare?: { readonly value: number; readonly label: string };
  /** API calls of the operation, when it talks to an API (ours, and the naive model's). */
  readonly calls?: { readonly ours: CallCount; readonly naive?: CallCount };
}

/** Milliseconds elapsed while `fn` runs. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** The `p`-th percentile (0..100, nearest rank) of `values`; `NaN` when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** The median of `values` (50th percentile, nearest rank). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * Runs `fn` once to warm up, then `runs` more times, and returns the median time in ms and the
 * last run's result (so callers can report sizes such as op counts without re-running).
 */
export async function medianTime<T>(runs: number, fn: () => T | Promise<T>): Promise<{ ms: number; result: T }> {
  let result = await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await fn();
    times.push(performance.now() - start);
  }
  return { ms: median(times), result };
}

/** Runs a full garbage collection when Node was started with `--expose-gc`; says whether it did. */
export function collectGarbage(): boolean {
  if (typeof globalThis.gc !== "function") return false;
  globalThis.gc();
  return true;
}

/** What {@link heapDelta} measured. */
export interface HeapDelta<T> {
  /** heapUsed right after `fn` minus before it: what it allocated and had not yet freed (≈ peak). */
  readonly transientBytes: number;
  /** heapUsed after a full GC minus before: what its kept-alive result still holds. */
  readonly retainedBytes: number;
  readonly result: T;
  /** Whether full GCs were run (`--expose-gc`); without them both numbers are raw and noisy. */
  readonly gc: boolean;
}

/** Heap use of one call of `fn`, while its result is kept alive (see {@link HeapDelta}). */
export function heapDelta<T>(fn: () => T): HeapDelta<T> {
  const gc = collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const result = fn();
  const after = process.memoryUsage().heapUsed;
  collectGarbage();
  const retained = process.memoryUsage().heapUsed;
  return {
    transientBytes: Math.max(0, after - before),
    retainedBytes: Math.max(0, retained - before),
    result,
    gc,
  };
}

/** How heap numbers were taken, as a suffix for `measures`. */
export function gcNote(gc: boolean): string {
  return gc ? " (full GC before)" : " (no --expose-gc: raw, noisy)";
}

/** Rounds to `digits` decimals (for readable JSON and tables). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
