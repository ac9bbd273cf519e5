/**
 * Scenario `fw-codec`: the `.fw` codec on a `cluster.fw` holding one 10,000-entry IPSet; parse
 * (text → FwConfig) and print (FwConfig → text), median of N runs each.
 */
import { parseFw, printFw } from "../../provider/fw/index";
import { clusterFwWithIpSet } from "../fixtures";
import { type BenchResult, medianTime, round } from "../measure";

/** Sizes of {@link runFwCodec}. */
export interface FwCodecOptions {
  /** Entries of the IPSet in the file. @default 10000 */
  readonly entries?: number;
  /** Timed runs of each direction (after one warm-up). @default 21 */
  readonly runs?: number;
}

/** Runs the scenario and returns its rows. */
export async function runFwCodec(options: FwCodecOptions = {}): Promise<BenchResult[]> {
  const entries = options.entries ?? 10_000;
  const runs = options.runs ?? 21;
  const text = clusterFwWithIpSet("blocklist", entries);
  const parsed = await medianTime(runs, () => parseFw(text, "cluster"));
  const { config, diagnostics } = parsed.result;
  const parsedEntries = config.ipsets[0]?.entries.length ?? 0;
  if (diagnostics.length > 0 || parsedEntries !== entries)
    throw new Error(`fw-codec: parsed ${parsedEntries} of ${entries} entries with ${diagnostics.length} diagnostics`);
  const printed = await medianTime(runs, () => printFw(config, "cluster"));
  const kib = round(Buffer.byteLength(text) / 1024, 1);
  return [
    {
      scenario: "fw-codec",
      metric: `parse ${entries}-entry ipset`,
      measures: `median wall time of parseFw on a ${kib} KiB cluster.fw, ${runs} runs after a warm-up`,
      value: round(parsed.ms, 3),
      unit: "ms",
    },
    {
      scenario: "fw-codec",
      metric: `print ${entries}-entry ipset`,
      measures: `median wall time of printFw of that parsed config (${round(Buffer.byteLength(printed.result) / 1024, 1)} KiB out), ${runs} runs after a warm-up`,
      value: round(printed.ms, 3),
      unit: "ms",
    },
  ];
}
