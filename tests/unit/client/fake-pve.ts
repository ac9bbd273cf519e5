import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";

/** One request as the fake server received it. */
export interface SeenRequest {
  readonly method: string;
  /** Path below `/api2/json`, still encoded, without the query. */
  readonly rawPath: string;
  /** Decoded path. */
  readonly path: string;
  readonly query: string;
  readonly body: string;
  readonly headers: IncomingMessage["headers"];
  /** Order in which the server started handling it (0-based), and how many were in flight then. */
  readonly seq: number;
  readonly inFlight: number;
}

/** What a route answers: an envelope (`data` or `message`/`errors`), or a raw action on the socket. */
export type Reply =
  | { status?: number; data?: unknown; message?: string; errors?: Record<string, string>; reason?: string }
  | { raw: "destroy" }
  | { raw: "hang" }
  | { raw: "text"; status: number; body: string };

/** Handler of the fake server; may be async to hold a request open. */
export type Route = (req: SeenRequest) => Reply | Promise<Reply>;

/** A small Proxmox-shaped HTTP(S) server on port 0 that records every request. */
export interface FakePve {
  readonly url: string;
  readonly port: number;
  readonly seen: SeenRequest[];
  /** Highest number of requests handled at once. */
  maxInFlight(): number;
  close(): Promise<void>;
}

function respond(res: ServerResponse, reply: Reply): void {
  if ("raw" in reply) {
    if (reply.raw === "destroy") res.socket?.destroy();
    else if (reply.raw === "text") {
      res.writeHead(reply.status, { "content-type": "text/plain" });
      res.end(reply.body);
    }
    return;
  }
  const status = reply.status ?? 200;
  const body: Record<string, unknown> = { data: reply.data ?? null };
  if (reply.message !== undefined) body["message"] = reply.message;
  if (reply.errors !== undefined) body["errors"] = reply.errors;
  const text = JSON.stringify(body);
  res.writeHead(status, reply.reason ?? reply.message?.split("\n")[0] ?? "OK", {
    "content-type": "application/json;charset=UTF-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Starts a fake server; `tls` switches to HTTPS with the given key and certificate. The first
 * `dropConnections` TCP connections are closed as soon as they are accepted (before any TLS handshake).
 */
export async function startFakePve(
  route: Route,
  tls?: { key: string; cert: string },
  port = 0,
  dropConnections = 0,
): Promise<FakePve> {
  const seen: SeenRequest[] = [];
  let inFlight = 0;
  let max = 0;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = req.url ?? "/";
      const [full = "", query = ""] = url.split("?");
      const rawPath = full.replace(/^\/api2\/json/, "");
      inFlight++;
      max = Math.max(max, inFlight);
      const s: SeenRequest = {
        method: req.method ?? "GET",
        rawPath,
        path: decodeURIComponent(rawPath),
        query,
        body: Buffer.concat(chunks).toString("utf8"),
        headers: req.headers,
        seq: seen.length,
        inFlight,
      };
      seen.push(s);
      Promise.resolve(route(s)).then(
        (reply) => {
          inFlight--;
          respond(res, reply);
        },
        () => {
          inFlight--;
          respond(res, { status: 500, message: "fake server route failed\n" });
        },
      );
    });
  };
  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createHttpServer(handler);
  let dropped = 0;
  server.prependListener("connection", (socket: Socket) => {
    if (dropped < dropConnections) {
      dropped++;
      socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${actual}/`,
    port: actual,
    seen,
    maxInFlight: () => max,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves on the next turn of the event loop (lets queued requests reach the server). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise and the function that resolves it, to hold a fake request open until a test says so. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A retry env that never waits: sleeps are recorded, the clock advances by the slept time. */
export function instantRetryEnv(onSleep?: (ms: number) => Promise<void> | void): {
  env: { now(): number; sleep(ms: number): Promise<void>; random(): number };
  sleeps: number[];
} {
  const sleeps: number[] = [];
  let clock = 0;
  return {
    sleeps,
    env: {
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
        await onSleep?.(ms);
      },
      random: () => 0.5,
    },
  };
}

/** A self-signed certificate for `localhost`/`127.0.0.1`, valid for one day, with its SHA-256 fingerprint. */
export async function selfSignedCert(
  commonName = "localhost",
): Promise<{ key: string; cert: string; fingerprint: string }> {
  const { X509Certificate } = await import("node:crypto");
  const { generate } = await import("selfsigned");
  const pems = await generate([{ name: "commonName", value: commonName }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 24 * 3600_000),
    algorithm: "sha256",
    extensions: [
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert, fingerprint: new X509Certificate(pems.cert).fingerprint256 };
}
