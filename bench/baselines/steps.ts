/**
 * A baseline strategy is a pure planner that returns the exact requests the modelled tool sends,
 * in order, and {@link executeSteps}, which sends them one at a time (both modelled tools wait for
 * each answer before the next request) against the emulator. The requests are counted by the
 * emulator, never by the planner. A read carries what the planner's model of the server says the
 * answer holds; the executor checks it, so a planner that drifted from the real server fails
 * loudly instead of producing a plausible count.
 */
import type { EmulatorClient, Method } from "../http";

/** One API request of a baseline. */
export interface Step {
  readonly method: Method;
  /** Path below `/api2/json`, e.g. `/nodes/pve1/firewall/rules/3`. */
  readonly path: string;
  /** Form parameters (query for GET/DELETE), exactly as the tool sends them. */
  readonly params?: Readonly<Record<string, string>>;
  /** For reads: returns what is wrong with the answer's `data`, or `undefined` when it is as planned. */
  readonly expect?: (data: unknown) => string | undefined;
}

/** `GET path` that expects a list of `length` items. */
export function listStep(path: string, length: number): Step {
  return {
    method: "GET",
    path,
    expect: (data) =>
      Array.isArray(data) && data.length === length
        ? undefined
        : `expected ${length} items, got ${Array.isArray(data) ? data.length : JSON.stringify(data)}`,
  };
}

/** `GET path` whose answer only has to succeed. */
export function readStep(path: string): Step {
  return { method: "GET", path };
}

/** A path segment as a client escapes it (`10.0.0.0/8` → `10.0.0.0%2F8`). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/**
 * Sends `steps` in order, each after the previous answer; fails at the first error answer or the
 * first read whose answer differs from the plan, naming the step.
 */
export async function executeSteps(client: EmulatorClient, steps: readonly Step[]): Promise<void> {
  for (const [i, step] of steps.entries()) {
    const answer = await client.api(step.method, step.path, step.params);
    if (answer.status < 200 || answer.status > 299)
      throw new Error(`step ${i} ${step.method} ${step.path}: HTTP ${answer.status} ${answer.message}`);
    const wrong = step.expect?.(answer.data);
    if (wrong !== undefined) throw new Error(`step ${i} ${step.method} ${step.path}: ${wrong}`);
  }
}
