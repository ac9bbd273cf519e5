/**
 * Scenario `emulator`: the embedded API emulator over plain HTTP on loopback. Read throughput with
 * concurrent clients (a 50-rule list, and a 10,000-entry IPSet) for a fixed number of requests,
 * and the latency of adding one entry to a 10,000-entry IPSet (each add rewrites the whole file).
 */
import { type EmulatorHandle, startEmulator, tokenHeader } from "../../emulator/index";
import { clusterFwWithIpSet, clusterFwWithRules, entryAddress } from "../fixtures";
import { runLoad } from "../load";
import { type BenchResult, round } from "../measure";

/** Sizes of {@link runEmulator}. */
export interface EmulatorBenchOptions {
  /** Rules in the small list. @default 50 */
  readonly rules?: number;
  /** Entries in the large set. @default 10000 */
  readonly entries?: number;
  /** Concurrent clients. @default 8 */
  readonly concurrency?: number;
  /** Requests of the small-read run. @default 5000 */
  readonly smallReads?: number;
  /** Requests of the large-read run. @default 200 */
  readonly largeReads?: number;
  /** Sequential entry POSTs of the write run. @default 100 */
  readonly writes?: number;
}

/** Target throughput for small reads. */
export const SMALL_READ_TARGET_REQ_PER_SEC = 1000;

const RULES_PATH = "/api2/json/cluster/firewall/rules";
const SET_PATH = "/api2/json/cluster/firewall/ipset/blocklist";

function authorization(emu: EmulatorHandle): string {
  const token = emu.tokens[0];
  if (!token) throw new Error("emulator: no api token");
  return tokenHeader(token);
}

/** Runs the scenario and returns its rows. */
export async function runEmulator(options: EmulatorBenchOptions = {}): Promise<BenchResult[]> {
  const rules = options.rules ?? 50;
  const entries = options.entries ?? 10_000;
  const concurrency = options.concurrency ?? 8;
  const emu = await startEmulator({ http: true });
  const auth = authorization(emu);
  const base = { origin: emu.endpoint, authorization: auth, concurrency };
  try {
    await emu.editFile("firewall/cluster.fw", clusterFwWithRules(rules));
    const small = await runLoad({
      ...base,
      total: options.smallReads ?? 5000,
      request: () => ({ method: "GET", path: RULES_PATH }),
    });
    // The set goes into the same file afterwards, so the small reads above parse a small file.
    await emu.editFile(
      "firewall/cluster.fw",
      `${clusterFwWithRules(rules)}\n${clusterFwWithIpSet("blocklist", entries)}`,
    );
    const large = await runLoad({
      ...base,
      total: options.largeReads ?? 200,
      request: () => ({ method: "GET", path: SET_PATH }),
    });
    const write = await runLoad({
      ...base,
      concurrency: 1,
      total: options.writes ?? 100,
      request: (i) => ({ method: "POST", path: SET_PATH, form: { cidr: entryAddress(entries + i) } }),
    });
    const smallWhat = `GET cluster rules (${rules} rules), ${small.requests} requests from ${concurrency} concurrent clients`;
    const largeWhat = `GET a ${entries}-entry ipset (${round(large.lastBodyBytes / 1024, 0)} KiB), ${large.requests} requests from ${concurrency} clients`;
    const writeWhat = `POST one entry into a ${entries}-entry ipset (the file is rewritten), ${write.requests} sequential requests`;
    return [
      {
        scenario: "emulator",
        metric: "small read: throughput",
        measures: smallWhat,
        value: round(small.reqPerSec, 0),
        unit: "req/s",
        compare: { value: SMALL_READ_TARGET_REQ_PER_SEC, label: "target ≥" },
      },
      {
        scenario: "emulator",
        metric: "small read: p50",
        measures: smallWhat,
        value: round(small.p50Ms, 3),
        unit: "ms",
      },
      {
        scenario: "emulator",
        metric: "small read: p99",
        measures: smallWhat,
        value: round(small.p99Ms, 3),
        unit: "ms",
      },
      {
        scenario: "emulator",
        metric: "10k ipset read: throughput",
        measures: largeWhat,
        value: round(large.reqPerSec, 0),
        unit: "req/s",
      },
      {
        scenario: "emulator",
        metric: "10k ipset read: p50",
        measures: largeWhat,
        value: round(large.p50Ms, 3),
        unit: "ms",
      },
      {
        scenario: "emulator",
        metric: "10k ipset read: p99",
        measures: largeWhat,
        value: round(large.p99Ms, 3),
        unit: "ms",
      },
      {
        scenario: "emulator",
        metric: "entry POST: p50",
        measures: writeWhat,
        value: round(write.p50Ms, 3),
        unit: "ms",
      },
      {
        scenario: "emulator",
        metric: "entry POST: p99",
        measures: writeWhat,
        value: round(write.p99Ms, 3),
        unit: "ms",
      },
    ];
  } finally {
    await emu.stop();
  }
}
