import type { TLSSocket } from "node:tls";
import { Agent, buildConnector, type Dispatcher } from "undici";
import type { TlsConfig } from "./config";

/** One HTTP exchange as the transport saw it. */
export interface RawResponse {
  readonly status: number;
  /** HTTP reason phrase (Proxmox puts the first line of its error message there). */
  readonly statusMessage: string;
  readonly body: string;
}

/**
 * A request that got no HTTP answer. `requestSent` is false only when undici failed before it
 * started writing this request to a connected socket, i.e. the server saw none of it.
 * `transportCode` is the Node/undici code (`ECONNREFUSED`, `UND_ERR_SOCKET`,
 * `UND_ERR_HEADERS_TIMEOUT`, ...) or ours for TLS trust failures (`FW_TLS_PIN_MISMATCH`, `FW_TLS_UNTRUSTED`).
 */
export class TransportError extends Error {
  readonly transportCode: string;
  readonly requestSent: boolean;
  constructor(message: string, transportCode: string, requestSent: boolean) {
    super(message);
    this.name = "TransportError";
    this.transportCode = transportCode;
    this.requestSent = requestSent;
  }
}

/** Node's codes for a certificate that does not verify against the trusted CAs or the host name. */
const TLS_TRUST_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

class PinMismatch extends Error {
  readonly code = "FW_TLS_PIN_MISMATCH";
}

/** Called with each connection an agent opens, once it is trusted (before any request is written on it). */
export type OnConnect = (socket: { readonly localAddress?: string | undefined }) => void;

/**
 * Builds the keep-alive HTTP/1.1 agent of one client. With a `fingerprint` pin (and no CA bundle)
 * the chain is not verified; instead every new connection's certificate SHA-256 must equal the pin,
 * or the connection is closed before any request is written (fail closed). TLS session resumption
 * is off when pinning, so every connection presents its certificate.
 *
 * @param onConnect - told about every connection that is handed to the agent @default none
 */
export function createAgent(tls: TlsConfig, connections: number, onConnect?: OnConnect): Agent {
  const pin = tls.fingerprint;
  const verifyChain = !tls.insecure && !(pin !== undefined && tls.caCert === undefined);
  const base = buildConnector({
    allowH2: false,
    rejectUnauthorized: verifyChain,
    ...(tls.caCert === undefined ? {} : { ca: tls.caCert }),
    ...(pin === undefined ? {} : { maxCachedSessions: 0 }),
  });
  const connect: buildConnector.connector = (opts, callback) =>
    base(opts, (err, socket) => {
      if (err !== null || pin === undefined) {
        if (err === null) onConnect?.(socket);
        callback(err, socket as never);
        return;
      }
      const presented =
        "getPeerCertificate" in socket ? (socket as TLSSocket).getPeerCertificate().fingerprint256 : undefined;
      if (presented?.toUpperCase() === pin) {
        onConnect?.(socket);
        callback(null, socket);
        return;
      }
      socket.destroy();
      callback(
        new PinMismatch(
          presented
            ? `TLS certificate fingerprint ${presented} does not match the pinned fingerprint ${pin}; check fingerprint (PROXMOX_VE_FINGERPRINT)`
            : `the endpoint presented no TLS certificate but fingerprint ${pin} is pinned; use an https:// endpoint`,
        ),
        null,
      );
    });
  return new Agent({ connect, connections, pipelining: 1 });
}

function describeTransportError(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  const rawCode = typeof e.code === "string" ? e.code : "UNKNOWN";
  const message = typeof e.message === "string" && e.message !== "" ? e.message : String(err);
  if (TLS_TRUST_CODES.has(rawCode))
    return {
      code: "FW_TLS_UNTRUSTED",
      message: `TLS certificate not trusted (${rawCode}); set caCert to the Proxmox CA, pin its fingerprint, or set insecure`,
    };
  const showCode = rawCode !== "UNKNOWN" && !rawCode.startsWith("FW_") && !message.includes(rawCode);
  return { code: rawCode, message: showCode ? `${message} (${rawCode})` : message };
}

/** One request, as the transport sends it. */
export interface RawRequest {
  readonly origin: string;
  /** Full path with query, e.g. `/api2/json/cluster/firewall/rules?digest=…`. */
  readonly path: string;
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

/**
 * Sends one request through `dispatcher` and buffers the answer. Rejects with a
 * {@link TransportError} (never with a response: HTTP errors are the caller's to classify).
 */
export function send(dispatcher: Dispatcher, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let started = false;
    let status = 0;
    let statusMessage = "";
    const chunks: Buffer[] = [];
    dispatcher.dispatch(
      {
        origin: req.origin,
        path: req.path,
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      },
      {
        onRequestStart() {
          started = true;
        },
        onResponseStart(_controller, statusCode, _headers, message) {
          status = statusCode;
          statusMessage = message ?? "";
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          resolve({ status, statusMessage, body: Buffer.concat(chunks).toString("utf8") });
        },
        onResponseError(_controller, err) {
          const { code, message } = describeTransportError(err);
          reject(new TransportError(message, code, started));
        },
      },
    );
  });
}
