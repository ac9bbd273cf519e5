/**
 * Scenario `planner-ipset`: {@link planIpSetEntries} without I/O on a large set, for one entry
 * added and one entry changed. Reports the median planning time, the op count (= API writes) and
 * the heap the plan retains.
 */
import type { IpSetEntryFields } from "../../provider/model/wire";
import { planIpSetEntries } from "../../provider/plan/ipset";
import { ipSetEntries } from "../fixtures";
import { type BenchResult, gcNote, heapDelta, medianTime, round } from "../measure";
import { naiveIpSetEntryChange } from "../naive";

/** Sizes of {@link runPlannerIpSet}. */
export interface PlannerIpSetOptions {
  /** Entries in the current set. @default 10000 */
  readonly size?: number;
  /** Timed runs per case (after one warm-up). @default 15 */
  readonly runs?: number;
}

/** Runs the scenario and returns its rows. */
export async function runPlannerIpSet(options: PlannerIpSetOptions = {}): Promise<BenchResult[]> {
  const size = options.size ?? 10_000;
  const runs = options.runs ?? 15;
  const current = ipSetEntries(size);
  const mid = Math.floor(size / 2);
  const cases: { name: string; desired: IpSetEntryFields[] }[] = [
    { name: `${size} → ${size + 1} entries`, desired: [...current, { cidr: "192.0.2.0/24", comment: "added" }] },
    {
      name: `${size} entries, one changed`,
      desired: current.map((e, i) => (i === mid ? { ...e, comment: "changed" } : e)),
    },
  ];
  const rows: BenchResult[] = [];
  for (const c of cases) {
    const { ms, result: ops } = await medianTime(runs, () => planIpSetEntries(current, c.desired));
    if (ops.length !== 1) throw new Error(`planner-ipset ${c.name}: expected one op, planned ${ops.length}`);
    const heap = heapDelta(() => planIpSetEntries(current, c.desired));
    rows.push(
      {
        scenario: "planner-ipset",
        metric: `${c.name}: time`,
        measures: `median wall time of planIpSetEntries, no I/O, ${runs} runs after a warm-up`,
        value: round(ms, 3),
        unit: "ms",
      },
      {
        scenario: "planner-ipset",
        metric: `${c.name}: ops`,
        measures: "ops planned (each op is one API write)",
        value: ops.length,
        unit: "ops",
        compare: { value: naiveIpSetEntryChange(c.desired.length).writes, label: "model of bpg behaviour" },
      },
      {
        scenario: "planner-ipset",
        metric: `${c.name}: heap (transient)`,
        measures: `heapUsed right after one planIpSetEntries call minus before it${gcNote(heap.gc)}`,
        value: round(heap.transientBytes / 1024, 1),
        unit: "KiB",
      },
      {
        scenario: "planner-ipset",
        metric: `${c.name}: heap (retained)`,
        measures: `heapUsed after a GC with the plan kept alive minus before${gcNote(heap.gc)}`,
        value: round(heap.retainedBytes / 1024, 1),
        unit: "KiB",
      },
    );
  }
  return rows;
}
