/**
 * The `/_emulator` control endpoint (outside `/api2/json`), for tests and benchmarks:
 * - `GET|DELETE /_emulator/calls`: request counters (read / reset),
 * - `GET|POST|DELETE /_emulator/faults`: list / add (JSON object or array) / clear fault rules,
 * - `GET|PUT /_emulator/files?path=firewall/cluster.fw`: read / replace a data-dir file out of band,
 * - `POST /_emulator/apply` `{"method","path","params"}`: an API call that is not counted and never faulted.
 * Requires normal API credentials or the `X-Emulator-Control` header with the control token.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type CallResult, dispatchCall } from "./dispatch";
import { parseFaultSpec } from "./faults";
import type { RawValue } from "./schema";
import type { ServerDeps } from "./server";

function ok(data: unknown): CallResult {
  return { status: 200, data };
}

function bad(message: string): CallResult {
  return { status: 400, data: null, message: `${message}\n` };
}

function authorised(deps: ServerDeps, req: IncomingMessage): boolean {
  const header = req.headers["x-emulator-control"];
  if (typeof header === "string") {
    const a = Buffer.from(header);
    const b = Buffer.from(deps.controlToken);
    if (a.length === b.length && timingSafeEqual(a, b)) return true;
  }
  return deps.auth.authenticate("GET", req.headers).ok;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error("body: not valid JSON");
  }
}

/** Handles one control request; `path` is below `/_emulator`. */
export async function handleControl(
  deps: ServerDeps,
  req: IncomingMessage,
  path: string,
  method: string,
  query: Readonly<Record<string, RawValue>>,
  text: string,
): Promise<CallResult> {
  if (!authorised(deps, req)) return { status: 401, data: null, message: "No ticket\n" };
  try {
    if (path === "/calls") {
      if (method === "GET") return ok({ counts: deps.calls.snapshot(), total: deps.calls.total() });
      if (method === "DELETE") {
        deps.calls.reset();
        return ok(null);
      }
    }
    if (path === "/faults") {
      if (method === "GET") return ok(deps.faults.list());
      if (method === "DELETE") {
        deps.faults.clear();
        return ok(null);
      }
      if (method === "POST") {
        const input = parseJson(text);
        const specs = (Array.isArray(input) ? input : [input]).map(parseFaultSpec);
        return ok(specs.map((s) => deps.faults.add(s)));
      }
    }
    if (path === "/files") {
      const rel = typeof query.path === "string" ? query.path : "";
      if (rel === "") return bad("path: missing query parameter");
      if (method === "GET") return ok((await deps.ctx.store.readText(rel)) ?? null);
      if (method === "PUT") {
        await deps.ctx.store.writeText(rel, text);
        return ok(null);
      }
    }
    if (path === "/apply" && method === "POST") {
      const input = parseJson(text) as { method?: unknown; path?: unknown; params?: unknown };
      if (typeof input.method !== "string" || typeof input.path !== "string") {
        return bad("apply: needs string 'method' and 'path'");
      }
      const params = (typeof input.params === "object" && input.params !== null ? input.params : {}) as Record<
        string,
        RawValue
      >;
      const m = input.method.toUpperCase();
      const q = m === "GET" || m === "DELETE";
      return await dispatchCall(deps, {
        method: m,
        rawPath: input.path,
        query: q ? params : {},
        body: q ? {} : params,
        readOnly: false,
        counted: false,
      });
    }
  } catch (err) {
    return bad((err as Error).message);
  }
  return { status: 501, data: null, message: `Method '${method} /_emulator${path}' not implemented\n` };
}
