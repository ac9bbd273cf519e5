/**
 * One API call through the emulated server, independent of HTTP: route lookup (501 for unknown
 * paths), call counting, fault injection, permission check, parameter assembly (path values vs
 * query/body duplicates), schema validation, and the handler. Returns what the HTTP layer writes.
 */
import { fileRefFor, type HandlerContext } from "./context";
import type { FaultInjector } from "./faults";
import { PveHttpError, unknownNodeError } from "./http-error";
import { lockTimeoutMessage } from "./lock";
import { matchRoute, type Route } from "./routes";
import { type RawValue, validateParams } from "./schema";
import { lockKey } from "./store";

/** Counts of requests per `METHOD /path/template`. */
export class CallCounter {
  private readonly counts = new Map<string, number>();

  /** Adds one call. */
  record(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Calls of one `METHOD /template` key (0 when none). */
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** All counts, keys sorted. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Sum of all counts. */
  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  /** Forgets every count. */
  reset(): void {
    this.counts.clear();
  }
}

/** The outcome of one call. */
export interface CallResult {
  readonly status: number;
  readonly data: unknown;
  readonly message?: string;
  readonly errors?: Readonly<Record<string, string>>;
  /** Destroy the connection instead of answering. */
  readonly drop?: boolean;
}

/** Everything {@link dispatchCall} needs besides the request. */
export interface DispatchDeps {
  readonly ctx: HandlerContext;
  readonly routes: readonly Route[];
  readonly calls: CallCounter;
  readonly faults: FaultInjector;
  /** Added delay for every request. */
  readonly latencyMs: number;
}

/** One request as the HTTP layer extracted it. */
export interface CallRequest {
  readonly method: string;
  /** Raw API path below `/api2/json`, still percent-encoded. */
  readonly rawPath: string;
  /** Query parameters (GET/DELETE take only these). */
  readonly query: Readonly<Record<string, RawValue>>;
  /** Body parameters (POST/PUT). */
  readonly body: Readonly<Record<string, RawValue>>;
  readonly readOnly: boolean;
  /** `false` for out-of-band calls through the control endpoint: not counted, no faults. */
  readonly counted: boolean;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

function permissionText(perm: string | undefined, params: Readonly<Record<string, string>>): string {
  const m = /^perm (\S+) \[([^\],]+)/.exec(perm ?? "");
  if (!m) return "(/, Sys.Modify)";
  const path = (m[1] ?? "/").replace(/\{(\w+)\}/g, (_x, k: string) => params[k] ?? k);
  return `(${path}, ${m[2]})`;
}

function errorResult(err: unknown): CallResult {
  if (err instanceof PveHttpError) {
    return {
      status: err.status,
      data: null,
      message: `${err.message}\n`,
      ...(err.errors ? { errors: err.errors } : {}),
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, data: null, message: `${message}\n` };
}

/** Runs one API call. */
export async function dispatchCall(deps: DispatchDeps, req: CallRequest): Promise<CallResult> {
  const found = matchRoute(deps.routes, req.rawPath);
  const rm = found?.route.methods[req.method];
  if (!found || !rm) {
    const path = decodeURI(req.rawPath);
    return { status: 501, data: null, message: `Method '${req.method} ${path}' not implemented\n` };
  }
  const { route, pathParams } = found;
  let dropAfter = false;
  if (req.counted) {
    deps.calls.record(`${req.method} ${route.template}`);
    await sleep(deps.latencyMs);
    for (const fault of deps.faults.select(req.method, route.template)) {
      if (fault.kind === "latency") await sleep(fault.latencyMs ?? 0);
      if (fault.kind === "hold") await deps.faults.held(fault);
      if (fault.kind === "dropBefore") return { status: 0, data: null, drop: true };
      if (fault.kind === "dropAfter") dropAfter = true;
      if (fault.kind === "error500")
        return { status: 500, data: null, message: `${fault.message ?? "injected fault"}\n` };
      if (fault.kind === "lockTimeout") {
        const key = route.template.includes("/firewall")
          ? lockKey(fileRefFor(route.template, pathParams))
          : "firewall-cluster";
        return { status: 500, data: null, message: `${lockTimeoutMessage(key)}\n` };
      }
    }
  }
  if (req.readOnly && req.method !== "GET") {
    return {
      status: 403,
      data: null,
      message: `Permission check failed ${permissionText(rm.schema.permissions, pathParams)}\n`,
    };
  }
  const raw: Record<string, RawValue> =
    req.method === "GET" || req.method === "DELETE" ? { ...req.query } : { ...req.body, ...req.query };
  for (const [name, value] of Object.entries(pathParams)) {
    const sent = raw[name];
    if (sent !== undefined && String(sent) !== value) {
      return {
        status: 400,
        data: null,
        message: "Parameter verification failed.\n",
        errors: { [name]: "duplicate parameter (already defined in URI) with conflicting values!" },
      };
    }
    raw[name] = value;
  }
  // pve-manager's rest_handler forwards a proxied call (after the permission check, before the
  // parameters are verified, which the target node does); `localhost` is always served locally.
  const node = rm.schema.proxyto === undefined ? undefined : pathParams[rm.schema.proxyto];
  if (node !== undefined && node !== "localhost" && !deps.ctx.topology.nodes.includes(node)) {
    return errorResult(unknownNodeError(node));
  }
  const { params, errors } = validateParams(rm.schema, raw);
  if (Object.keys(errors).length > 0) {
    return { status: 400, data: null, message: "Parameter verification failed.\n", errors };
  }
  try {
    const data = await rm.handler(deps.ctx, params);
    return { status: 200, data: data ?? null, ...(dropAfter ? { drop: true } : {}) };
  } catch (err) {
    const result = errorResult(err);
    return dropAfter ? { ...result, drop: true } : result;
  }
}
