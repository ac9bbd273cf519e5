/**
 * The HTTP(S) front of the emulator: Proxmox's `/api2/json` envelope and status lines (reason =
 * first message line), body parsing (form or JSON; GET/DELETE read only the query), the ticket
 * endpoint, authentication, and the `/_emulator` control endpoint.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Authenticator } from "./auth";
import { handleControl } from "./control";
import { type CallResult, type DispatchDeps, dispatchCall } from "./dispatch";
import type { RawValue } from "./schema";

const API_PREFIX = "/api2/json";
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** What the request listener needs. */
export interface ServerDeps extends DispatchDeps {
  readonly auth: Authenticator;
  /** Secret for `X-Emulator-Control` (control calls also accept normal API credentials). */
  readonly controlToken: string;
  /** Delay for 401 answers (Proxmox waits 3 s); 0 by default. */
  readonly authFailureDelayMs: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) reject(new Error("request body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
    // a client gone before the body ended (after `end`, a no-op): the request is not left pending
    req.on("close", () => reject(new Error("connection closed before the request body ended")));
  });
}

/** Form/query decoding: repeated keys become arrays (RESTHandler joins them for `-list` formats). */
export function decodeForm(text: string): Record<string, RawValue> {
  const out: Record<string, RawValue> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev as RawValue, v];
  }
  return out;
}

function decodeBody(text: string, contentType: string | undefined): Record<string, RawValue> {
  if (text === "") return {};
  if ((contentType ?? "").toLowerCase().startsWith("application/json")) {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error("body: not a JSON object");
    return parsed as Record<string, RawValue>;
  }
  return decodeForm(text);
}

/** Writes a Proxmox-style JSON answer. */
export function writeResult(res: ServerResponse, result: CallResult): void {
  if (result.drop) {
    res.socket?.destroy();
    return;
  }
  const body: Record<string, unknown> = { data: result.data };
  if (result.message !== undefined) body.message = result.message;
  if (result.errors !== undefined) body.errors = result.errors;
  const payload = JSON.stringify(body);
  const reason = (result.message ?? "OK").split("\n")[0]?.replace(/[^\t\x20-\x7e]/g, "?") || "OK";
  res.writeHead(result.status, reason, {
    "Content-Type": "application/json;charset=UTF-8",
    "Content-Length": Buffer.byteLength(payload),
    "Cache-Control": "max-age=0",
  });
  res.end(payload);
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

async function handleTicket(deps: ServerDeps, params: Record<string, RawValue>): Promise<CallResult> {
  const username = typeof params.username === "string" ? params.username : "";
  const password = typeof params.password === "string" ? params.password : "";
  const realm = typeof params.realm === "string" ? params.realm : undefined;
  const login = deps.auth.login(username, password, realm);
  if (!login) {
    await sleep(deps.authFailureDelayMs);
    return { status: 401, data: null, message: "authentication failure\n" };
  }
  return {
    status: 200,
    data: {
      ticket: login.ticket,
      CSRFPreventionToken: login.csrf,
      username: login.user,
      clustername: "emulator",
      cap: { vms: {}, storage: {}, access: {}, nodes: {}, dc: {}, sdn: {}, mapping: {} },
    },
  };
}

/** Handles one HTTP request. */
export async function handleRequest(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = decodeForm(q < 0 ? "" : rawUrl.slice(q + 1));
    const text = method === "POST" || method === "PUT" ? await readBody(req) : "";
    if (method !== "POST" && method !== "PUT") req.resume();
    if (rawPath.startsWith("/_emulator/")) {
      writeResult(res, await handleControl(deps, req, rawPath.slice("/_emulator".length), method, query, text));
      return;
    }
    let body: Record<string, RawValue>;
    try {
      body = decodeBody(text, req.headers["content-type"]);
    } catch (err) {
      writeResult(res, { status: 400, data: null, message: `${(err as Error).message}\n` });
      return;
    }
    if (!rawPath.startsWith(`${API_PREFIX}/`)) {
      writeResult(res, { status: 501, data: null, message: `Method '${method} ${rawPath}' not implemented\n` });
      return;
    }
    const apiPath = rawPath.slice(API_PREFIX.length);
    if (method === "POST" && apiPath === "/access/ticket") {
      writeResult(res, await handleTicket(deps, { ...body, ...query }));
      return;
    }
    const auth = deps.auth.authenticate(method, req.headers);
    if (!auth.ok) {
      await sleep(deps.authFailureDelayMs);
      writeResult(res, { status: auth.status, data: null, message: `${auth.message}\n` });
      return;
    }
    const result = await dispatchCall(deps, {
      method,
      rawPath: apiPath,
      query,
      body,
      readOnly: auth.principal.readOnly,
      counted: true,
    });
    writeResult(res, result);
  } catch (err) {
    if (!res.headersSent) writeResult(res, { status: 500, data: null, message: `${(err as Error).message}\n` });
  }
}
