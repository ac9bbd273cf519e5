/**
 * How the bench judges and shows results, and how it reads its settings; no server involved.
 */
import { cell, duration, formatTable, markdownTable, ratio, targetCell } from "../../../bench/report";
import type { ScenarioResult } from "../../../bench/results";
import { DEFAULT_OUT, parseSettings, selected } from "../../../bench/settings";
import { misses, packetsPerSec } from "../../../bench/targets";

const m = (writes: number, reads: number, wallMs = 10) => ({ writes, reads, wallMs, peakRssMb: 100 });
const result = (name: string, over: Partial<ScenarioResult> = {}): ScenarioResult => ({
  name,
  minimum: { writes: 1, reads: 1 },
  ours: m(1, 1),
  bpg: m(20, 41),
  naive: m(40, 1),
  ...over,
});

describe("ratio and duration", () => {
  it("show a count as a multiple of its minimum, and a zero minimum as = or +n", () => {
    expect([ratio(39, 39), ratio(20, 39), ratio(41, 1), ratio(0, 1), ratio(0, 0), ratio(3, 0)]).toEqual([
      "1.0×",
      "0.5×",
      "41×",
      "0×",
      "=",
      "+3",
    ]);
  });

  it("write times in ms below a second and in seconds above", () => {
    expect([duration(46.4), duration(3210), duration(174_400)]).toEqual(["46 ms", "3.2 s", "174 s"]);
  });
});

describe("misses", () => {
  it("names every scenario where ours makes more writes than the minimum", () => {
    expect(misses([result("rules 20: create", { minimum: { writes: 39, reads: 1 }, ours: m(57, 2) })])).toEqual([
      "rules 20: create: ours made 57 writes, minimum 39",
    ]);
  });

  it("holds a comment edit to one read, a refresh to its minimum reads and a preview to no calls", () => {
    expect(
      misses([
        result("rules 20: comment edit", { ours: m(1, 2) }),
        result("stack 50: refresh", { minimum: { writes: 0, reads: 76 }, ours: m(0, 77) }),
        result("stack 50: no-change preview", { minimum: { writes: 0, reads: 0 }, ours: m(0, 1) }),
      ]),
    ).toEqual([
      "rules 20: comment edit: ours made 2 reads, target 1",
      "stack 50: refresh: ours made 77 reads, target 76",
      "stack 50: no-change preview: ours made 0 writes and 1 reads",
    ]);
  });

  it("holds an IPSet create to 1.2 times the lock-bound time", () => {
    const create = (wallMs: number) =>
      result("ipset 10000: create", {
        minimum: { writes: 10001, reads: 0 },
        ours: m(10001, 4, wallMs),
        lockBoundMs: 100_000,
      });
    expect(misses([create(120_000)])).toEqual([]);
    expect(misses([create(174_000)])).toEqual([
      "ipset 10000: create: ours took 174000 ms = 1.74× the lock-bound 100000 ms, target 1.2×",
    ]);
  });

  it("holds lint to 200 ms per config and the simulator to 10,000 packets per second", () => {
    const none = { minimum: { writes: 0, reads: 0 }, bpg: null, naive: null };
    const lint = (wallMs: number) => result("lint: 50 configs", { ...none, ours: m(0, 0, wallMs) });
    const sim = (wallMs: number) => result("simulator: 50000 packets", { ...none, ours: m(0, 0, wallMs) });
    expect(misses([lint(10_000), sim(5000)])).toEqual([]);
    expect(misses([lint(10_001), sim(6250)])).toEqual([
      "lint: 50 configs: ours took 10001 ms, target 10000 ms",
      "simulator: 50000 packets: ours simulated 8,000 packets/s, target 10,000",
    ]);
    expect(packetsPerSec(sim(800))).toBe(62_500);
  });

  it("finds nothing to say when every target is met", () => {
    expect(misses([result("rules 20: append", { minimum: { writes: 3, reads: 1 }, ours: m(3, 2) })])).toEqual([]);
  });
});

describe("tables", () => {
  it("print writes/reads with their ratios to the minimum and the wall time", () => {
    expect(cell(m(20, 41, 1234), { writes: 1, reads: 1 })).toBe("20/41 (20×/41×), 1.2 s");
    expect(targetCell(result("rules 20: comment edit", { ours: m(1, 2) }))).toBe("min writes ✓; ≤ 1 read ✗");
  });

  it("show a strategy without an equivalent as a dash, and say so under the table", () => {
    const none = { minimum: { writes: 0, reads: 0 }, ours: m(0, 0), bpg: null, naive: null };
    const preview = result("stack 50: no-change preview", none);
    expect(cell(null, preview.minimum)).toBe("—");
    const md = markdownTable({ settings: {}, scenarios: [preview] });
    expect(md).toContain("| stack 50: no-change preview | 0/0 | 0/0 (=/=), 10 ms | — | — |");
    expect(md).toContain("—: the strategy has no equivalent, so nothing was run.");
    expect(markdownTable({ settings: {}, scenarios: [result("rules 20: move one")] })).not.toContain("—");
  });

  it("show the measured rate of the simulator, and the time per config and peak RSS of lint", () => {
    const none = { minimum: { writes: 0, reads: 0 }, bpg: null, naive: null };
    const sim = result("simulator: 50000 packets", { ...none, ours: m(0, 0, 800) });
    const lint = result("lint: 50 configs", { ...none, ours: { ...m(0, 0, 1045.9), peakRssMb: 203.1 } });
    expect(targetCell(sim)).toBe("min writes ✓; ≥ 10,000 packets/s ✓ (ours 62,500 packets/s)");
    expect(targetCell(lint)).toBe("min writes ✓; ≤ 200 ms per config ✓ (ours 20.9 ms per config, peak RSS 203.1 MiB)");
  });

  it("lines the columns up under a header", () => {
    const [header, rule, row] = formatTable([result("rules 20: delete one")]).split("\n");
    expect(header?.split(/\s{2,}/)).toEqual(["scenario", "minimum w/r", "ours", "bpg", "naive", "targets"]);
    expect(rule?.startsWith("---")).toBe(true);
    expect(row?.split(/\s{2,}/)[0]).toBe("rules 20: delete one");
  });
});

describe("parseSettings", () => {
  it("defaults to 5 ms latency and 5 ms write cost, and takes flags over the environment", () => {
    expect(parseSettings([], {})).toEqual({
      latencyMs: 5,
      writeCostMs: 5,
      rules: [20, 200],
      ipsetEntries: 10_000,
      refreshEntries: 100_000,
      lockBoundConcurrency: 16,
      out: DEFAULT_OUT,
    });
    const s = parseSettings(["--latency-ms", "2", "--rules", "8"], { BENCH_LATENCY_MS: "9", BENCH_WRITE_COST_MS: "0" });
    expect([s.latencyMs, s.writeCostMs, s.rules]).toEqual([2, 0, [8]]);
  });

  it("fails naming the flag, the variable and the value", () => {
    expect(() => parseSettings(["--ipset-entries", "many"], {})).toThrow(
      /^--ipset-entries \(BENCH_IPSET_ENTRIES\): "many": /,
    );
  });

  it("selects scenarios by a regular expression, and fails naming the flag when it is not one", () => {
    const s = parseSettings(["--only", "lint|simulator", "--out", "/tmp/r.json"], {});
    const names = ["rules 20: create", "lint: 50 configs", "simulator: 50000 packets"];
    expect(names.filter((n) => selected(n, s.only))).toEqual(["lint: 50 configs", "simulator: 50000 packets"]);
    expect(names.filter((n) => selected(n, undefined))).toEqual(names);
    expect(() => parseSettings(["--only", "lint(", "--out", "/tmp/r.json"], {})).toThrow(
      /^--only \(BENCH_ONLY\): "lint\(": not a regular expression/,
    );
  });

  it("fails when --only is given without --out", () => {
    expect(() => parseSettings(["--only", "rules"], {})).toThrow("give --out too");
  });
});
