/**
 * A small closed-loop HTTP load generator over undici: `concurrency` clients share one connection
 * pool and issue requests back to back until a fixed total is reached. Loopback only.
 */
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { percentile } from "./measure";

/** One request the generator sends. */
export interface LoadRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path with query, e.g. `/api2/json/cluster/firewall/rules`. */
  readonly path: string;
  /** Form body (sent as `application/x-www-form-urlencoded`). */
  readonly form?: Readonly<Record<string, string>>;
}

/** What {@link runLoad} measured. */
export interface LoadResult {
  readonly requests: number;
  readonly wallMs: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Bytes of the last response body (a size check for the report). */
  readonly lastBodyBytes: number;
}

/** Parameters of {@link runLoad}. */
export interface LoadOptions {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  readonly origin: string;
  /** `Authorization` header value. */
  readonly authorization: string;
  /** Total requests. */
  readonly total: number;
  /** Concurrent clients (and pool connections). */
  readonly concurrency: number;
  /** The request number `i` (0-based) to send. */
  readonly request: (i: number) => LoadRequest;
}

/** Sends `total` requests from `concurrency` clients; fails on the first non-2xx answer. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, { connections: options.concurrency, pipelining: 1 });
  const latencies: number[] = [];
  let next = 0;
  let lastBodyBytes = 0;
  const client = async (): Promise<void> => {
    while (next < options.total) {
      const req = options.request(next++);
      const body = req.form === undefined ? undefined : new URLSearchParams(req.form).toString();
      const start = performance.now();
      const res = await pool.request({
        method: req.method,
        path: req.path,
        headers: {
          authorization: options.authorization,
          ...(body === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" }),
        },
        body,
      });
      const text = await res.body.text();
      latencies.push(performance.now() - start);
      if (res.statusCode < 200 || res.statusCode > 299)
        throw new Error(`${req.method} ${req.path}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
      lastBodyBytes = Buffer.byteLength(text);
    }
  };
  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: options.concurrency }, client));
  } finally {
    await pool.close();
  }
  const wallMs = performance.now() - start;
  return {
    requests: latencies.length,
    wallMs,
    reqPerSec: (latencies.length / wallMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    lastBodyBytes,
  };
}
