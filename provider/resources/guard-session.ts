/**
 * What the providers keep for one run of the provider process, shared by the providers of every
 * resource kind: for the lockout guard, the live lists it read (per cluster), the planned results
 * of the guarded resources `check` has seen (per cluster), and which one-time notes it has given;
 * for the reference check of a preview, the aliases, IPSets and security groups `check` has seen.
 *
 * @module
 */
import type { CallRecord } from "../client/call-log";
import { type Scope, scopeId } from "../model/scope";
import type { GuardTarget } from "./guard-change";
import { LiveLists } from "./guard-live";
import type { DeclaredKind, DeclaredNames } from "./preflight";

/**
 * The guard's state for one provider process. The Pulumi engine runs every dynamic resource of a
 * program in one provider process, with one provider object per resource kind, and gives them no
 * other way to see each other: so the process holds one session (see `createProvider`), which
 * each kind's provider is given. Tests make their own.
 */
export class GuardSession {
  readonly #lists = new Map<string, LiveLists>();
  readonly #planned = new Map<string, Map<string, GuardTarget>>();
  readonly #noted = new Set<string>();
  /** Names of declared objects by cluster, kind and scope. */
  readonly #declared = new Map<string, Set<string>>();

  /** The live lists of `cluster` (`""` for the default cluster). */
  lists(cluster: string): LiveLists {
    let lists = this.#lists.get(cluster);
    if (!lists) {
      lists = new LiveLists();
      this.#lists.set(cluster, lists);
    }
    return lists;
  }

  /** Told about every API exchange of the providers' clients: our own writes make cached lists stale. */
  observe(cluster: string, call: CallRecord): void {
    this.#lists.get(cluster)?.forget(call.method, call.path);
  }

  /**
   * Records the planned result of a guarded resource that `check` has seen in this run, under a
   * key naming the resource (its kind and ID); a later check of the same resource replaces it.
   */
  plan(cluster: string, key: string, target: GuardTarget): void {
    let planned = this.#planned.get(cluster);
    if (!planned) {
      planned = new Map();
      this.#planned.set(cluster, planned);
    }
    planned.delete(key);
    planned.set(key, target);
  }

  /** The planned results recorded for `cluster`, in the order their checks ran, except `key`'s own. */
  planned(cluster: string, key: string): GuardTarget[] {
    return [...(this.#planned.get(cluster) ?? [])].filter(([k]) => k !== key).map(([, t]) => t);
  }

  /**
   * Records an alias, IPSet or security group (`scope` is the cluster for a group) whose `check`
   * passed in this run: the program declares it, so Pulumi creates it (when it is new) before the
   * lists that reference it through its outputs or `dependsOn`, whose checks come after its own.
   */
  declare(cluster: string, kind: DeclaredKind, scope: Scope, name: string): void {
    const key = `${cluster}\u0000${kind}\u0000${scopeId(scope)}`;
    let names = this.#declared.get(key);
    if (!names) {
      names = new Set();
      this.#declared.set(key, names);
    }
    names.add(name);
  }

  /** The objects of `cluster` (`""` for the default cluster) recorded by {@link declare}. */
  declared(cluster: string): DeclaredNames {
    return {
      names: (kind, scope) => [...(this.#declared.get(`${cluster}\u0000${kind}\u0000${scopeId(scope)}`) ?? [])],
    };
  }

  /** True the first time it is asked about `key`, false after. */
  firstTime(key: string): boolean {
    if (this.#noted.has(key)) return false;
    this.#noted.add(key);
    return true;
  }
}
