import type * as pulumi from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { GET_MARKER } from "../../sdk/shim";
import type { FirewallApi } from "../client/firewall";
import {
  ApplyFailedError,
  FirewallError,
  hasCode,
  InputError,
  PartialApplyError,
  TakeoverRefusedError,
} from "../errors";
import type { Issue } from "../model/common";
import { withoutNulls } from "../model/input";
import type { Scope } from "../model/scope";
import type { ClientPool } from "./context";
import { type GuardRequest, type LockoutGuard, lockoutInputs } from "./guard";
import type { GuardSession } from "./guard-session";
import { WriteJournal } from "./journal";
import {
  adoptionPlan,
  type CreateIntent,
  type CreateMode,
  decideCreate,
  type Existing,
  ownershipInputs,
} from "./ownership";
import { type DeclaredKind, type DeclaredNames, ReferenceLists } from "./preflight";

/** What an ID of each resource class looks like, for messages. */
const ID_EXAMPLES: Readonly<Record<string, string>> = {
  ClusterFirewallOptions: '"cluster"',
  NodeFirewallOptions: '"node/pve1"',
  GuestFirewallOptions: '"qemu/pve1/100" or "lxc/pve1/101"',
  VnetFirewallOptions: '"vnet/v1"',
  FirewallRules: '"cluster", "node/pve1", "qemu/pve1/100" or "vnet/v1"',
  SecurityGroup: '"cluster/group/webserver"',
  Alias: '"cluster/alias/office" or "qemu/pve1/100/alias/office"',
  IpSet: '"cluster/ipset/management" or "qemu/pve1/100/ipset/allowed"',
};

/** What a kind implementation gets for one provider operation. */
export interface KindContext {
  readonly api: FirewallApi;
  /** Every write of this operation, in user terms (for failure messages). */
  readonly journal: WriteJournal;
  /** Lists read for reference checks and alias lookups, at most once each in this operation. */
  readonly lists: ReferenceLists;
  /**
   * Reports a warning line to the user (`warning: ...`) once per provider process: a line already
   * reported (e.g. by the `check` of the same create) is not repeated.
   */
  readonly warn: Notify;
}

/** Plain state objects: what Pulumi stores as a resource's outputs and (canonical) inputs. */
export type Props = Record<string, unknown>;

/**
 * One object kind's logic, in plain functions over canonical props. The generic
 * {@link ResourceProviderImpl} turns it into a Pulumi `ResourceProvider`.
 */
export interface KindImpl {
  /** How messages name the object before its ID: `rules of` (qemu/pve1/100), `ipset` (cluster/ipset/x). */
  readonly noun: string;
  /**
   * Validate and normalise raw inputs (`check`; `null` members already removed). Values still
   * unknown in a preview are kept as they are. `warnings` name each input that was rewritten in a
   * way the user may not expect (host bits cleared, a comment Proxmox drops).
   */
  check(news: Props): { inputs: Props; issues: Issue[]; warnings?: Issue[] };
  /** The Pulumi ID of the object the (checked, known) inputs describe. */
  idOf(inputs: Props): string;
  /** Top-level properties compared by `diff`. */
  readonly compared: readonly string[];
  /** Properties whose change means another object, so a replacement. */
  replaces(olds: Props, news: Props): string[];
  /**
   * Whether the old object must be deleted before its replacement is created (Proxmox forbids two
   * objects with the same name in one scope).
   */
  deleteBeforeReplace(olds: Props, news: Props): boolean;
  /**
   * What a create of the (checked, known) inputs finds at its target, with one GET per list;
   * `undefined` when there is nothing (no such object, an empty rule list, no option set).
   */
  survey(ctx: KindContext, inputs: Props): Promise<Existing | undefined>;
  /** Creates the object, finishes this resource's half-made one, or takes one over (see {@link CreateIntent}). */
  create(ctx: KindContext, inputs: Props, intent: CreateIntent): Promise<Props>;
  /** The object as it is now, or `undefined` when it is gone. `inputs` is the canonical input form of `props`. */
  read(ctx: KindContext, id: string, props?: Props): Promise<{ props: Props; inputs: Props } | undefined>;
  update(ctx: KindContext, id: string, olds: Props, news: Props): Promise<Props>;
  delete(ctx: KindContext, id: string, olds: Props): Promise<void>;
  /**
   * The object checked inputs (name and scope known) declare, for kinds that rules name: an alias,
   * an IPSet, a security group (scope: the cluster). Recorded when its `check` passes (see
   * `GuardSession.declare`).
   */
  declares?(inputs: Props): { kind: DeclaredKind; scope: Scope; name: string };
  /**
   * For kinds that hold rules: the reference check their create (`mode`) or update (`olds` given)
   * makes before its first write, with `declared` objects counting as existing; `check` runs it in
   * a preview too, so that a list naming an object that neither exists nor is declared fails there.
   *
   * @throws MissingReferenceError as the write would
   */
  verifyReferences?(
    ctx: KindContext,
    inputs: Props,
    before: { olds: Props } | { mode: CreateMode },
    declared: DeclaredNames,
  ): Promise<void>;
}

/** True when `value` is, or contains, a value Pulumi does not know yet (preview). */
export function containsUnknown(value: unknown): boolean {
  if (value === unknownValue) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * A copy without `undefined` members, deeply: Pulumi's protobuf `Struct` rejects them, and state
 * should hold only what is set.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, withoutUndefined(v)]),
    ) as T;
  return value;
}

/** Structural equality of JSON-like values (key order ignored, `undefined` members ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).filter((k) => (a as Props)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Props)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => sameValue((a as Props)[k], (b as Props)[k]));
  }
  return false;
}

/** The changed top-level properties between stored outputs and new (checked) inputs. */
export function changedProperties(compared: readonly string[], olds: Props, news: Props): string[] {
  return compared.filter((k) => containsUnknown(news[k]) || !sameValue(olds[k], news[k]));
}

/** Where a provider's messages to the user go: one line each (see {@link stderrNotify}). */
export type Notify = (line: string) => void;

/**
 * Writes a line to the provider process's stderr: the one channel that reaches the user both
 * under the Pulumi engine, which shows every stderr line of the `pulumi-nodejs` dynamic-provider
 * plugin as an info message (`pkg/resource/plugin/plugin.go`: the plugin's output is not hidden for
 * dynamic-provider binaries; the Node host never connects to the engine's log service), and under
 * the local runner (host stderr lines become log lines).
 */
export const stderrNotify: Notify = (line) => {
  process.stderr.write(`${line}\n`);
};

/** The key of the cluster the (checked) props talk to: its name, `""` for the default one. */
function clusterKey(props: Props): string {
  return typeof props["cluster"] === "string" ? props["cluster"] : "";
}

function isNew(olds: Props): boolean {
  return Object.keys(olds).every((k) => k === "__provider");
}

/**
 * `adopt`, `allowLockout` and `__owner` as given, for the outputs: kept there so that `read` (which
 * gets only the outputs) returns them among the inputs, and a refresh does not show them as changed.
 */
function kept(props: Props): Props {
  return {
    adopt: props["adopt"] ?? undefined,
    allowLockout: props["allowLockout"] ?? undefined,
    __owner: props["__owner"] ?? undefined,
  };
}

function writesText(n: number): string {
  return `${n} ${n === 1 ? "write" : "writes"}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A Pulumi dynamic `ResourceProvider` over a {@link KindImpl}: validation in `check` with one
 * failure per bad field; `diff` on canonical forms; CRUD through the cluster's client.
 *
 * Ownership: `check` of a new resource (no old inputs, every input known) reads what exists at its
 * target (one GET per list) and fails, as `create` would, when the create may not take it over
 * (see {@link decideCreate}). `create` decides again before its first write and refuses with
 * `FW_TAKEOVER_REFUSED`, writing nothing.
 *
 * References: `check` of a new or changed rule list whose inputs are all known verifies, as its
 * write will, that every group, alias and IPSet its rules name exists, counting as existing what
 * the checks before it in this run declared (see {@link KindImpl.verifyReferences}); it reads
 * only the lists some rule needs. `check` makes no other API call but the lockout guard's.
 *
 * Lockout guard (see `guard.ts`): `check` of a new or changed resource whose inputs are all known
 * simulates its planned result on the live configuration and fails, as the write would, when it
 * would lock the operators out; `create`, `update` and `delete` check again before their first
 * write and refuse with `FW_LOCKOUT_REFUSED`, writing nothing. `allowLockout: true` skips both.
 *
 * Failures: a failure after a write re-reads the object and throws a {@link PartialApplyError}
 * with the true state and a message saying what was already changed, so Pulumi records what is
 * really applied and the next `up` finishes the job; a failure before any write is passed on as
 * it is (nothing is recorded, nothing changed).
 */
export class ResourceProviderImpl implements pulumi.dynamic.ResourceProvider {
  readonly #kind: string;
  readonly #impl: KindImpl;
  readonly #clients: ClientPool;
  readonly #notify: Notify;
  readonly #lockout: LockoutGuard;
  readonly #session: GuardSession;
  /** Warning lines already reported by this provider (see {@link KindContext.warn}). */
  readonly #warned = new Set<string>();

  /**
   * @param kind - the resource class name for messages (`FirewallRules`)
   * @param lockout - the lockout guard of this provider
   * @param session - what the providers of all kinds share in this process (the objects checked in this run)
   * @param notify - receives progress lines for the user @default {@link stderrNotify}
   */
  constructor(
    kind: string,
    impl: KindImpl,
    clients: ClientPool,
    lockout: LockoutGuard,
    session: GuardSession,
    notify: Notify = stderrNotify,
  ) {
    this.#kind = kind;
    this.#impl = impl;
    this.#clients = clients;
    this.#lockout = lockout;
    this.#session = session;
    this.#notify = notify;
  }

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.#clients.configure((key) => req.config.get(key));
  }

  /**
   * Validates `news`: `null` means "left out" at every depth; every bad field is one failure; on
   * success each rewrite of the user's input is reported as a warning (shown on every preview until
   * the program says what is stored). No API call, except for a new resource (no old inputs, every
   * input known): it reads what exists at its target and fails, as `create` would, when the create
   * may not take it over; and for a new or changed rule list whose inputs are known: a rule naming
   * an alias, IPSet or group that neither exists nor is declared by a resource checked before it in
   * this run fails, as the write would (see {@link KindImpl.verifyReferences}), so that `up` does
   * not stop half-way.
   */
  async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const own = ownershipInputs(withoutNulls(news), containsUnknown);
    const lock = lockoutInputs(own.props, containsUnknown);
    const { inputs, issues, warnings = [] } = this.#impl.check(lock.props);
    const cluster = lock.props["cluster"];
    const clusterIssue = containsUnknown(cluster) ? undefined : this.#clients.checkCluster(cluster);
    const all = [...own.issues, ...lock.issues, ...issues, ...(clusterIssue ? [clusterIssue] : [])];
    if (all.length > 0) return { inputs: news, failures: all.map((i) => ({ property: i.path, reason: i.reason })) };
    if (warnings.length > 0) {
      const where = this.#describe(inputs);
      for (const w of warnings) this.#notify(`warning: ${where}${w.path}: ${w.reason}`);
    }
    const checked = withoutUndefined({
      ...inputs,
      adopt: own.adopt,
      allowLockout: lock.allowLockout,
      __owner: own.owner,
    });
    if (containsUnknown(checked)) {
      this.#declare(inputs);
      return { inputs: checked };
    }
    const props = withoutUndefined(inputs);
    // One context for the reads of this check, made on first use (it needs a configured endpoint).
    let made: KindContext | undefined;
    const ctx = () => {
      made ??= this.#context(props);
      return made;
    };
    let mode: CreateMode = "new";
    if (isNew(olds)) {
      const preview = await this.#previewCreate(ctx, props, own.adopt === true, own.owner);
      if (preview.refusal) return { inputs: news, failures: [{ property: "adopt", reason: preview.refusal }] };
      mode = preview.mode;
    }
    const changed = isNew(olds) || changedProperties([...this.#impl.compared, "cluster"], olds, checked).length > 0;
    if (changed) {
      const before = isNew(olds) ? { mode } : { olds: ownershipInputs(olds, containsUnknown).props };
      const missing = await this.#previewReferences(ctx, props, before);
      if (missing) return { inputs: news, failures: [{ property: "rules", reason: missing }] };
    }
    if (changed) {
      const refusal = await this.#lockout.preview(
        this.#request(isNew(olds) ? (own.adopt === true ? "adopt" : "create") : "update", props, {
          news: props,
          ...(isNew(olds)
            ? {}
            : { olds: lockoutInputs(ownershipInputs(olds, containsUnknown).props, containsUnknown).props }),
          allowLockout: lock.allowLockout === true,
        }),
      );
      if (refusal) return { inputs: news, failures: [refusal] };
    }
    this.#declare(props);
    return { inputs: checked };
  }

  /**
   * Records the alias, IPSet or security group that checked inputs declare (see
   * {@link KindImpl.declares}), once its name, scope and cluster are known: in a preview the other
   * inputs (entries, a cidr) may still be unknown.
   */
  #declare(inputs: Props): void {
    if (!this.#impl.declares || ["name", "scope", "cluster"].some((k) => containsUnknown(inputs[k]))) return;
    const declared = this.#impl.declares(inputs);
    this.#session.declare(clusterKey(inputs), declared.kind, declared.scope, declared.name);
  }

  /** `<id>: ` of checked inputs for messages, or nothing while the ID is not known yet. */
  #describe(inputs: Props): string {
    try {
      return containsUnknown(inputs) ? "" : `${this.#impl.idOf(inputs)}: `;
    } catch {
      return "";
    }
  }

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const changed = changedProperties([...this.#impl.compared, "cluster"], olds, news);
    if (changed.length === 0) return { changes: false };
    const replaces = [...this.#impl.replaces(olds, news), ...(changed.includes("cluster") ? ["cluster"] : [])];
    return {
      changes: true,
      replaces,
      deleteBeforeReplace: replaces.length > 0 && this.#impl.deleteBeforeReplace(olds, news),
    };
  }

  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const own = ownershipInputs(inputs, containsUnknown);
    const { adopt, owner } = own;
    const { props, allowLockout } = lockoutInputs(own.props, containsUnknown);
    const id = this.#impl.idOf(props);
    const ctx = this.#context(props);
    const verb = adopt === true ? "adopt" : "create";
    const outs = await this.#guard(verb, ctx, id, props, async () => {
      const existing = await this.#impl.survey(ctx, props);
      const decision = decideCreate(this.#kind, existing, adopt === true, owner);
      if (!decision.ok) throw new TakeoverRefusedError(`create ${this.#kind} ${id}: ${decision.reason}`);
      await this.#lockout.beforeWrite(this.#request(verb, props, { news: props, allowLockout: allowLockout === true }));
      const created = await this.#impl.create(ctx, props, decision.intent);
      // The plan itself was reported by this create's `check`, which the engine always calls first.
      if (decision.intent.mode === "adopt" && existing)
        this.#notify(`adopt ${this.#kind} ${id}: done, ${writesText(ctx.journal.count)}`);
      return created;
    });
    return { id, outs: withoutUndefined({ ...outs, cluster: props["cluster"], ...kept(inputs) }) };
  }

  /**
   * Reads the object. A missing object is "nothing here" (`{}`: a refresh then drops it from the
   * stack), except for a `get(name, id)` (its props carry the SDK's `__get` marker): the engine's
   * read step would record an answer without properties as a resource with none, so it fails with
   * a message naming the ID instead.
   */
  async read(id: string, props?: Props): Promise<pulumi.dynamic.ReadResult> {
    const cluster = props?.["cluster"];
    const found = await this.#impl.read(this.#context(props ?? {}), id, props);
    if (!found && props?.[GET_MARKER] === true)
      throw new InputError(
        "id",
        `${this.#kind}.get: no ${this.#kind} with ID ${JSON.stringify(id)} exists (IDs look like ${ID_EXAMPLES[this.#kind] ?? "cluster"}); check the ID`,
      );
    if (!found) return {};
    const withCluster = (p: Props) => withoutUndefined({ ...p, cluster, ...kept(props ?? {}) });
    return { id, props: withCluster(found.props), inputs: withCluster(found.inputs) };
  }

  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const { props, allowLockout } = lockoutInputs(ownershipInputs(news, containsUnknown).props, containsUnknown);
    const previous = lockoutInputs(ownershipInputs(olds, containsUnknown).props, containsUnknown).props;
    const ctx = this.#context(props);
    const outs = await this.#guard("update", ctx, id, props, async () => {
      await this.#lockout.beforeWrite(
        this.#request("update", props, { news: props, olds: previous, allowLockout: allowLockout === true }),
      );
      return this.#impl.update(ctx, id, previous, props);
    });
    return { outs: withoutUndefined({ ...outs, cluster: props["cluster"], ...kept(news) }) };
  }

  async delete(id: string, props: Props): Promise<void> {
    const ctx = this.#context(props);
    try {
      const { props: olds, allowLockout } = lockoutInputs(
        ownershipInputs(props, containsUnknown).props,
        containsUnknown,
      );
      await this.#lockout.beforeWrite(this.#request("delete", olds, { olds, allowLockout: allowLockout === true }));
      await this.#impl.delete(ctx, id, props);
    } catch (e) {
      if (!ctx.journal.touched) throw e;
      throw new ApplyFailedError(
        `delete ${this.#impl.noun} ${id} failed after ${ctx.journal.summary()}, then: ${messageOf(e)}`,
        {
          cause: e,
        },
      );
    }
  }

  /** What the lockout guard gets about a write of this resource (`props` are the ones it is about). */
  #request(verb: string, props: Props, what: { news?: Props; olds?: Props; allowLockout: boolean }): GuardRequest {
    const cluster = props["cluster"];
    return {
      kind: this.#kind,
      id: this.#impl.idOf(props),
      verb,
      cluster: typeof cluster === "string" ? cluster : undefined,
      api: () => this.#context(props).api,
      ...what,
    };
  }

  #context(props: Props): KindContext {
    const cluster = props["cluster"];
    const api = this.#clients.api(typeof cluster === "string" ? cluster : undefined);
    const warn: Notify = (line) => {
      if (this.#warned.has(line)) return;
      this.#warned.add(line);
      this.#notify(line);
    };
    return { api, journal: new WriteJournal(), lists: new ReferenceLists(api), warn };
  }

  /**
   * The preview of a create: reads what exists at the target and returns the refusal a create would
   * throw, or reports what an adoption will change; otherwise the create's mode. A failed read is
   * reported and not held against the inputs (the create decides again before it writes).
   */
  async #previewCreate(
    ctx: () => KindContext,
    props: Props,
    adopt: boolean,
    owner: string | undefined,
  ): Promise<{ refusal?: string; mode: CreateMode }> {
    let id = "";
    let existing: Existing | undefined;
    try {
      id = this.#impl.idOf(props);
      existing = await this.#impl.survey(ctx(), props);
    } catch (e) {
      this.#notify(
        `warning: ${this.#kind} ${id}: could not read what already exists there (${messageOf(e)}); the create checks again before it writes`,
      );
      return { mode: adopt ? "adopt" : "new" };
    }
    const decision = decideCreate(this.#kind, existing, adopt, owner);
    if (!decision.ok) return { refusal: decision.reason, mode: "new" };
    if (decision.intent.mode === "adopt" && existing)
      for (const line of adoptionPlan(this.#kind, id, existing)) this.#notify(line);
    if (decision.intent.mode === "finish")
      this.#notify(
        `${this.#kind} ${id}: the create will finish this resource's own half-made object (it carries this resource's ownership mark)`,
      );
    return { mode: decision.intent.mode };
  }

  /**
   * The reference check of a preview (see {@link KindImpl.verifyReferences}): the refusal the write
   * would throw, counting as existing what the program declares. A failed read is reported and not
   * held against the inputs (the write checks again).
   */
  async #previewReferences(
    ctx: () => KindContext,
    props: Props,
    before: { olds: Props } | { mode: CreateMode },
  ): Promise<string | undefined> {
    if (!this.#impl.verifyReferences) return undefined;
    try {
      await this.#impl.verifyReferences(ctx(), props, before, this.#session.declared(clusterKey(props)));
    } catch (e) {
      if (hasCode(e, "FW_MISSING_REFERENCE")) return messageOf(e);
      this.#notify(
        `warning: ${this.#kind} ${this.#impl.idOf(props)}: could not read the objects its rules name (${messageOf(e)}); the write checks again before it writes`,
      );
    }
    return undefined;
  }

  /**
   * Runs a write. On failure after something was written, re-reads the object and throws a
   * {@link PartialApplyError} with the truth and what was changed; before any write, or on a
   * refusal, rethrows the error as it is.
   */
  async #guard(verb: string, ctx: KindContext, id: string, inputs: Props, write: () => Promise<Props>): Promise<Props> {
    try {
      return await write();
    } catch (e) {
      if (!ctx.journal.touched || hasCode(e, "FW_TAKEOVER_REFUSED") || hasCode(e, "FW_MISSING_REFERENCE")) throw e;
      const reason = `${verb} ${this.#impl.noun} ${id} failed after ${ctx.journal.summary()}, then: ${messageOf(e)}`;
      let now: { props: Props } | undefined;
      try {
        now = await this.#impl.read(ctx, id, inputs);
      } catch (readError) {
        throw new ApplyFailedError(`${reason} (and reading it back failed: ${messageOf(readError)})`, { cause: e });
      }
      if (!now) throw new ApplyFailedError(reason, { cause: e });
      const cluster = inputs["cluster"];
      throw new PartialApplyError(id, withoutUndefined({ ...now.props, cluster }), [reason], {
        cause: e instanceof FirewallError ? e : undefined,
      });
    }
  }
}
