/**
 * The shape of `bench/results.json`, as issue 13 fixes it:
 * `{ settings, scenarios: [{ name, minimum: {writes, reads}, ours, bpg, naive, lockBoundMs? }] }`
 * where `ours`, `bpg` and `naive` are `{ writes, reads, wallMs, peakRssMb }`. One zod schema,
 * strict, so a stray field fails the unit test that reads the committed file.
 *
 * One addition to the shape: `bpg` and `naive` are `null` in a scenario where that
 * strategy has no equivalent (lint and the simulator: neither tool has one), so nothing in the
 * file passes for a measurement that was never made (zero calls in zero ms would read as one).
 */
import { z } from "zod";

const count = z.number().int().min(0);

/** API calls of one operation: GETs are reads, POST/PUT/DELETE writes (from the emulator's counters). */
export const callCountSchema = z.strictObject({ writes: count, reads: count });

/** API calls of one operation. */
export type CallCount = z.output<typeof callCountSchema>;

/** What one strategy cost in one scenario. */
export const measuredSchema = z.strictObject({
  writes: count,
  reads: count,
  /** Wall time of the operation, ms. */
  wallMs: z.number().min(0),
  /** Peak resident memory of the process(es) doing the operation, MiB (see `measure.ts`). */
  peakRssMb: z.number().min(0),
});

/** What one strategy cost in one scenario. */
export type Measured = z.output<typeof measuredSchema>;

/** One scenario: the minimum and the three executed strategies (`null`: no equivalent, not run). */
export const scenarioResultSchema = z.strictObject({
  name: z.string().min(1),
  minimum: callCountSchema,
  ours: measuredSchema,
  bpg: measuredSchema.nullable(),
  naive: measuredSchema.nullable(),
  /** Time the same emulator takes to do the scenario's writes with many requests in flight, ms. */
  lockBoundMs: z.number().min(0).optional(),
});

/** One scenario's result. */
export type ScenarioResult = z.output<typeof scenarioResultSchema>;

/** The whole file. `settings` records how the run was made (free-form, stated in the output). */
export const benchResultsSchema = z.strictObject({
  settings: z.record(z.string(), z.unknown()),
  scenarios: z.array(scenarioResultSchema),
});

/** The whole file. */
export type BenchResults = z.output<typeof benchResultsSchema>;

/** The three executed strategies, in table order. */
export const STRATEGIES = ["ours", "bpg", "naive"] as const;

/** One executed strategy. */
export type Strategy = (typeof STRATEGIES)[number];
