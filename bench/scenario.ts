/**
 * What a scenario is, and the pieces every scenario shares: run one strategy from a fixed start
 * state, check that it reached the desired state, and collect the three results.
 */
import type { EmulatorClient } from "./http";
import type { CallCount, Measured, ScenarioResult } from "./results";

/** Everything a scenario needs at run time. */
export interface BenchContext {
  readonly client: EmulatorClient;
  /** Progress lines (stderr). */
  readonly log: (line: string) => void;
}

/** One scenario: its name (stable: it keys the targets and the README), its minimum, its run. */
export interface Scenario {
  readonly name: string;
  /** The fewest writes and reads any correct strategy needs; why is stated where it is built. */
  readonly minimum: CallCount;
  /**
   * Runs ours, bpg and naive, each from the same start state, and returns their costs; `null` for
   * a strategy that has no equivalent in the scenario (nothing run).
   */
  run(ctx: BenchContext): Promise<Pick<ScenarioResult, "ours" | "bpg" | "naive" | "lockBoundMs">>;
}

/** The result row of a scenario. */
export function resultOf(
  scenario: Scenario,
  measured: Pick<ScenarioResult, "ours" | "bpg" | "naive" | "lockBoundMs">,
): ScenarioResult {
  const { lockBoundMs, ...rest } = measured;
  return {
    name: scenario.name,
    minimum: scenario.minimum,
    ...rest,
    ...(lockBoundMs === undefined ? {} : { lockBoundMs }),
  };
}

/** Runs one strategy: `reset` puts the start state in place, `verify` throws unless it reached the goal. */
export async function strategy(
  label: string,
  steps: {
    reset: () => Promise<void>;
    run: () => Promise<Measured>;
    verify: () => Promise<void>;
  },
): Promise<Measured> {
  await steps.reset();
  const measured = await steps.run();
  try {
    await steps.verify();
  } catch (e) {
    throw new Error(`${label}: did not reach the desired state: ${(e as Error).message}`);
  }
  return measured;
}

/** Throws unless `got` and `want` are equal as JSON (after `normalise`), naming the first difference. */
export function expectSame<T>(what: string, got: readonly T[], want: readonly T[], normalise: (x: T) => string): void {
  const a = got.map(normalise);
  const b = want.map(normalise);
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} items, expected ${b.length}`);
  const i = a.findIndex((x, k) => x !== b[k]);
  if (i >= 0) throw new Error(`${what}[${i}]: ${a[i]}, expected ${b[i]}`);
}
