import type * as pulumi from "@pulumi/pulumi";
import { log } from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { FirewallApi } from "../client/firewall";
import { FirewallError, hasCode, PartialApplyError } from "../errors";
import type { Issue } from "../model/common";
import { withoutNulls } from "../model/input";
import type { ClientPool } from "./context";

/** What a kind implementation gets for its API calls. */
export interface KindContext {
  readonly api: FirewallApi;
}

/** Plain state objects: what Pulumi stores as a resource's outputs and (canonical) inputs. */
export type Props = Record<string, unknown>;

/**
 * One object kind's logic, in plain functions over canonical props. The generic
 * {@link ResourceProviderImpl} turns it into a Pulumi `ResourceProvider`.
 */
export interface KindImpl {
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
  create(ctx: KindContext, inputs: Props): Promise<Props>;
  /** The object as it is now, or `undefined` when it is gone. `inputs` is the canonical input form of `props`. */
  read(ctx: KindContext, id: string, props?: Props): Promise<{ props: Props; inputs: Props } | undefined>;
  update(ctx: KindContext, id: string, olds: Props, news: Props): Promise<Props>;
  delete(ctx: KindContext, id: string, olds: Props): Promise<void>;
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

/**
 * A Pulumi dynamic `ResourceProvider` over a {@link KindImpl}: validation in `check` with one
 * failure per bad field and no API call; `diff` on canonical forms; CRUD through the cluster's
 * client; any failure after a write re-reads the object and reports what is really applied, so
 * Pulumi records the true state and the next `up` finishes the job.
 */
export class ResourceProviderImpl implements pulumi.dynamic.ResourceProvider {
  readonly #impl: KindImpl;
  readonly #clients: ClientPool;

  constructor(impl: KindImpl, clients: ClientPool) {
    this.#impl = impl;
    this.#clients = clients;
  }

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.#clients.configure((key) => req.config.get(key));
  }

  /**
   * Validates `news` with no API call: `null` means "left out" at every depth; every bad field is
   * one failure; on success each rewrite of the user's input is logged as a warning (Pulumi shows
   * it on every preview until the program says what is stored).
   */
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const given = withoutNulls(news);
    const { inputs, issues, warnings = [] } = this.#impl.check(given);
    const clusterIssue = containsUnknown(given["cluster"]) ? undefined : this.#clients.checkCluster(given["cluster"]);
    const all = clusterIssue ? [...issues, clusterIssue] : issues;
    if (all.length > 0) return { inputs: news, failures: all.map((i) => ({ property: i.path, reason: i.reason })) };
    if (warnings.length > 0) {
      const where = this.#describe(inputs);
      for (const w of warnings) void log.warn(`${where}${w.path}: ${w.reason}`);
    }
    return { inputs: withoutUndefined(inputs) };
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
    const id = this.#impl.idOf(inputs);
    const ctx = this.#context(inputs);
    const outs = await this.#guard(ctx, id, inputs, () => this.#impl.create(ctx, inputs));
    return { id, outs: withoutUndefined({ ...outs, cluster: inputs["cluster"] }) };
  }

  async read(id: string, props?: Props): Promise<pulumi.dynamic.ReadResult> {
    const cluster = props?.["cluster"];
    const found = await this.#impl.read(this.#context(props ?? {}), id, props);
    if (!found) return {};
    const withCluster = (p: Props) => withoutUndefined(cluster === undefined ? p : { ...p, cluster });
    return { id, props: withCluster(found.props), inputs: withCluster(found.inputs) };
  }

  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const ctx = this.#context(news);
    const outs = await this.#guard(ctx, id, news, () => this.#impl.update(ctx, id, olds, news));
    return { outs: withoutUndefined({ ...outs, cluster: news["cluster"] }) };
  }

  async delete(id: string, props: Props): Promise<void> {
    await this.#impl.delete(this.#context(props), id, props);
  }

  #context(props: Props): KindContext {
    const cluster = props["cluster"];
    return { api: this.#clients.api(typeof cluster === "string" ? cluster : undefined) };
  }

  /** Runs a write; on failure re-reads the object and throws a {@link PartialApplyError} with the truth. */
  async #guard(ctx: KindContext, id: string, inputs: Props, write: () => Promise<Props>): Promise<Props> {
    try {
      return await write();
    } catch (e) {
      if (hasCode(e, "FW_INPUT") || hasCode(e, "FW_CONFIG") || hasCode(e, "FW_LOCKOUT_REFUSED")) throw e;
      const reason = e instanceof Error ? e.message : String(e);
      let now: { props: Props } | undefined;
      try {
        now = await this.#impl.read(ctx, id, inputs);
      } catch {
        throw e; // cannot tell what is applied: report the original failure, nothing is recorded
      }
      if (!now) throw e;
      const cluster = inputs["cluster"];
      throw new PartialApplyError(id, withoutUndefined({ ...now.props, cluster }), [reason], {
        cause: e instanceof FirewallError ? e : undefined,
      });
    }
  }
}
