import { AsyncLocalStorage } from "node:async_hooks";
import { inspect } from "node:util";
import type { Dispatcher } from "undici";
import { z } from "zod";
import {
  ApiError,
  type ApiErrorDetails,
  AuthError,
  ConfigError,
  DigestMismatchError,
  type FieldErrors,
  type FirewallError,
  hasCode,
  LockTimeoutError,
  NetworkError,
  NotFoundError,
} from "../errors";
import { type Authenticator, type LoginFn, TicketAuthenticator, TokenAuthenticator } from "./auth";
import { CallLog, type CallObserver, TICKET_PATH } from "./call-log";
import type { ClientConfig } from "./config";
import { encodeParams, type RequestParams } from "./encode";
import { redact, Secret } from "./redact";
import { type RetryEnv, systemRetryEnv, transportFacts, withRetry } from "./retry";
import { KeyedMutex, Semaphore } from "./serialize";
import { createAgent, type RawResponse, send, TransportError } from "./transport";

/** HTTP methods of the Proxmox API. */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** Per-call options of {@link PveHttpClient.request}. */
export interface RequestOptions<T> {
  /** Human name of the object, used as the start of error messages (`rule 3 at qemu/pve1/100`). */
  readonly subject?: string;
  /** Schema of the envelope's `data`; the call fails with an `ApiError` when it does not match. */
  readonly schema?: z.ZodType<T>;
  /** Config file the call writes (`fileKey(scope)`); writes with the same key run one at a time, FIFO. */
  readonly lockKey?: string;
  /**
   * The write carries no digest and commutes with the other pipelined writes of its file (an IPSet
   * entry add, or a remove sent without a digest): up to `ipsetWriteConcurrency` of them run at once.
   * They still wait for every earlier write of the file that is not pipelined, and those that come
   * after them wait for them, so writes carrying a digest keep their per-file FIFO order.
   *
   * @default false
   */
  readonly pipelined?: boolean;
}

/** Injectable collaborators, for tests and embedding. */
export interface HttpClientDeps {
  /** Clock for ticket age (ms). @default Date.now */
  readonly now?: () => number;
  /** Clock, sleep and randomness of the retry loop. @default the real ones */
  readonly retryEnv?: RetryEnv;
  /** Called after every exchange. */
  readonly onCall?: CallObserver;
  /** Dispatcher to send through instead of the client's own agent (e.g. undici's `MockAgent`). */
  readonly dispatcher?: Dispatcher;
}

const envelopeSchema = z.object({
  data: z.unknown().optional(),
  message: z.string().optional(),
  errors: z.record(z.string(), z.unknown()).optional(),
});

const ticketSchema = z.object({ ticket: z.string().min(1), CSRFPreventionToken: z.string().min(1) });

const DIGEST_MISMATCH = "detected modified configuration - file changed by other user? Try again.";
const NOT_FOUND_MESSAGES = [
  /^no such IPSet '/,
  /^no rule at position \d+/,
  /^no such security group '/,
  // a guest config read (`/nodes/{node}/qemu/{vmid}/config`) for a guest that is not on that node
  /^Configuration file '[^']+' does not exist/,
];
const LOCK_TIMEOUT_MESSAGES = [/got lock request timeout/, /can't lock file/];
/**
 * Plain-`die` 500s of Proxmox's firewall handlers that come before the file is saved (BEHAVIOR.md
 * §4): the write was refused whole. Any other 5xx leaves its outcome unknown ({@link mayHaveApplied}).
 */
const REFUSAL_500_MESSAGES = [
  /^IPSet '[^']*' is not empty/,
  /^Security group '[^']*' is not empty/,
  /^no such alias '/,
  /^detected mixed ipv4\/ipv6 addresses/,
  /^cfs-lock '[^']*' error: (no quorum!|pve cluster filesystem not online)/,
];
/** Proxmox's crash on `/rules/{pos}` when the scope's `.fw` file does not exist (OBSERVED.md §c). */
const MISSING_FILE_CRASH = /^Can't use an undefined value as an ARRAY reference/;

/**
 * Turns one Proxmox answer (or the lack of one) into the matching error class, by HTTP status
 * and Proxmox's exact message texts (BEHAVIOR.md §4). This is the only place that reads them.
 */
export function classifyError(d: ApiErrorDetails, cause?: unknown): FirewallError {
  const options = cause === undefined ? undefined : { cause };
  if (d.status === 0) return new NetworkError(d, options);
  if (d.status === 401 || d.status === 403) return new AuthError(d, options);
  const msg = d.pveMessage;
  const fields = d.fieldErrors ?? {};
  if (msg.startsWith(DIGEST_MISMATCH)) return new DigestMismatchError(d, options);
  if (LOCK_TIMEOUT_MESSAGES.some((re) => re.test(msg))) return new LockTimeoutError(d, options);
  if (
    NOT_FOUND_MESSAGES.some((re) => re.test(msg)) ||
    (d.status === 400 && fields["name"] === "no such alias") ||
    (d.status === 400 && fields["cidr"] === "no such IP/Network") ||
    (MISSING_FILE_CRASH.test(msg) && /\/rules\/\d+$/.test(d.path))
  )
    return new NotFoundError(d, options);
  return new ApiError(d, options);
}

/**
 * Whether a failed write may still have been applied, so that only a read can tell: no HTTP answer
 * although the request had started on a connection (a drop after sending, a response timeout), or
 * a 5xx that is none of Proxmox's classified refusals (not found, digest mismatch, lock timeout, or
 * a known plain-`die` text from before the save, see `REFUSAL_500_MESSAGES`) nor 501. A 4xx, a
 * classified refusal, or a request that never reached a socket was not applied.
 */
export function mayHaveApplied(e: unknown): boolean {
  if (hasCode(e, "FW_NETWORK")) return transportFacts(e)?.requestSent !== false;
  if (!hasCode(e, "FW_API")) return false;
  const { status, pveMessage } = e as { status?: unknown; pveMessage?: unknown };
  if (typeof status !== "number" || status < 500 || status === 501) return false;
  return !REFUSAL_500_MESSAGES.some((re) => re.test(String(pveMessage ?? "")));
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.trimEnd();
}

/**
 * The Proxmox API over undici: one keep-alive agent, auth (API token or ticket with CSRF and
 * renewal), TLS trust (CA bundle, SHA-256 pin, insecure), retries, FIFO serialization of writes
 * per config file, a concurrency limit, classified errors and a call log. Secrets never appear in
 * an error, the log or a dump of this object.
 */
export class PveHttpClient {
  /** Every exchange made by this client. */
  readonly log = new CallLog();
  readonly #config: ClientConfig;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #auth: Authenticator;
  readonly #slots: Semaphore;
  readonly #files: KeyedMutex;
  readonly #retryEnv: RetryEnv;
  readonly #onCall: CallObserver | undefined;
  #localAddress: string | undefined;
  /** The config-file keys the current async call chain holds through {@link holding}. */
  readonly #held = new AsyncLocalStorage<ReadonlySet<string>>();

  constructor(config: ClientConfig, deps: HttpClientDeps = {}) {
    this.#config = config;
    const url = new URL(config.endpoint);
    this.#origin = url.origin;
    this.#basePath = url.pathname;
    this.#ownsDispatcher = deps.dispatcher === undefined;
    this.#dispatcher =
      deps.dispatcher ??
      createAgent(config.tls, config.maxConcurrency, (socket) => {
        this.#localAddress = socket.localAddress;
      });
    this.#slots = new Semaphore(config.maxConcurrency);
    this.#files = new KeyedMutex(config.ipsetWriteConcurrency);
    this.#retryEnv = deps.retryEnv ?? systemRetryEnv;
    this.#onCall = deps.onCall;
    const login: LoginFn = (username, password) => this.#login(username, password);
    this.#auth =
      config.auth.kind === "token"
        ? new TokenAuthenticator(config.auth)
        : new TicketAuthenticator(config.auth, login, deps.now ?? Date.now, config.ticketRenewAfterMs);
  }

  /**
   * Calls `method path` (below `/api2/json`; segments already encoded, see `pathSegment`) and
   * returns the envelope's `data`, checked against `opts.schema` when given.
   *
   * @throws NotFoundError, DigestMismatchError, LockTimeoutError, AuthError, NetworkError or
   * ApiError, after the retries {@link isRetryable} allows
   */
  async request<T = unknown>(
    method: HttpMethod,
    path: string,
    params?: RequestParams,
    opts: RequestOptions<T> = {},
  ): Promise<T> {
    const write = method !== "GET";
    const release =
      write && opts.lockKey !== undefined && !this.#held.getStore()?.has(opts.lockKey)
        ? await this.#files.acquire(opts.lockKey, opts.pipelined ? "shared" : "exclusive")
        : undefined;
    try {
      return await withRetry((attempt) => this.#attempt(method, path, params, opts, attempt), {
        policy: this.#config.retry,
        env: this.#retryEnv,
        write,
      });
    } finally {
      release?.();
    }
  }

  /**
   * Runs `read-then-write` step `fn` holding config file `lockKey` alone: this client's other writes
   * to that file wait until `fn` settles, while the writes `fn` makes to it go through without
   * waiting (they run inside the hold). For a write guarded by a digest that other writes of the
   * same file change (the alias list, the group list): read and write then see no write of this
   * process land in between, so a digest mismatch can only come from someone else.
   */
  async holding<T>(lockKey: string, fn: () => Promise<T>): Promise<T> {
    const held = this.#held.getStore();
    if (held?.has(lockKey)) return fn();
    const release = await this.#files.acquire(lockKey, "exclusive");
    try {
      return await this.#held.run(new Set([...(held ?? []), lockKey]), fn);
    } finally {
      release();
    }
  }

  /**
   * The endpoint's host as configured (`pve1.example.com`, `192.0.2.2`, `::1`), without the
   * brackets of an IPv6 literal.
   */
  get endpointHost(): string {
    return new URL(this.#config.endpoint).hostname.replace(/^\[(.*)\]$/, "$1");
  }

  /**
   * The local address of the client's latest connection to the endpoint: where Proxmox sees its
   * requests come from (unless a NAT or proxy sits in between). `undefined` before the first
   * connection, and with an injected dispatcher.
   */
  get localAddress(): string | undefined {
    return this.#localAddress;
  }

  /**
   * Calls `GET path` once, over a connection opened for this call alone and closed after it, never
   * over the pooled keep-alive ones: a firewall lets established connections through (conntrack),
   * so only a new connection shows whether a new client can still reach the API. Not retried.
   *
   * @param opts.timeoutMs - how long to wait for the answer's headers @default the client's `timeoutMs`
   * @throws the errors of {@link request}; a refused, dropped or timed-out connection is a NetworkError
   */
  async requestOnNewConnection<T = unknown>(
    path: string,
    opts: RequestOptions<T> & { readonly timeoutMs?: number } = {},
  ): Promise<T> {
    const agent = createAgent(this.#config.tls, 1);
    const release = await this.#slots.acquire();
    try {
      const headers = await this.#auth.headers(false);
      const res = await this.#exchange("GET", path, undefined, headers, 1, opts.subject, agent, opts.timeoutMs);
      return this.#decode("GET", path, res, opts);
    } finally {
      release();
      await agent.destroy();
    }
  }

  /** How many `pipelined` writes of one config file may be in flight at once (`ipsetWriteConcurrency`). */
  get pipelinedWrites(): number {
    return this.#config.ipsetWriteConcurrency;
  }

  /** Closes the agent's connections; later calls fail. */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** What `util.inspect` shows: the endpoint and the auth kind, never a credential. */
  [inspect.custom](): string {
    return `PveHttpClient { endpoint: '${this.#config.endpoint}', auth: '${this.#config.auth.kind}' }`;
  }

  /** What `JSON.stringify` shows: the endpoint and the auth kind, never a credential. */
  toJSON(): Record<string, string> {
    return { endpoint: this.#config.endpoint, auth: this.#config.auth.kind };
  }

  async #attempt<T>(
    method: HttpMethod,
    path: string,
    params: RequestParams | undefined,
    opts: RequestOptions<T>,
    attempt: number,
  ): Promise<T> {
    const release = await this.#slots.acquire();
    try {
      let res = await this.#authed(method, path, params, opts, attempt);
      if (res.status === 401 && this.#auth.invalidate()) res = await this.#authed(method, path, params, opts, attempt);
      return this.#decode(method, path, res, opts);
    } finally {
      release();
    }
  }

  async #authed<T>(
    method: HttpMethod,
    path: string,
    params: RequestParams | undefined,
    opts: RequestOptions<T>,
    attempt: number,
  ): Promise<RawResponse> {
    const headers = await this.#auth.headers(method !== "GET");
    return this.#exchange(method, path, params, headers, attempt, opts.subject);
  }

  async #exchange(
    method: HttpMethod,
    path: string,
    params: RequestParams | undefined,
    authHeaders: Record<string, string>,
    attempt: number,
    subject: string | undefined,
    dispatcher: Dispatcher = this.#dispatcher,
    timeoutMs: number = this.#config.timeoutMs,
  ): Promise<RawResponse> {
    const encoded = encodeParams(params);
    const inQuery = method === "GET" || method === "DELETE";
    const headers: Record<string, string> = { accept: "application/json", ...authHeaders };
    if (!inQuery) headers["content-type"] = "application/x-www-form-urlencoded";
    const started = performance.now();
    const pathOnly = path.split("?")[0]!;
    let status = 0;
    try {
      const res = await send(dispatcher, {
        origin: this.#origin,
        path: `${this.#basePath}${path}${inQuery && encoded ? `?${encoded}` : ""}`,
        method,
        headers,
        ...(inQuery ? {} : { body: encoded }),
        timeoutMs,
      });
      status = res.status;
      return res;
    } catch (e) {
      const t =
        e instanceof TransportError
          ? e
          : new TransportError(e instanceof Error ? e.message : String(e), "UNKNOWN", true);
      const message = this.#scrub(t.message);
      const cause = new TransportError(message, t.transportCode, t.requestSent);
      throw classifyError(
        { method, path: pathOnly, status: 0, pveMessage: message, ...(subject === undefined ? {} : { subject }) },
        cause,
      );
    } finally {
      const call = { method, path: pathOnly, status, durationMs: performance.now() - started, attempt };
      this.log.record(call);
      this.#onCall?.(call);
    }
  }

  #decode<T>(method: HttpMethod, path: string, res: RawResponse, opts: RequestOptions<T>): T {
    let body: unknown;
    try {
      body = res.body === "" ? {} : JSON.parse(res.body);
    } catch {
      body = {};
    }
    const env = envelopeSchema.safeParse(body);
    const envelope = env.success ? env.data : {};
    const base = { method, path: path.split("?")[0]!, status: res.status };
    const subject = opts.subject === undefined ? {} : { subject: opts.subject };
    if (res.status < 200 || res.status >= 300) {
      const fieldErrors: Record<string, string> = {};
      for (const [k, v] of Object.entries(envelope.errors ?? {}))
        fieldErrors[k] = this.#scrub(typeof v === "string" ? v.trimEnd() : JSON.stringify(v));
      const raw = envelope.message ?? res.statusMessage;
      const details: ApiErrorDetails = {
        ...base,
        ...subject,
        pveMessage: this.#scrub(firstLine(raw)),
        ...(Object.keys(fieldErrors).length > 0 ? { fieldErrors: fieldErrors as FieldErrors } : {}),
      };
      throw classifyError(details);
    }
    if (!env.success) throw new ApiError({ ...base, ...subject, pveMessage: "response is not a JSON API envelope" });
    if (opts.schema === undefined) return envelope.data as T;
    const parsed = opts.schema.safeParse(envelope.data ?? null);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join(".") : "data";
    throw new ApiError({
      ...base,
      ...subject,
      pveMessage: this.#scrub(`unexpected response: ${where}: ${issue.message}`),
    });
  }

  async #login(username: string, password: Secret): Promise<{ ticket: Secret; csrf: Secret }> {
    const subject = `login as ${username}`;
    const res = await this.#exchange("POST", TICKET_PATH, { username, password: password.reveal() }, {}, 1, subject);
    const data = this.#decode("POST", TICKET_PATH, res, { subject });
    if (typeof data === "object" && data !== null && "NeedTFA" in data)
      throw new ConfigError(`${subject}: the account requires two-factor authentication; use an API token instead`);
    const parsed = ticketSchema.safeParse(data);
    if (!parsed.success)
      throw new ApiError({
        method: "POST",
        path: TICKET_PATH,
        status: res.status,
        subject,
        pveMessage: "no ticket in the login response",
      });
    return { ticket: new Secret(parsed.data.ticket), csrf: new Secret(parsed.data.CSRFPreventionToken) };
  }

  #scrub(text: string): string {
    return redact(text, this.#auth.secrets());
  }
}
