/**
 * A closed-loop request generator over undici: `concurrency` clients share one connection pool
 * and send requests back to back until a fixed total is reached. Used to find the time the
 * emulator itself needs for a batch of writes (its lock and file rewrite), with latency hidden.
 */
import { performance } from "node:perf_hooks";
import { Pool } from "undici";

/** One request the generator sends. */
export interface LoadRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path with query, e.g. `/api2/json/cluster/firewall/ipset/blocklist`. */
  readonly path: string;
  /** Form body (sent as `application/x-www-form-urlencoded`). */
  readonly form?: Readonly<Record<string, string>>;
}

/** Parameters of {@link runLoad}. */
export interface LoadOptions {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  readonly origin: string;
  /** `Authorization` header value. */
  readonly authorization: string;
  /** Total requests. */
  readonly total: number;
  /** Requests in flight at once (and pool connections). */
  readonly concurrency: number;
  /** The request number `i` (0-based) to send. */
  readonly request: (i: number) => LoadRequest;
}

/** Sends `total` requests, `concurrency` at a time; fails on the first non-2xx answer. Returns the wall time, ms. */
export async function runLoad(options: LoadOptions): Promise<number> {
  const pool = new Pool(options.origin, { connections: options.concurrency, pipelining: 1 });
  let next = 0;
  const client = async (): Promise<void> => {
    while (next < options.total) {
      const req = options.request(next++);
      const body = req.form === undefined ? undefined : new URLSearchParams(req.form).toString();
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
      if (res.statusCode < 200 || res.statusCode > 299)
        throw new Error(`${req.method} ${req.path}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
    }
  };
  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: options.concurrency }, client));
  } finally {
    await pool.close();
  }
  return performance.now() - start;
}
