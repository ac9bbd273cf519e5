/**
 * Measuring one strategy in one scenario: the emulator's request counters around the operation,
 * its wall time, and the peak resident memory of whatever ran it.
 *
 * Peak RSS (Linux `/proc`): for work done inside the bench process (the provider called directly,
 * the baseline executors), the process's own high-water mark `VmHWM`, reset before the operation
 * through `/proc/self/clear_refs`; it includes the bench's own baseline (Node, loaded modules).
 * For the local runner, the sum of `VmRSS` over the runner and all its descendants (language
 * host, dynamic-provider host), sampled every {@link TREE_SAMPLE_MS} ms. Elsewhere, the bench
 * process's lifetime peak (`process.resourceUsage().maxRSS`), which only grows.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { EmulatorClient } from "./http";
import type { Measured } from "./results";

/** Sampling interval of a process tree's RSS, ms. */
export const TREE_SAMPLE_MS = 50;

/** Rounds to `digits` decimals (for readable JSON and tables). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function statusKiB(pid: number | "self", field: "VmHWM" | "VmRSS"): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Resets this process's peak RSS where the kernel allows it (Linux: `echo 5 > /proc/self/clear_refs`). */
export function resetPeakRss(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // not Linux, or not permitted: peakRssMb() then reports the lifetime peak
  }
}

/** This process's peak RSS since {@link resetPeakRss}, MiB. */
export function peakRssMb(): number {
  const kib = statusKiB("self", "VmHWM") ?? process.resourceUsage().maxRSS;
  return round(kib / 1024);
}

/** `pid` and every descendant of it (Linux `/proc/<pid>/task/<tid>/children`). */
function processTree(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number): void => {
    out.push(p);
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const tid of tasks) {
      let children = "";
      try {
        children = readFileSync(`/proc/${p}/task/${tid}/children`, "utf8");
      } catch {
        continue;
      }
      for (const c of children.split(" ").filter(Boolean)) visit(Number(c));
    }
  };
  visit(pid);
  return out;
}

/** Samples the summed RSS of a process tree until stopped; `peakMb` is the highest sum seen. */
export class TreeRssSampler {
  #peakKiB = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(readonly rootPid: number) {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), TREE_SAMPLE_MS);
  }

  #sample(): void {
    let sum = 0;
    for (const p of processTree(this.rootPid)) sum += statusKiB(p, "VmRSS") ?? 0;
    this.#peakKiB = Math.max(this.#peakKiB, sum);
  }

  /** Stops sampling and returns the peak, MiB. */
  stop(): number {
    clearInterval(this.#timer);
    return round(this.#peakKiB / 1024);
  }
}

/**
 * Runs `op` in this process with fresh counters and a reset RSS peak; returns what it cost and
 * its result.
 */
export async function measureInProcess<T>(
  client: EmulatorClient,
  op: () => Promise<T>,
): Promise<{ measured: Measured; result: T }> {
  await client.resetCalls();
  resetPeakRss();
  const start = performance.now();
  const result = await op();
  const wallMs = performance.now() - start;
  const calls = await client.calls();
  return { measured: { ...calls, wallMs: round(wallMs), peakRssMb: peakRssMb() }, result };
}
