/**
 * What the lockout guard keeps for one run of the provider process, shared by the providers of
 * every resource kind: the live lists it read (per cluster), the planned results of the guarded
 * resources `check` has seen (per cluster), and which one-time notes it has given.
 *
 * @module
 */
import type { CallRecord } from "../client/call-log";
import type { GuardTarget } from "./guard-change";
import { LiveLists } from "./guard-live";

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

  /** True the first time it is asked about `key`, false after. */
  firstTime(key: string): boolean {
    if (this.#noted.has(key)) return false;
    this.#noted.add(key);
    return true;
  }
}
