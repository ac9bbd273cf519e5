/**
 * The engine's step logic for dynamic-provider resources, as `pkg/resource/deploy` does it: check → diff →
 * create / update / replace (create-before-delete unless delete-before-replace is asked for) for every
 * registration; at the end, resources no longer registered and replaced copies are deleted in reverse
 * dependency order. Refresh and destroy work on the state alone.
 */
import { type Registration, type RegistrationResult, stackType } from "./monitor";
import { changedKeys, markSecret, type Props } from "./props";
import { ProviderCallError, type ProviderHost, providerKey } from "./provider-host";
import type { ResourceState, StackState } from "./state";

/** What a step does. `refresh` is a read that found drift; `same` changes nothing. */
export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "refresh";

/** One planned or applied step. */
export interface Step {
  readonly op: StepOp;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Changed (update, refresh) or replacement-forcing (replace) property names. */
  readonly keys: readonly string[];
  readonly deleteBeforeReplace?: boolean;
}

/** Receives steps as they are planned (`plan`), started (`start`) and finished (`done`). */
export interface StepReporter {
  step(step: Step, phase: "plan" | "start" | "done"): void;
}

/** Whether a type is served by Pulumi's dynamic provider (`pulumi-nodejs:dynamic[/<module>]:<name>`). */
export function isDynamicType(type: string): boolean {
  return /^pulumi-nodejs:dynamic(\/[^:]+)?:[^:]+$/.test(type);
}

/** The resource name at the end of a URN. */
export function urnName(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i < 0 ? urn : urn.slice(i + 2);
}

function stepOf(r: { urn: string; type: string }, op: StepOp, keys: readonly string[] = []): Step {
  return { op, urn: r.urn, type: r.type, name: urnName(r.urn), keys };
}

/** Context shared by every operation. `save` is absent in preview (nothing is written or changed). */
export interface DeployContext {
  readonly host: ProviderHost;
  readonly report: StepReporter;
  readonly save?: (state: StackState) => void;
}

/** Records a partially applied create/update and rethrows. */
function partial(e: unknown, base: ResourceState, inputs: Props, record: (r: ResourceState) => void): never {
  if (e instanceof ProviderCallError && e.id) {
    record({
      ...base,
      id: e.id,
      inputs,
      outputs: { ...(e.properties ?? {}), [providerKey]: inputs[providerKey] },
      initErrors: [...e.reasons],
    });
  }
  throw e;
}

/** One `up` or `preview`: handles registrations from the program, then deletes what is left over. */
export class Deployment {
  readonly steps: Step[] = [];
  private readonly registered = new Map<string, ResourceState>();
  private readonly replaced = new Map<string, ResourceState>();
  private readonly deleted = new Set<ResourceState>();
  private readonly oldByUrn: Map<string, ResourceState>;
  private outputs: Props = {};

  constructor(
    private readonly ctx: DeployContext,
    private readonly old: StackState,
  ) {
    this.oldByUrn = new Map(old.resources.filter((r) => !r.pendingDelete).map((r) => [r.urn, r]));
    this.outputs = old.outputs;
  }

  private get dryRun(): boolean {
    return !this.ctx.save;
  }

  /** The state as it stands now: registered resources, then untouched old ones, then old copies. */
  snapshot(): StackState {
    const rest = this.old.resources.filter(
      (r) => !this.deleted.has(r) && !r.pendingDelete && !this.registered.has(r.urn) && !this.replaced.has(r.urn),
    );
    const copies = [
      ...this.old.resources.filter((r) => r.pendingDelete && !this.deleted.has(r)),
      ...[...this.replaced.values()].filter((r) => !this.deleted.has(r)).map((r) => ({ ...r, pendingDelete: true })),
    ];
    return { ...this.old, outputs: this.outputs, resources: [...this.registered.values(), ...rest, ...copies] };
  }

  private record(r: ResourceState): void {
    this.registered.set(r.urn, r);
    this.ctx.save?.(this.snapshot());
  }

  private emit(step: Step, phase: "plan" | "start" | "done"): void {
    if (phase !== "start") {
      if (phase === "plan" || !this.dryRun) this.steps.push(step);
    }
    this.ctx.report.step(step, this.dryRun && phase === "done" ? "plan" : phase);
  }

  /** Handles one RegisterResource call. */
  async register(reg: Registration): Promise<RegistrationResult> {
    const base: ResourceState = {
      urn: reg.urn,
      type: reg.type,
      custom: reg.custom,
      id: "",
      parent: reg.parent,
      inputs: reg.inputs,
      outputs: {},
      dependencies: [...reg.dependencies],
      initErrors: [],
      pendingDelete: false,
    };
    if (!reg.custom) {
      const prior = this.oldByUrn.get(reg.urn);
      if (reg.type !== stackType) this.emit(stepOf(reg, prior ? "same" : "create"), "plan");
      this.record(base);
      return { id: "", outputs: {} };
    }
    if (!isDynamicType(reg.type)) {
      throw new Error(
        `${reg.type} ${reg.name}: the local runner only supports dynamic providers (pulumi-nodejs:dynamic:*); use pulumi up for this program`,
      );
    }
    const old = this.oldByUrn.get(reg.urn);
    let news = reg.inputs;
    if (old) for (const k of reg.ignoreChanges) if (k in old.inputs) news = { ...news, [k]: old.inputs[k] };
    const checked = await this.ctx.host.check(reg.urn, old?.inputs ?? {}, news);
    if (checked.failures.length > 0) {
      const list = checked.failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("; ");
      throw new Error(`${reg.name}: invalid inputs: ${list}`);
    }
    const inputs = markSecret(checked.inputs, reg.additionalSecretOutputs);
    const secretOut = (o: Props) => markSecret(o, reg.additionalSecretOutputs);
    const next = { ...base, inputs };
    if (!old) return this.create(next, stepOf(reg, "create"), secretOut);

    const diff = await this.ctx.host.diff(old.id, reg.urn, old.outputs, inputs, old.inputs);
    const keys = changedKeys(old.inputs, inputs, [providerKey]);
    const changes = diff.changes ?? keys.length > 0;
    if (!changes && old.initErrors.length === 0) {
      this.emit(stepOf(reg, "same"), "plan");
      this.record({ ...next, id: old.id, outputs: old.outputs });
      return { id: old.id, outputs: old.outputs };
    }
    if (diff.replaces.length > 0) {
      const dbr = diff.deleteBeforeReplace || reg.deleteBeforeReplace;
      const step: Step = { ...stepOf(reg, "replace", diff.replaces), deleteBeforeReplace: dbr };
      if (this.dryRun) return this.create(next, step, secretOut);
      this.emit(step, "start");
      if (dbr) {
        await this.ctx.host.delete(old.id, old.urn, old.outputs);
        this.registered.delete(old.urn);
        this.deleted.add(old);
        this.ctx.save?.(this.snapshot());
      } else {
        this.replaced.set(old.urn, old);
      }
      return this.create(next, step, secretOut, true);
    }
    const step = stepOf(reg, "update", keys);
    if (this.dryRun) {
      this.emit(step, "plan");
      this.registered.set(next.urn, { ...next, id: old.id });
      return { id: old.id, outputs: secretOut(inputs) };
    }
    this.emit(step, "start");
    let outputs: Props;
    try {
      outputs = secretOut((await this.ctx.host.update(old.id, reg.urn, old.outputs, inputs)).props);
    } catch (e) {
      partial(e, { ...next, id: old.id }, inputs, (r) => this.record(r));
    }
    this.record({ ...next, id: old.id, outputs });
    this.emit(step, "done");
    return { id: old.id, outputs };
  }

  private async create(
    next: ResourceState,
    step: Step,
    secretOut: (o: Props) => Props,
    started = false,
  ): Promise<RegistrationResult> {
    if (this.dryRun) {
      this.emit(step, "plan");
      this.registered.set(next.urn, next);
      return { id: "", outputs: secretOut(next.inputs) };
    }
    if (!started) this.emit(step, "start");
    let res: { id: string; props: Props };
    try {
      res = await this.ctx.host.create(next.urn, next.inputs);
    } catch (e) {
      partial(e, next, next.inputs, (r) => this.record(r));
    }
    const outputs = secretOut(res.props);
    this.record({ ...next, id: res.id, outputs });
    this.emit(step, "done");
    return { id: res.id, outputs };
  }

  /** Handles RegisterResourceOutputs; only the stack's outputs are kept. */
  registerOutputs(urn: string, outputs: Props): void {
    if (urn.split("::")[2] !== stackType) return;
    this.outputs = outputs;
    this.ctx.save?.(this.snapshot());
  }

  /** After a successful program run: deletes what was not registered, and replaced copies, dependents first. */
  async finish(): Promise<void> {
    const doomed = this.old.resources
      .filter((r) => r.pendingDelete || this.replaced.get(r.urn) === r || !this.registered.has(r.urn))
      .filter((r) => !this.deleted.has(r) && r.type !== stackType)
      .reverse();
    for (const r of doomed) {
      const isCopy = r.pendingDelete || this.replaced.get(r.urn) === r;
      if (!isCopy) this.emit(stepOf(r, "delete"), this.dryRun ? "plan" : "start");
      if (this.dryRun) continue;
      if (r.custom) await this.ctx.host.delete(r.id, r.urn, r.outputs);
      this.deleted.add(r);
      this.ctx.save?.(this.snapshot());
      if (!isCopy) this.emit(stepOf(r, "delete"), "done");
    }
  }

  /** Stack outputs the program exported. */
  stackOutputs(): Props {
    return this.outputs;
  }
}

/** Reads every custom resource back through its provider; drift and removals become steps. */
export async function refreshState(
  ctx: DeployContext,
  state: StackState,
): Promise<{ state: StackState; steps: Step[] }> {
  const steps: Step[] = [];
  const resources: ResourceState[] = [];
  for (const r of state.resources) {
    if (!r.custom || r.pendingDelete) {
      resources.push(r);
      continue;
    }
    const res = await ctx.host.read(r.id, r.urn, r.outputs, r.inputs);
    if (!res.id) {
      steps.push(stepOf(r, "delete"));
      ctx.report.step(stepOf(r, "delete"), "done");
      continue;
    }
    const keys = changedKeys(r.outputs, res.props, [providerKey]);
    const step = stepOf(r, keys.length > 0 ? "refresh" : "same", keys);
    steps.push(step);
    ctx.report.step(step, "done");
    resources.push({ ...r, id: res.id, outputs: res.props, inputs: res.inputs ?? r.inputs });
  }
  const next = { ...state, resources };
  ctx.save?.(next);
  return { state: next, steps };
}

/** Deletes every resource in state, dependents first; the state is saved after each delete. */
export async function destroyState(ctx: DeployContext, state: StackState): Promise<Step[]> {
  const steps: Step[] = [];
  let remaining = [...state.resources];
  for (const r of [...state.resources].reverse()) {
    if (r.type === stackType) continue;
    const step = stepOf(r, "delete");
    steps.push(step);
    ctx.report.step(step, ctx.save ? "start" : "plan");
    if (!ctx.save) continue;
    if (r.custom) await ctx.host.delete(r.id, r.urn, r.outputs);
    remaining = remaining.filter((x) => x !== r);
    ctx.save({ ...state, resources: remaining });
    ctx.report.step(step, "done");
  }
  if (ctx.save) ctx.save({ ...state, outputs: {}, resources: [] });
  return steps;
}
