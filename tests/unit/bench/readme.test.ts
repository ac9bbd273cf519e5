/**
 * The committed benchmark results and the README table generated from them: the results have
 * exactly the shape of issue 13, and the README's performance block is what `bench/readme.ts`
 * generates from them (so the table is never copied by hand).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BEGIN_MARKER, END_MARKER, withTable } from "../../../bench/readme";
import { benchResultsSchema } from "../../../bench/results";

const root = join(__dirname, "..", "..", "..");
const resultsJson = readFileSync(join(root, "bench", "results.json"), "utf8");
const readme = readFileSync(join(root, "README.md"), "utf8");

describe("bench/results.json", () => {
  it("has exactly the shape { settings, scenarios: [{ name, minimum, ours, bpg, naive, lockBoundMs? }] }", () => {
    const results = benchResultsSchema.parse(JSON.parse(resultsJson));
    expect(results.scenarios.length).toBeGreaterThan(0);
    expect(results.settings).toMatchObject({ latencyMs: expect.any(Number), writeCostMs: expect.any(Number) });
  });
});

describe("benchResultsSchema", () => {
  const measured = { writes: 0, reads: 0, wallMs: 791.2, peakRssMb: 244.2 };
  const scenario = { name: "simulator: 50000 packets", minimum: { writes: 0, reads: 0 }, ours: measured };

  it("takes null for a strategy that has no equivalent, and nothing else in its place", () => {
    const parse = (extra: object) =>
      benchResultsSchema.safeParse({ settings: {}, scenarios: [{ ...scenario, ...extra }] });
    expect(parse({ bpg: null, naive: null }).success).toBe(true);
    expect(parse({ naive: null }).success).toBe(false);
    expect(parse({ bpg: null, naive: {} }).success).toBe(false);
    expect(parse({ bpg: null, naive: null, packetsPerSec: 63195 }).success).toBe(false);
  });
});

describe("README performance table", () => {
  it("equals what bench/readme.ts generates from the committed results", () => {
    expect(readme).toContain(BEGIN_MARKER);
    expect(withTable(readme, resultsJson)).toBe(readme);
  });

  it("fails without its markers", () => {
    expect(() => withTable(`# x\n${END_MARKER}\n`, resultsJson)).toThrow("README.md: expected the markers");
  });
});
