/**
 * One `up` of a program through the real dynamic-provider host (tests/e2e/harness.ts), as the engine
 * runs it, one resource at a time in dependency order: check against the recorded inputs, then create,
 * or diff and update; resources no longer declared are deleted last, in reverse order. A partial
 * failure is recorded as the engine records it (the properties the provider reports, so that the next
 * `up` diffs against what is really there) and ends the run, as it would stop every dependent.
 */
import { isDeepStrictEqual } from "node:util";
import { ProviderCallError, providerKey } from "../../provider/runner/provider-host";
import { ownerId } from "../../sdk/shim";
import { type E2eFixture, urnOf } from "../e2e/harness";
import type { Props } from "../e2e/lifecycle";
import type { Declared } from "./stack";

/** A resource as the stack recorded it. */
export interface Recorded {
  readonly kind: Declared["kind"];
  readonly urn: string;
  readonly id: string;
  /** The checked inputs of the last successful create or update. */
  readonly inputs: Props;
  readonly outputs: Props;
}

/** The stack's state: resources by name, in the order they were created. */
export type StackRecord = Map<string, Recorded>;

/** How one `up` ended: `failure` is the message of the resource that failed, if one did. */
export interface UpOutcome {
  readonly failure?: { readonly name: string; readonly message: string };
}

/** `args` with every `{ $ref: "name.output" }` replaced by that output of the recorded resource. */
function resolveRefs(value: unknown, state: StackRecord): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, state));
  if (value === null || typeof value !== "object") return value;
  const target = (value as { $ref?: unknown }).$ref;
  if (typeof target === "string") {
    const [name, output] = target.split(".");
    const found = state.get(name ?? "")?.outputs[output ?? ""];
    if (found === undefined) throw new Error(`${target}: no such output recorded`);
    return found;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, state)]));
}

/**
 * The inputs the SDK class registers for `r` (project test, stack dev): its args, the hidden ownership
 * input, and the serialized provider.
 */
export async function registration(
  provider: E2eFixture["provider"],
  r: Declared,
  state: StackRecord = new Map(),
): Promise<Props> {
  const args = resolveRefs(r.args, state) as Props;
  return { ...args, __owner: ownerId("test", "dev", r.kind, r.name), [providerKey]: await provider(r.kind) };
}

/** Runs one `up` of `program` over `state` (updated in place). */
export async function upThroughHost(
  fx: E2eFixture,
  program: readonly Declared[],
  state: StackRecord,
): Promise<UpOutcome> {
  const { host } = fx.env();
  for (const r of program) {
    const urn = urnOf(r.kind, r.name);
    const old = state.get(r.name);
    const checked = await host.check(urn, old?.inputs ?? {}, await registration(fx.provider, r, state));
    if (checked.failures.length > 0)
      return {
        failure: { name: r.name, message: checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ") },
      };
    try {
      if (!old) {
        const made = await host.create(urn, checked.inputs);
        state.set(r.name, { kind: r.kind, urn, id: made.id, inputs: checked.inputs, outputs: made.props });
        continue;
      }
      const diff = await host.diff(old.id, urn, old.outputs, checked.inputs);
      if (diff.replaces.length > 0) throw new Error(`${r.name}: the suite's program never replaces a resource`);
      if (diff.changes === false) continue;
      const changed = await host.update(old.id, urn, old.outputs, checked.inputs);
      state.set(r.name, { ...old, inputs: checked.inputs, outputs: changed.props });
    } catch (e) {
      if (!(e instanceof ProviderCallError)) throw e;
      if (e.id && e.properties) {
        const outputs = { ...e.properties, [providerKey]: checked.inputs[providerKey] };
        state.set(r.name, { kind: r.kind, urn, id: e.id, inputs: old?.inputs ?? checked.inputs, outputs });
      }
      return { failure: { name: r.name, message: e.message } };
    }
  }
  const declared = new Set(program.map((r) => r.name));
  for (const [name, r] of [...state].reverse()) {
    if (declared.has(name)) continue;
    try {
      await host.delete(r.id, r.urn, r.outputs);
    } catch (e) {
      if (!(e instanceof ProviderCallError)) throw e;
      return { failure: { name, message: e.message } };
    }
    state.delete(name);
  }
  return {};
}

/**
 * `preview --refresh --expect-no-changes` through the host, as the engine runs it: every recorded
 * resource is refreshed (Read with its recorded outputs and inputs), then the program is registered
 * over the refreshed state (Check against the refreshed inputs, Diff against the refreshed outputs),
 * and resources no longer declared would be deleted. Stricter than the engine in one point: the
 * refresh must find exactly what the stack recorded (outputs and inputs), so that a state that is
 * right only after a refresh fails too. Returns what would change (empty when the stack is exact).
 */
export async function previewRefresh(
  fx: E2eFixture,
  program: readonly Declared[],
  state: StackRecord,
): Promise<string[]> {
  const { host } = fx.env();
  const changes: string[] = [];
  const refreshed: StackRecord = new Map();
  for (const [name, r] of state) {
    const read = await host.read(r.id, r.urn, r.outputs, r.inputs);
    if (!isDeepStrictEqual(read.props, r.outputs))
      changes.push(`refresh ${name}: recorded ${JSON.stringify(r.outputs)}, server ${JSON.stringify(read.props)}`);
    if (!isDeepStrictEqual(read.inputs, r.inputs))
      changes.push(`refresh ${name}: declared ${JSON.stringify(r.inputs)}, server ${JSON.stringify(read.inputs)}`);
    refreshed.set(name, { ...r, id: read.id || r.id, inputs: read.inputs ?? r.inputs, outputs: read.props });
  }
  for (const r of program) {
    const old = refreshed.get(r.name);
    if (!old) {
      changes.push(`create ${r.name}`);
      continue;
    }
    const urn = urnOf(r.kind, r.name);
    const checked = await host.check(urn, old.inputs, await registration(fx.provider, r, refreshed));
    if (checked.failures.length > 0) changes.push(`check ${r.name}: ${JSON.stringify(checked.failures)}`);
    const diff = await host.diff(old.id, urn, old.outputs, checked.inputs, old.inputs);
    if (diff.changes !== false) changes.push(`update ${r.name}: ${JSON.stringify(diff)}`);
  }
  const declared = new Set(program.map((r) => r.name));
  for (const name of refreshed.keys()) if (!declared.has(name)) changes.push(`delete ${name}`);
  return changes;
}
