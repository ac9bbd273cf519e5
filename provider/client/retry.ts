import { hasCode } from "../errors";

/** How hard the client retries one API call. */
export interface RetryPolicy {
  /** Attempts in total, the first one included (1 = never retry). */
  readonly maxAttempts: number;
  /** Upper bound of the first backoff; doubles on every further attempt. */
  readonly baseDelayMs: number;
  /** Upper bound of any single backoff. */
  readonly maxDelayMs: number;
  /** No new attempt starts once this much time has passed since the first one began. */
  readonly maxTotalMs: number;
}

/** Defaults: 4 attempts, 250 ms doubling up to 4 s, 30 s in total. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  maxTotalMs: 30000,
});

/** Time and chance, injectable so tests are instant and deterministic. */
export interface RetryEnv {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

/** The real clock, timers and `Math.random`. */
export const systemRetryEnv: RetryEnv = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
});

/**
 * Full-jitter exponential backoff: a uniform delay in `[0, min(maxDelayMs, baseDelayMs * 2^(retry-1)))`,
 * where `retry` is 1 before the second attempt.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

/**
 * What the HTTP layer knows about a request that got no answer. `requestSent` is false only when
 * undici failed before it started writing the request to a connected socket (its `onRequestStart`
 * never ran), so the server cannot have seen a single byte of it.
 */
export interface TransportFacts {
  readonly requestSent: boolean;
  /** Node/undici error code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`, `UND_ERR_HEADERS_TIMEOUT`. */
  readonly transportCode: string;
}

/** The {@link TransportFacts} a network error carries as its cause, if any. */
export function transportFacts(e: unknown): TransportFacts | undefined {
  const cause = (e as { cause?: unknown }).cause;
  if (typeof cause !== "object" || cause === null) return undefined;
  const { requestSent, transportCode } = cause as Partial<TransportFacts>;
  return typeof requestSent === "boolean" && typeof transportCode === "string"
    ? { requestSent, transportCode }
    : undefined;
}

/** Transport failures that are final whatever the method: a retry would fail the same way. */
const PERMANENT_TRANSPORT = new Set(["FW_TLS_PIN_MISMATCH", "FW_TLS_UNTRUSTED"]);

/**
 * Whether a failed call may be tried again.
 *
 * - Reads: network errors (refused, reset, timeout), Proxmox lock timeouts and other 5xx, except
 *   501 and the classified answers (not found, digest mismatch) that a retry cannot change.
 * - Writes: only when provably not applied: the request never started on a socket (refused,
 *   connect timeout, DNS, socket closed before the first byte), or Proxmox answered with a lock
 *   timeout (the handler never ran). Never after a response timeout or a reset once sending began.
 * - A digest mismatch is never retried: callers re-read and re-plan.
 */
export function isRetryable(e: unknown, write: boolean): boolean {
  if (hasCode(e, "FW_LOCK_TIMEOUT")) return true;
  if (hasCode(e, "FW_NETWORK")) {
    const facts = transportFacts(e);
    if (facts && PERMANENT_TRANSPORT.has(facts.transportCode)) return false;
    return write ? facts?.requestSent === false : true;
  }
  if (write) return false;
  if (hasCode(e, "FW_API")) {
    const status = (e as { status?: unknown }).status;
    return typeof status === "number" && status >= 500 && status !== 501;
  }
  return false;
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly env: RetryEnv;
  /** Whether the call changes state (POST/PUT/DELETE). */
  readonly write: boolean;
}

/**
 * Runs `attempt(n)` (n from 1) until it succeeds, fails with a non-retryable error, runs out of
 * attempts, or the next backoff would end past `maxTotalMs`. Throws the last error as is.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const { policy, env, write } = opts;
  const start = env.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (n >= policy.maxAttempts || !isRetryable(e, write)) throw e;
      const delay = backoffDelayMs(n, policy, env.random);
      if (env.now() + delay - start >= policy.maxTotalMs) throw e;
      await env.sleep(delay);
    }
  }
}
