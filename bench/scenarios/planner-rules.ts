/**
 * Scenario `planner-rules`: {@link planRules} without I/O on a long rule list, for the canonical
 * edits (one comment edit, one insert in the middle, the tail reversed, a full shuffle). Reports the
 * median planning time and the op count (= API writes), and checks each plan by simulation.
 */

import type { RuleFields } from "../../provider/model/wire";
import { planRules, simulateRuleOps } from "../../provider/plan/rules";
import { ruleList, seededShuffle } from "../fixtures";
import { type BenchResult, gcNote, heapDelta, medianTime, round } from "../measure";
import { naiveRulesUpdate } from "../naive";

/** Sizes of {@link runPlannerRules}. */
export interface PlannerRulesOptions {
  /** Length of the current list. @default 1000 */
  readonly size?: number;
  /** How many trailing rules the `reversed tail` case reverses. @default 100 */
  readonly tail?: number;
  /** Timed runs per case (after one warm-up). @default 9 */
  readonly runs?: number;
  /** Seed of the full shuffle. @default 42 */
  readonly seed?: number;
}

/** One edit: a name and the desired list it plans towards. */
interface RuleCase {
  readonly name: string;
  readonly desired: readonly RuleFields[];
}

/** The canonical edits of `current`. */
function ruleCases(current: readonly RuleFields[], tail: number, seed: number): RuleCase[] {
  const mid = Math.floor(current.length / 2);
  const cut = Math.max(0, current.length - tail);
  return [
    {
      name: "one comment edit",
      desired: current.map((r, i) => (i === mid ? { ...r, comment: `${r.comment ?? ""} edited` } : r)),
    },
    {
      name: "insert in the middle",
      desired: [
        ...current.slice(0, mid),
        { type: "in", action: "DROP", enable: 1, proto: "udp", dport: "53", comment: "inserted" },
        ...current.slice(mid),
      ],
    },
    {
      name: `reversed tail of ${current.length - cut}`,
      desired: [...current.slice(0, cut), ...current.slice(cut).reverse()],
    },
    { name: "full shuffle", desired: seededShuffle(current, seed) },
  ];
}

/** Throws unless applying `ops` to `current` yields `desired` (a wrong plan must not be benchmarked). */
function assertPlanReaches(
  current: readonly RuleFields[],
  desired: readonly RuleFields[],
  ops: Parameters<typeof simulateRuleOps>[1],
  name: string,
): void {
  const reached = JSON.stringify(simulateRuleOps(current, ops));
  if (reached !== JSON.stringify(desired))
    throw new Error(`planner-rules ${name}: the plan does not reach the desired list`);
}

/** Runs the scenario and returns its rows. */
export async function runPlannerRules(options: PlannerRulesOptions = {}): Promise<BenchResult[]> {
  const size = options.size ?? 1000;
  const runs = options.runs ?? 9;
  const current = ruleList(size);
  const rows: BenchResult[] = [];
  for (const c of ruleCases(current, options.tail ?? 100, options.seed ?? 42)) {
    const { ms, result: ops } = await medianTime(runs, () => planRules(current, c.desired));
    assertPlanReaches(current, c.desired, ops, c.name);
    rows.push(
      {
        scenario: "planner-rules",
        metric: `${c.name}: time`,
        measures: `median wall time of planRules(${size} rules → ${c.desired.length}), no I/O, ${runs} runs after a warm-up`,
        value: round(ms, 3),
        unit: "ms",
      },
      {
        scenario: "planner-rules",
        metric: `${c.name}: ops`,
        measures: `ops planned (each op is one API write) for ${c.name} in ${size} rules`,
        value: ops.length,
        unit: "ops",
        compare: {
          value: naiveRulesUpdate(size, c.desired.length, Math.max(0, c.desired.length - size)).writes,
          label: "model of bpg behaviour",
        },
      },
    );
  }
  const shuffled = seededShuffle(current, options.seed ?? 42);
  const heap = heapDelta(() => planRules(current, shuffled));
  rows.push(
    {
      scenario: "planner-rules",
      metric: "full shuffle: heap (transient)",
      measures: `heapUsed right after planning a ${size}-rule shuffle minus before it${gcNote(heap.gc)}`,
      value: round(heap.transientBytes / 1024, 1),
      unit: "KiB",
    },
    {
      scenario: "planner-rules",
      metric: "full shuffle: heap (retained)",
      measures: `heapUsed after a GC with the ${heap.result.length} ops kept alive minus before${gcNote(heap.gc)}`,
      value: round(heap.retainedBytes / 1024, 1),
      unit: "KiB",
    },
  );
  return rows;
}
