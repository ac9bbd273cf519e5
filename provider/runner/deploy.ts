/**
 * The engine's step logic for dynamic-provider resources, as `pkg/resource/deploy/step_generator.go`
 * does it, for one `up` or `preview`: for every registration check → diff → same / create / update /
 * replace (create-before-delete unless delete-before-replace, which first deletes the dependents a
 * replacement would replace); reads for `Resource.get`; aliases; `protect`, `retainOnDelete`,
 * `ignoreChanges`, `replaceOnChanges`. At the end, what was not registered and the replaced copies
 * are deleted, dependents first. A pending operation is saved before every provider write.
 */
import { AliasResolver, stackType } from "./aliases";
import type { ReadRegistration, Registration, RegistrationResult } from "./monitor";
import { applyIgnoreChanges } from "./property-path";
import { changedKeys, markSecret, type Props, unknownValue } from "./props";
import { ProviderCallError, providerKey } from "./provider-host";
import type { PendingOperation, ResourceState, StackState } from "./state";
import {
  type DeployContext,
  deleteProtectedError,
  dependentReplacements,
  engineDiff,
  isDynamicType,
  pendingOf,
  replaceProtectedError,
  type Step,
  stepOf,
} from "./steps";

export { type DeployContext, isDynamicType, type Step, type StepOp, type StepReporter } from "./steps";

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

function invalidInputs(failures: readonly { property: string; reason: string }[]): Error {
  const list = failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("; ");
  return new Error(`invalid inputs: ${list}`);
}

/** One `up` or `preview`: handles registrations and reads from the program, then deletes what is left. */
export class Deployment {
  readonly steps: Step[] = [];
  /** New (or read) state by URN, in registration order. */
  private readonly registered = new Map<string, ResourceState>();
  /** URNs registered or read in this run (duplicates and unknown parents are errors). */
  private readonly seen = new Set<string>();
  /** Old resources a registration took over (same URN, an alias, or a read of the same ID). */
  private readonly taken = new Set<ResourceState>();
  /** Old URN → new URN, for resources taken over through an alias. */
  private readonly renamed = new Map<string, string>();
  /** Old copies replaced create-before-delete (deleted at the end). */
  private readonly replaced = new Set<ResourceState>();
  /** Old resources already deleted (delete-before-replace). */
  private readonly deleted = new Set<ResourceState>();
  /** Dependents deleted early by a delete-before-replace, by URN, with the keys that forced it. */
  private readonly deletedEarly = new Map<string, readonly string[]>();
  private readonly pending: PendingOperation[] = [];
  private readonly oldByUrn: Map<string, ResourceState>;
  private readonly aliases: AliasResolver;
  private outputs: Props = {};

  constructor(
    private readonly ctx: DeployContext,
    private readonly old: StackState,
    stack: string,
    project: string,
  ) {
    this.oldByUrn = new Map(old.resources.filter((r) => !r.pendingDelete).map((r) => [r.urn, r]));
    this.outputs = old.outputs;
    this.aliases = new AliasResolver(stack, project);
  }

  private get dryRun(): boolean {
    return !this.ctx.save;
  }

  /**
   * The state as it stands now: registered resources, old ones whose registration is not recorded
   * yet, then old copies to delete. An old resource stays until its new state is recorded, as in the
   * engine's snapshot: while its update is in flight (so a `kill -9` leaves it in state, with a
   * pending `updating` operation) and after the update failed without saying what it applied.
   */
  snapshot(): StackState {
    const rename = (u: string) => this.renamed.get(u) ?? u;
    const rest = this.old.resources
      .filter(
        (r) => !this.deleted.has(r) && !r.pendingDelete && !this.replaced.has(r) && !this.registered.has(rename(r.urn)),
      )
      .map((r) => ({
        ...r,
        parent: rename(r.parent),
        dependencies: r.dependencies.map(rename),
        propertyDependencies: Object.fromEntries(
          Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map(rename)]),
        ),
      }));
    const copies = this.old.resources
      .filter((r) => (r.pendingDelete || this.replaced.has(r)) && !this.deleted.has(r))
      .map((r) => ({ ...r, pendingDelete: true }));
    const creates = this.old.pendingOperations.filter((op) => op.type === "creating");
    return {
      ...this.old,
      outputs: this.outputs,
      resources: [...this.registered.values(), ...rest, ...copies],
      pendingOperations: [...creates, ...this.pending],
    };
  }

  private record(r: ResourceState): void {
    this.registered.set(r.urn, r);
    this.ctx.save?.(this.snapshot());
  }

  /** Runs a provider write with a pending operation saved around it, as the engine's checkpoint does. */
  private async pendingWrite<T>(op: PendingOperation, write: () => Promise<T>): Promise<T> {
    this.pending.push(op);
    this.ctx.save?.(this.snapshot());
    try {
      return await write();
    } finally {
      this.pending.splice(this.pending.indexOf(op), 1);
      this.ctx.save?.(this.snapshot());
    }
  }

  private emit(step: Step, phase: "plan" | "start" | "done"): void {
    if (phase === "plan" || (phase === "done" && !this.dryRun)) this.steps.push(step);
    this.ctx.report.step(step, this.dryRun && phase === "done" ? "plan" : phase);
  }

  /** Marks a URN as registered in this run; duplicates and unknown parents fail as in the engine. */
  private claimUrn(urn: string, parent: string): void {
    if (this.seen.has(urn)) throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
    if (parent && !this.seen.has(parent)) throw new Error(`could not find parent resource ${parent}`);
    this.seen.add(urn);
  }

  /** The old state of a registration: by URN first, then by its aliases (`getOldResource`). */
  private oldResource(reg: Registration): ResourceState | undefined {
    const direct = this.oldByUrn.get(reg.urn);
    if (direct) return direct;
    for (const alias of this.aliases.candidates(reg.name, reg.type, reg.parent, reg.aliases)) {
      const old = this.oldByUrn.get(alias);
      if (!old) continue;
      if (this.seen.has(alias) || this.renamed.has(alias)) {
        throw new Error(
          `Duplicate resource alias '${alias}' applied to resource with URN '${reg.urn}' conflicting with resource with URN '${this.renamed.get(alias) ?? alias}'`,
        );
      }
      this.renamed.set(alias, reg.urn);
      this.aliases.record(reg.urn, alias);
      return old;
    }
    return undefined;
  }

  /** Handles one RegisterResource call. */
  async register(reg: Registration): Promise<RegistrationResult> {
    this.claimUrn(reg.urn, reg.parent);
    const old = this.oldResource(reg);
    if (old) this.taken.add(old);
    const base: ResourceState = {
      urn: reg.urn,
      type: reg.type,
      custom: reg.custom,
      id: "",
      parent: reg.parent,
      inputs: reg.inputs,
      outputs: {},
      dependencies: [...reg.dependencies],
      propertyDependencies: Object.fromEntries(Object.entries(reg.propertyDependencies).map(([k, v]) => [k, [...v]])),
      initErrors: [],
      pendingDelete: false,
      protect: reg.protect ?? false,
      retainOnDelete: reg.retainOnDelete ?? false,
      external: false,
      ignoreChanges: [...reg.ignoreChanges],
      replaceOnChanges: [...reg.replaceOnChanges],
    };
    if (!reg.custom) {
      if (reg.type !== stackType) this.emit(stepOf(reg, old ? "same" : "create"), "plan");
      this.record(base);
      return { id: "", outputs: {} };
    }
    if (!isDynamicType(reg.type)) {
      throw new Error(`the local runner only supports dynamic providers (pulumi-nodejs:dynamic:*); use pulumi up`);
    }
    const recreating = this.deletedEarly.get(reg.urn);
    const wasExternal = old?.external === true;
    let news = reg.inputs;
    if (old) {
      const ignored = applyIgnoreChanges(news, old.inputs, reg.ignoreChanges);
      news = ignored.inputs;
      if (ignored.invalid.length > 0) {
        this.ctx.warn(
          reg.urn,
          `cannot ignore changes in added or removed elements of the path: ${JSON.stringify(ignored.invalid.join(", "))}`,
        );
      }
    }
    const fresh = !old || wasExternal || recreating !== undefined;
    const checked = await this.ctx.host.check(reg.urn, fresh ? {} : (old?.inputs ?? {}), news);
    if (checked.failures.length > 0) throw invalidInputs(checked.failures);
    const inputs = markSecret(checked.inputs, reg.additionalSecretOutputs);
    const secretOut = (o: Props) => markSecret(o, reg.additionalSecretOutputs);
    const next = { ...base, inputs };
    if (recreating !== undefined && old) {
      const values = { olds: old.inputs, news: inputs, retainOnDelete: old.retainOnDelete };
      return this.create(next, stepOf(reg, "replace", recreating, values), secretOut);
    }
    if (!old) return this.create(next, stepOf(reg, "create", [], { news: inputs }), secretOut);
    if (wasExternal) {
      // Taking over an object read before: create it, and drop the read record (the engine's case 2).
      this.replaced.add(old);
      return this.create(next, stepOf(reg, "create", [], { news: inputs }), secretOut);
    }

    const raw = await this.ctx.host.diff(old.id, reg.urn, old.outputs, inputs, old.inputs);
    const diff = engineDiff(raw, old.inputs, inputs, reg.replaceOnChanges, old.initErrors.length > 0);
    if (diff.changes && reg.replaceOnChanges.length > 0 && raw.changes === true && diff.replaces.length === 0) {
      this.ctx.warn(
        reg.urn,
        `replaceOnChanges ${JSON.stringify(reg.replaceOnChanges)} has no effect here: the provider's diff names no ` +
          "changed properties (as every dynamic provider's), so the Pulumi engine updates in place; so does the runner",
      );
    }
    const values = { olds: old.inputs, news: inputs };
    if (diff.changes && diff.replaces.length > 0) {
      if ((reg.protect ?? false) && old.protect) throw replaceProtectedError(reg.urn);
      // A replacement recomputes defaults: check again without the old inputs, as the engine does.
      const rechecked = await this.ctx.host.check(reg.urn, {}, reg.inputs);
      if (rechecked.failures.length > 0) throw invalidInputs(rechecked.failures);
      const replacement = { ...next, inputs: markSecret(rechecked.inputs, reg.additionalSecretOutputs) };
      const dbr = reg.deleteBeforeReplace ?? diff.deleteBeforeReplace;
      const retained = { ...values, retainOnDelete: old.retainOnDelete };
      const step: Step = { ...stepOf(reg, "replace", diff.replaces, retained), deleteBeforeReplace: dbr };
      if (!dbr) {
        this.replaced.add(old);
        return this.create(replacement, step, secretOut);
      }
      await this.deleteBeforeReplace(old);
      return this.create(replacement, step, secretOut);
    }
    if (!diff.changes && old.initErrors.length === 0) {
      this.emit(stepOf(reg, "same"), "plan");
      this.record({ ...next, id: old.id, outputs: old.outputs });
      return { id: old.id, outputs: old.outputs };
    }
    const step = stepOf(reg, "update", changedKeys(old.inputs, inputs, [providerKey]), values);
    if (this.dryRun) {
      this.emit(step, "plan");
      this.registered.set(next.urn, { ...next, id: old.id });
      return { id: old.id, outputs: secretOut(inputs) };
    }
    this.emit(step, "start");
    let outputs: Props;
    try {
      const res = await this.pendingWrite(pendingOf("updating", old), () =>
        this.ctx.host.update(old.id, reg.urn, old.outputs, inputs),
      );
      outputs = secretOut(res.props);
    } catch (e) {
      partial(e, { ...next, id: old.id }, inputs, (r) => this.record(r));
    }
    this.record({ ...next, id: old.id, outputs });
    this.emit(step, "done");
    return { id: old.id, outputs };
  }

  /**
   * Delete-before-replace of `old`: first the dependents a replacement would replace
   * ({@link dependentReplacements}), dependents first, then `old`. The dependents are re-created
   * when the program registers them.
   */
  private async deleteBeforeReplace(old: ResourceState): Promise<void> {
    const live = this.old.resources.filter((r) => !this.deleted.has(r));
    for (const d of [...(await dependentReplacements(this.ctx.host, live, old))].reverse()) {
      this.deletedEarly.set(d.res.urn, d.keys);
      await this.deleteNow(d.res);
    }
    await this.deleteNow(old);
  }

  /** Deletes an old resource right away (nothing in preview) and drops it from state. */
  private async deleteNow(r: ResourceState): Promise<void> {
    if (this.dryRun) return;
    if (r.custom && !r.external && !r.retainOnDelete) {
      await this.pendingWrite(pendingOf("deleting", r), () => this.ctx.host.delete(r.id, r.urn, r.outputs));
    }
    this.deleted.add(r);
    this.ctx.save?.(this.snapshot());
  }

  private async create(next: ResourceState, step: Step, secretOut: (o: Props) => Props): Promise<RegistrationResult> {
    if (this.dryRun) {
      this.emit(step, "plan");
      this.registered.set(next.urn, next);
      return { id: "", outputs: secretOut(next.inputs) };
    }
    this.emit(step, "start");
    let res: { id: string; props: Props };
    try {
      res = await this.pendingWrite(pendingOf("creating", next), () => this.ctx.host.create(next.urn, next.inputs));
    } catch (e) {
      partial(e, next, next.inputs, (r) => this.record(r));
    }
    const outputs = secretOut(res.props);
    this.record({ ...next, id: res.id, outputs });
    this.emit(step, "done");
    return { id: res.id, outputs };
  }

  /**
   * Handles one ReadResource call (`Resource.get`), as the engine's read step: the provider's Read
   * gets the program's properties as both inputs and state; the result is recorded as external (never
   * created, updated or deleted by this stack). An unknown ID (preview) reads as empty outputs.
   */
  async read(read: ReadRegistration): Promise<RegistrationResult> {
    this.claimUrn(read.urn, read.parent);
    if (!isDynamicType(read.type)) {
      throw new Error(`the local runner only supports dynamic providers (pulumi-nodejs:dynamic:*); use pulumi up`);
    }
    let id = read.id;
    let outputs: Props = {};
    if (id !== unknownValue) {
      // As the engine: a Read answer with outputs is recorded (the dynamic-provider host always
      // returns `__provider`, so "nothing found" must come from the provider as an error).
      const res = await this.ctx.host.read(id, read.urn, read.properties, read.properties);
      outputs = markSecret(res.props, read.additionalSecretOutputs);
      id = res.id || id;
    }
    const old = this.oldByUrn.get(read.urn);
    if (old) {
      this.taken.add(old);
      // Reading another object under a managed resource's URN replaces it; the same ID relinquishes it.
      if (!old.external && old.id !== id) this.replaced.add(old);
    }
    const state: ResourceState = {
      urn: read.urn,
      type: read.type,
      custom: true,
      id,
      parent: read.parent,
      inputs: read.properties,
      outputs,
      dependencies: [...read.dependencies],
      propertyDependencies: {},
      initErrors: [],
      pendingDelete: false,
      protect: false,
      retainOnDelete: false,
      external: true,
      ignoreChanges: [],
      replaceOnChanges: [],
    };
    const step = stepOf(read, old && !old.external ? "replace" : "read", [], { news: outputs });
    if (!this.dryRun) this.emit(step, "start");
    this.record(state);
    this.emit(step, this.dryRun ? "plan" : "done");
    return { id, outputs };
  }

  /** Handles RegisterResourceOutputs; only the stack's outputs are kept. */
  registerOutputs(urn: string, outputs: Props): void {
    if (urn.split("::")[2] !== stackType) return;
    this.outputs = outputs;
    this.ctx.save?.(this.snapshot());
  }

  /**
   * After a successful program run: deletes what was not registered, and replaced copies, dependents
   * first. A protected resource fails the run (also in preview, before anything is deleted); a
   * retained one and a read one only leave the stack.
   */
  async finish(): Promise<void> {
    for (const r of [...this.old.resources].reverse()) {
      if (this.deleted.has(r) || r.type === stackType) continue;
      if (r.pendingDelete || this.replaced.has(r)) {
        await this.deleteNow(r);
        continue;
      }
      if (this.taken.has(r)) continue;
      if (r.protect) throw deleteProtectedError(r.urn);
      const step = r.external
        ? stepOf(r, "discard", [], { olds: r.inputs })
        : stepOf(r, "delete", [], { olds: r.inputs, retainOnDelete: r.retainOnDelete });
      this.emit(step, this.dryRun ? "plan" : "start");
      await this.deleteNow(r);
      if (!this.dryRun) this.emit(step, "done");
    }
  }

  /** Stack outputs the program exported. */
  stackOutputs(): Props {
    return this.outputs;
  }
}
