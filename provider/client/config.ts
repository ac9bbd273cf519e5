import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { z } from "zod";
import { ConfigError } from "../errors";
import { Secret } from "./redact";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";

/**
 * Client settings as a user gives them (Pulumi provider config or code). Every field may also come
 * from the environment; explicit values win.
 */
export const clientConfigInputSchema = z.object({
  /** `https://host:8006/` or `https://host:8006/api2/json`. Env `PROXMOX_VE_ENDPOINT`, `PM_API_URL`. */
  endpoint: z.string().optional(),
  /** `USER@REALM!TOKENID=SECRET`. Env `PROXMOX_VE_API_TOKEN`, or `PM_API_TOKEN_ID` + `PM_API_TOKEN_SECRET`. */
  apiToken: z.string().optional(),
  /** `USER@REALM` for ticket login. Env `PROXMOX_VE_USERNAME`, `PM_USER`. */
  username: z.string().optional(),
  /** Password for ticket login. Env `PROXMOX_VE_PASSWORD`, `PM_PASS`. */
  password: z.string().optional(),
  /** Skip TLS verification. Env `PROXMOX_VE_INSECURE`, `PM_TLS_INSECURE` (`true`/`1`). */
  insecure: z.boolean().optional(),
  /** PEM bundle of trusted CAs, or a path to one. Env `PROXMOX_VE_CA_CERT`. */
  caCert: z.string().optional(),
  /** SHA-256 pin of the server certificate (`AA:BB:…`). Env `PROXMOX_VE_FINGERPRINT`. */
  fingerprint: z.string().optional(),
  /** Calls in flight at once, over all config files. */
  maxConcurrency: z.number().int().min(1).max(256).optional(),
  /**
   * IPSet entry writes that carry no digest (adds, and removes sent without one) in flight at once
   * per config file; see {@link DEFAULT_IPSET_WRITE_CONCURRENCY}. 1 sends them one at a time.
   */
  ipsetWriteConcurrency: z.number().int().min(1).max(16).optional(),
  /** Time to wait for a response's headers and between body chunks. */
  timeoutMs: z.number().int().min(1).optional(),
  /** Retry bounds; see {@link RetryPolicy}. */
  retry: z
    .object({
      maxAttempts: z.number().int().min(1),
      baseDelayMs: z.number().min(0),
      maxDelayMs: z.number().min(0),
      maxTotalMs: z.number().min(0),
    })
    .partial()
    .optional(),
  /** Renew a login ticket after this long (Proxmox tickets last 2 h). */
  ticketRenewAfterMs: z
    .number()
    .int()
    .min(1)
    .max(2 * 3600_000)
    .optional(),
});
/** Input of {@link resolveClientConfig}. */
export type ClientConfigInput = z.input<typeof clientConfigInputSchema>;

/** API token auth: `Authorization: PVEAPIToken=<tokenId>=<secret>`. */
export interface TokenAuth {
  readonly kind: "token";
  /** `USER@REALM!TOKENID`. */
  readonly tokenId: string;
  readonly secret: Secret;
}

/** Ticket auth: `POST /access/ticket` with username and password. */
export interface PasswordAuth {
  readonly kind: "password";
  readonly username: string;
  readonly password: Secret;
}

/** TLS trust settings. A pin, when set, is always checked. */
export interface TlsConfig {
  /** Skip certificate verification (no CA, no hostname check). */
  readonly insecure: boolean;
  /** PEM bundle of trusted CAs (replaces the system store). */
  readonly caCert?: string;
  /** Upper-case colon-separated SHA-256 of the server certificate. */
  readonly fingerprint?: string;
}

/** Resolved, validated client settings. Safe to log: secrets print as `[redacted]`. */
export interface ClientConfig {
  /** Base URL ending in `/api2/json`, without a trailing slash. */
  readonly endpoint: string;
  readonly auth: TokenAuth | PasswordAuth;
  readonly tls: TlsConfig;
  readonly maxConcurrency: number;
  /** Digest-less IPSet entry writes in flight at once per config file (`pipelined` requests). */
  readonly ipsetWriteConcurrency: number;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly ticketRenewAfterMs: number;
}

/** Default {@link ClientConfig.maxConcurrency}. */
export const DEFAULT_MAX_CONCURRENCY = 8;
/**
 * Default {@link ClientConfig.ipsetWriteConcurrency}: 4 entry writes of one file in flight.
 *
 * Proxmox runs every write of a file under that file's pmxcfs lock, and a write that waits more
 * than 10 s for it fails with a lock timeout (BEHAVIOR.md §4, OBSERVED.md §m). With 4 in flight a
 * write of ours waits behind at most 3 others, so the lock wait stays under 10 s unless one write
 * holds the lock for over 3.3 s, orders of magnitude above a file rewrite (milliseconds; tens of
 * them for a 100,000-entry set). Measured through the provider on the emulator at 5 ms latency +
 * 5 ms write cost (a 2,000-entry set, a busy 2-core machine), ms per entry: 1 in flight 21.4, 2
 * 13.4, 4 12.2, 8 15.0, 16 17.1. From 2 on the lock is the limit; more only queue at the lock and
 * cost CPU, and 4 leaves half of the default {@link DEFAULT_MAX_CONCURRENCY} call slots to reads
 * and other resources.
 */
export const DEFAULT_IPSET_WRITE_CONCURRENCY = 4;
/** Default {@link ClientConfig.timeoutMs}: above Proxmox's own 10 s lock wait, with room for slow disks. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Default {@link ClientConfig.ticketRenewAfterMs}: 1.5 h of a ticket's 2 h lifetime. */
export const DEFAULT_TICKET_RENEW_AFTER_MS = 90 * 60_000;

const TOKEN_ID_RE = /^[^\s@!=]+@[^\s@!=]+![A-Za-z][A-Za-z0-9._-]*$/;
const FINGERPRINT_RE = /^[0-9A-Fa-f]{2}(:?[0-9A-Fa-f]{2}){31}$/;

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** The first candidate that is set and not blank, with the name of the field or variable it came from. */
function pick(candidates: readonly [string | undefined, string][]): { value: string; field: string } | undefined {
  for (const [raw, field] of candidates) {
    const value = nonEmpty(raw);
    if (value !== undefined) return { value, field };
  }
  return undefined;
}

function envBool(env: Env, name: string): boolean | undefined {
  const v = nonEmpty(env[name]);
  if (v === undefined) return undefined;
  const lower = v.toLowerCase();
  if (lower === "true" || lower === "1") return true;
  if (lower === "false" || lower === "0") return false;
  throw new ConfigError(`${name}: expected true, false, 1 or 0, got "${v}"`);
}

/** Normalises an endpoint to `<origin>/<path>/api2/json`. */
export function normalizeEndpoint(raw: string, field = "endpoint"): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`${field}: expected a URL such as https://pve.example.com:8006/`);
  }
  if (url.username || url.password)
    throw new ConfigError(`${field}: must not contain credentials; use apiToken or username/password`);
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new ConfigError(`${field}: expected an https:// URL, got ${url.protocol}`);
  if (url.search || url.hash) throw new ConfigError(`${field}: must not contain a query or fragment`);
  const path = url.pathname.replace(/\/+$/, "");
  const base = path.endsWith("/api2/json") ? path : `${path}/api2/json`;
  return `${url.origin}${base}`;
}

/** Normalises a SHA-256 pin to the `AA:BB:…` form `X509Certificate.fingerprint256` uses. */
export function normalizeFingerprint(raw: string, field = "fingerprint"): string {
  const v = raw.trim();
  if (!FINGERPRINT_RE.test(v))
    throw new ConfigError(`${field}: expected a SHA-256 fingerprint of 32 hex bytes such as AB:CD:…`);
  const hex = v.replace(/:/g, "").toUpperCase();
  return hex.match(/../g)!.join(":");
}

function loadCaCert(raw: string, field: string): string {
  let pem = raw;
  if (!raw.includes("-----BEGIN")) {
    try {
      pem = readFileSync(raw, "utf8");
    } catch {
      throw new ConfigError(`${field}: cannot read the CA bundle file "${raw}"`);
    }
  }
  try {
    new X509Certificate(pem);
  } catch {
    throw new ConfigError(`${field}: expected a PEM certificate bundle (-----BEGIN CERTIFICATE-----)`);
  }
  return pem;
}

/** Splits `USER@REALM!TOKENID=SECRET` at the last `=`, as Proxmox does. */
function parseToken(raw: string, field: string): TokenAuth {
  const text = raw.trim();
  const cut = text.lastIndexOf("=");
  const tokenId = text.slice(0, Math.max(cut, 0));
  const secret = text.slice(cut + 1);
  if (cut < 0 || !TOKEN_ID_RE.test(tokenId) || secret === "" || /\s/.test(secret))
    throw new ConfigError(`${field}: expected USER@REALM!TOKENID=SECRET`);
  return { kind: "token", tokenId, secret: new Secret(secret) };
}

interface CredentialSource {
  readonly label: string;
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
}

function resolveAuth(sources: readonly CredentialSource[]): TokenAuth | PasswordAuth {
  const src = sources.find((s) => s.token !== undefined || s.username !== undefined || s.password !== undefined);
  if (!src)
    throw new ConfigError(
      "credentials: none given; set apiToken (PROXMOX_VE_API_TOKEN) or username and password (PROXMOX_VE_USERNAME, PROXMOX_VE_PASSWORD)",
    );
  if (src.token !== undefined) return parseToken(src.token, src.label === "explicit" ? "apiToken" : src.label);
  if (src.username === undefined) throw new ConfigError(`username: required with a password (${src.label})`);
  if (!/^[^\s@]+@[^\s@]+$/.test(src.username)) throw new ConfigError("username: expected USER@REALM, e.g. root@pam");
  if (src.password === undefined) throw new ConfigError(`password: required with a username (${src.label})`);
  return { kind: "password", username: src.username, password: new Secret(src.password) };
}

function describe(c: ClientConfig): Record<string, unknown> {
  const auth =
    c.auth.kind === "token"
      ? { kind: "token", tokenId: c.auth.tokenId, secret: "[redacted]" }
      : { kind: "password", username: c.auth.username, password: "[redacted]" };
  return {
    endpoint: c.endpoint,
    auth,
    tls: {
      insecure: c.tls.insecure,
      caCert: c.tls.caCert === undefined ? undefined : "[pem]",
      fingerprint: c.tls.fingerprint,
    },
    maxConcurrency: c.maxConcurrency,
    ipsetWriteConcurrency: c.ipsetWriteConcurrency,
    timeoutMs: c.timeoutMs,
    retry: c.retry,
    ticketRenewAfterMs: c.ticketRenewAfterMs,
  };
}

/**
 * Resolves the client settings from explicit values and the environment (explicit wins), in the
 * names users know from the bpg (`PROXMOX_VE_*`) and Telmate (`PM_*`) Terraform providers.
 *
 * Credentials are taken as a whole from the first source that has any: explicit values, then
 * `PROXMOX_VE_*`, then `PM_*`; within one source an API token wins over username/password.
 * TLS is verified unless `insecure` is asked for; a `fingerprint` pin is always enforced.
 *
 * @throws ConfigError naming the field and the expected form, never echoing a secret
 */
export function resolveClientConfig(explicit: Partial<ClientConfigInput> = {}, env: Env = process.env): ClientConfig {
  const parsed = clientConfigInputSchema.safeParse(explicit);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join(".") || "config"}: ${issue.message}`);
  }
  const x = parsed.data;

  const endpoint = pick([
    [x.endpoint, "endpoint"],
    [env["PROXMOX_VE_ENDPOINT"], "PROXMOX_VE_ENDPOINT"],
    [env["PM_API_URL"], "PM_API_URL"],
  ]);
  if (endpoint === undefined)
    throw new ConfigError("endpoint: required; set endpoint or PROXMOX_VE_ENDPOINT (e.g. https://pve:8006/)");

  const pmTokenId = nonEmpty(env["PM_API_TOKEN_ID"]);
  const pmTokenSecret = nonEmpty(env["PM_API_TOKEN_SECRET"]);
  if ((pmTokenId === undefined) !== (pmTokenSecret === undefined))
    throw new ConfigError("PM_API_TOKEN_ID, PM_API_TOKEN_SECRET: set both or neither");
  const auth = resolveAuth([
    {
      label: "explicit",
      token: nonEmpty(x.apiToken),
      username: nonEmpty(x.username),
      password: x.password || undefined,
    },
    {
      label: "PROXMOX_VE_API_TOKEN",
      token: nonEmpty(env["PROXMOX_VE_API_TOKEN"]),
      username: nonEmpty(env["PROXMOX_VE_USERNAME"]),
      password: env["PROXMOX_VE_PASSWORD"] || undefined,
    },
    {
      label: "PM_API_TOKEN_ID",
      token: pmTokenId === undefined ? undefined : `${pmTokenId}=${pmTokenSecret}`,
      username: nonEmpty(env["PM_USER"]),
      password: env["PM_PASS"] || undefined,
    },
  ]);

  const ca = pick([
    [x.caCert, "caCert"],
    [env["PROXMOX_VE_CA_CERT"], "PROXMOX_VE_CA_CERT"],
  ]);
  const fp = pick([
    [x.fingerprint, "fingerprint"],
    [env["PROXMOX_VE_FINGERPRINT"], "PROXMOX_VE_FINGERPRINT"],
  ]);
  const insecure = x.insecure ?? envBool(env, "PROXMOX_VE_INSECURE") ?? envBool(env, "PM_TLS_INSECURE") ?? false;
  const tls: TlsConfig = {
    insecure,
    ...(ca === undefined ? {} : { caCert: loadCaCert(ca.value, ca.field) }),
    ...(fp === undefined ? {} : { fingerprint: normalizeFingerprint(fp.value, fp.field) }),
  };

  const config: ClientConfig = {
    endpoint: normalizeEndpoint(endpoint.value, endpoint.field),
    auth,
    tls,
    maxConcurrency: x.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
    ipsetWriteConcurrency: x.ipsetWriteConcurrency ?? DEFAULT_IPSET_WRITE_CONCURRENCY,
    timeoutMs: x.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: { ...DEFAULT_RETRY_POLICY, ...x.retry },
    ticketRenewAfterMs: x.ticketRenewAfterMs ?? DEFAULT_TICKET_RENEW_AFTER_MS,
  };
  Object.defineProperties(config, {
    toJSON: { value: () => describe(config), enumerable: false },
    [inspect.custom]: { value: () => `ClientConfig ${inspect(describe(config))}`, enumerable: false },
  });
  return Object.freeze(config);
}
