/**
 * What the bench holds ours to (issue 13). In every scenario ours may not exceed the minimum
 * writes; some scenarios add a target. A miss makes `npm run bench` exit non-zero and is named.
 */
import type { ScenarioResult } from "./results";

/** A scenario target: which scenarios it covers, its label, and the check. */
export interface Target {
  /** Short text for tables, e.g. `≤ 1 read`. */
  readonly label: string;
  readonly covers: (name: string) => boolean;
  /** What ours missed, or `undefined` when the target is met. */
  readonly miss: (r: ScenarioResult) => string | undefined;
}

/** Allowed ratio of ours' `up` time to the lock-bound time for an IPSet create. */
export const LOCK_BOUND_FACTOR = 1.2;

/** The targets of issue 13 ("What to build"). */
export const TARGETS: readonly Target[] = [
  {
    label: "≤ 1 read",
    covers: (name) => name.endsWith(": comment edit"),
    miss: (r) => (r.ours.reads <= 1 ? undefined : `ours made ${r.ours.reads} reads, target 1`),
  },
  {
    label: `≤ ${LOCK_BOUND_FACTOR}× lock-bound time`,
    covers: (name) => /^ipset \d+: create$/.test(name),
    miss: (r) => {
      if (r.lockBoundMs === undefined) return "no lock-bound time was measured";
      const ratio = r.ours.wallMs / r.lockBoundMs;
      return ratio <= LOCK_BOUND_FACTOR
        ? undefined
        : `ours took ${r.ours.wallMs} ms = ${ratio.toFixed(2)}× the lock-bound ${r.lockBoundMs} ms, target ${LOCK_BOUND_FACTOR}×`;
    },
  },
  {
    label: "1 GET per list",
    covers: (name) => name.endsWith(": refresh"),
    miss: (r) =>
      r.ours.reads <= r.minimum.reads ? undefined : `ours made ${r.ours.reads} reads, target ${r.minimum.reads}`,
  },
  {
    label: "0 calls",
    covers: (name) => name.endsWith(": no-change preview"),
    miss: (r) =>
      r.ours.reads + r.ours.writes === 0 ? undefined : `ours made ${r.ours.writes} writes and ${r.ours.reads} reads`,
  },
];

/** The targets that cover scenario `name`. */
export function targetsOf(name: string): Target[] {
  return TARGETS.filter((t) => t.covers(name));
}

/** Every miss of ours in `results`, each naming its scenario; empty when all is met. */
export function misses(results: readonly ScenarioResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    if (r.ours.writes > r.minimum.writes)
      out.push(`${r.name}: ours made ${r.ours.writes} writes, minimum ${r.minimum.writes}`);
    for (const t of targetsOf(r.name)) {
      const m = t.miss(r);
      if (m !== undefined) out.push(`${r.name}: ${m}`);
    }
  }
  return out;
}
