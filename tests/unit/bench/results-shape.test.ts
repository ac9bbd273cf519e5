/**
 * Keeps the benchmark code from rotting: every scenario runs here at tiny sizes and must return
 * well-formed rows. Nothing here asserts on speed (speed lives in `npm run bench`).
 */
import type { BenchResult } from "../../../bench/measure";
import { median, percentile } from "../../../bench/measure";
import { naiveIpSetEntryChange, naiveIpSetRead, naiveRulesRead, naiveRulesUpdate } from "../../../bench/naive";
import { buildReport, formatTable } from "../../../bench/report";
import { runEmulator } from "../../../bench/scenarios/emulator";
import { runFwCodec } from "../../../bench/scenarios/fw-codec";
import { runPlannerIpSet } from "../../../bench/scenarios/planner-ipset";
import { runPlannerRules } from "../../../bench/scenarios/planner-rules";
import { runProvider } from "../../../bench/scenarios/provider";

function expectWellFormed(rows: readonly BenchResult[], scenario: string): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(row.scenario).toBe(scenario);
    expect(row.metric).not.toBe("");
    expect(row.measures).not.toBe("");
    expect(row.unit).not.toBe("");
    expect(Number.isFinite(row.value)).toBe(true);
  }
}

function metricValue(rows: readonly BenchResult[], metric: string): number | undefined {
  return rows.find((r) => r.metric === metric)?.value;
}

describe("runPlannerRules", () => {
  it("returns a time and an op count per canonical edit, plus heap rows", async () => {
    const rows = await runPlannerRules({ size: 12, tail: 4, runs: 1 });
    expectWellFormed(rows, "planner-rules");
    expect(rows.map((r) => r.metric)).toEqual([
      "one comment edit: time",
      "one comment edit: ops",
      "insert in the middle: time",
      "insert in the middle: ops",
      "reversed tail of 4: time",
      "reversed tail of 4: ops",
      "full shuffle: time",
      "full shuffle: ops",
      "full shuffle: heap (transient)",
      "full shuffle: heap (retained)",
    ]);
    expect(metricValue(rows, "one comment edit: ops")).toBe(1);
  });
});

describe("runPlannerIpSet", () => {
  it("plans one op for one added and one changed entry, next to the naive model", async () => {
    const rows = await runPlannerIpSet({ size: 20, runs: 1 });
    expectWellFormed(rows, "planner-ipset");
    expect(metricValue(rows, "20 → 21 entries: ops")).toBe(1);
    expect(metricValue(rows, "20 entries, one changed: ops")).toBe(1);
    expect(rows.find((r) => r.metric === "20 → 21 entries: ops")?.compare).toEqual({
      value: 23,
      label: "model of bpg behaviour",
    });
  });
});

describe("runFwCodec", () => {
  it("parses and prints a small ipset file", async () => {
    const rows = await runFwCodec({ entries: 20, runs: 1 });
    expectWellFormed(rows, "fw-codec");
    expect(rows.map((r) => r.metric)).toEqual(["parse 20-entry ipset", "print 20-entry ipset"]);
  });
});

describe("runEmulator", () => {
  it("measures reads and writes against a started and stopped emulator", async () => {
    const rows = await runEmulator({ rules: 3, entries: 20, concurrency: 2, smallReads: 4, largeReads: 2, writes: 2 });
    expectWellFormed(rows, "emulator");
    expect(rows.find((r) => r.metric === "small read: throughput")?.compare?.label).toBe("target ≥");
  });
});

describe("runProvider", () => {
  it("counts the calls of every canonical edit next to the naive model", async () => {
    const rows = await runProvider({ rules: 4, entries: 20 });
    expectWellFormed(
      rows.filter((r) => r.scenario === "provider-rules"),
      "provider-rules",
    );
    expectWellFormed(
      rows.filter((r) => r.scenario === "provider-ipset"),
      "provider-ipset",
    );
    expect(metricValue(rows, "comment edit in 4: writes")).toBe(1);
    expect(metricValue(rows, "add 1 to 20: writes")).toBe(1);
    expect(metricValue(rows, "change 1 of 21: writes")).toBe(1);
    expect(metricValue(rows, "refresh 4 rules: writes")).toBe(0);
    for (const row of rows.filter((r) => r.unit === "calls")) expect(row.calls?.naive).toBeDefined();
  });
});

describe("naive model", () => {
  it("reads a rule list with one list GET plus one GET per rule", () => {
    expect(naiveRulesRead(20)).toEqual({ reads: 21, writes: 0 });
  });

  it("rewrites every rule to edit one, and re-lists after each new rule", () => {
    expect(naiveRulesUpdate(20, 20, 0)).toEqual({ reads: 41, writes: 20 });
    expect(naiveRulesUpdate(20, 21, 1)).toEqual({ reads: 65, writes: 22 });
  });

  it("re-creates an ipset on any entry change", () => {
    expect(naiveIpSetEntryChange(10_001)).toEqual({ reads: 2, writes: 10_003 });
    expect(naiveIpSetRead()).toEqual({ reads: 2, writes: 0 });
  });
});

describe("percentile", () => {
  it("picks the nearest-rank value", () => {
    const values = [5, 1, 4, 2, 3];
    expect(median(values)).toBe(3);
    expect(percentile(values, 99)).toBe(5);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("formatTable", () => {
  it("prints the columns scenario, metric, ours, naive/target and unit", () => {
    const rows: BenchResult[] = [
      { scenario: "s", metric: "m", measures: "x", value: 1, unit: "calls", compare: { value: 20, label: "model" } },
    ];
    const [header, , first] = formatTable(rows).split("\n");
    expect(header?.split(/\s{2,}/)).toEqual(["scenario", "metric", "ours", "naive/target", "unit"]);
    expect(first?.split(/\s{2,}/)).toEqual(["s", "m", "1", "20 (model)", "calls"]);
  });
});

describe("buildReport", () => {
  it("records the machine, node version, date and rows", () => {
    const report = buildReport([], 12.4, new Date("2026-01-02T03:04:05Z"));
    expect(report).toMatchObject({ date: "2026-01-02T03:04:05.000Z", node: process.version, totalMs: 12, results: [] });
    expect(report.machine.cores).toBeGreaterThan(0);
  });
});
