/** One API exchange as observed by the client (one per attempt, login calls included). */
export interface CallRecord {
  readonly method: string;
  /** API path below `/api2/json`, without the query string. */
  readonly path: string;
  /** HTTP status; 0 when no answer came (network error, timeout). */
  readonly status: number;
  readonly durationMs: number;
  /** 1 for the first try of a call, 2 for its first retry, ... */
  readonly attempt: number;
}

/** Hook called after every exchange. Must not throw. */
export type CallObserver = (call: CallRecord) => void;

/** What {@link CallLog.count} matches: fields that must be equal (a RegExp tests `path`), or a predicate. */
export type CallFilter =
  | { readonly method?: string; readonly path?: string | RegExp; readonly status?: number }
  | ((call: CallRecord) => boolean);

/** The login endpoint, which is a POST but changes no firewall state. */
export const TICKET_PATH = "/access/ticket";

function matches(call: CallRecord, filter: CallFilter): boolean {
  if (typeof filter === "function") return filter(call);
  if (filter.method !== undefined && call.method !== filter.method) return false;
  if (filter.status !== undefined && call.status !== filter.status) return false;
  if (filter.path instanceof RegExp) return filter.path.test(call.path);
  return filter.path === undefined || call.path === filter.path;
}

/** In-memory record of a client's calls, for tests and benchmarks (`client.log`). */
export class CallLog {
  readonly #calls: CallRecord[] = [];

  /** Appends one call; the client does this after every exchange. */
  record(call: CallRecord): void {
    this.#calls.push(call);
  }

  /** Every call, oldest first. */
  calls(): readonly CallRecord[] {
    return [...this.#calls];
  }

  /** Calls that change state: POST, PUT and DELETE, except the ticket login. */
  writes(): readonly CallRecord[] {
    return this.#calls.filter((c) => c.method !== "GET" && c.path !== TICKET_PATH);
  }

  /** Number of calls matching `filter` (all calls without one). */
  count(filter?: CallFilter): number {
    return filter === undefined ? this.#calls.length : this.#calls.filter((c) => matches(c, filter)).length;
  }

  /** Forgets every recorded call. */
  reset(): void {
    this.#calls.length = 0;
  }
}
