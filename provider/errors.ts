/**
 * Every error this package throws, in one place.
 *
 * Match on `code`, not on `instanceof`: two copies of the package can be loaded in one process
 * (a Pulumi program and the dynamic-provider host), and only `message` crosses Pulumi's gRPC
 * boundary, so every message must make sense on its own and must never contain a secret.
 */

export type ErrorCode = `FW_${string}`;

/** Base class: a stable `code` plus a message written for the person running `pulumi up`. */
export abstract class FirewallError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Per-parameter errors as Proxmox reports them (`{"errors": {"source": "no such alias 'x'"}}`). */
export type FieldErrors = Readonly<Record<string, string>>;

/** Details of a failed API call. Never holds headers, tokens, tickets or passwords. */
export interface ApiErrorDetails {
  readonly method: string;
  /** API path below `/api2/json`, e.g. `/cluster/firewall/rules/3`. */
  readonly path: string;
  /** HTTP status; 0 when the request never got an answer (network error, timeout). */
  readonly status: number;
  /** Proxmox's message, first line, without the trailing newline. */
  readonly pveMessage: string;
  readonly fieldErrors?: FieldErrors;
  /** Human name of the object the call was about, e.g. `rule 3 at qemu/pve1/100`. */
  readonly subject?: string;
}

function describeApiError(d: ApiErrorDetails): string {
  const where = d.subject ?? `${d.method} ${d.path}`;
  const fields = d.fieldErrors ? Object.entries(d.fieldErrors) : [];
  const what =
    fields.length > 0 ? fields.map(([k, v]) => `${k}: ${v.trimEnd()}`).join("; ") : d.pveMessage || `HTTP ${d.status}`;
  return `${where}: ${what}`;
}

/** Any failed Proxmox API call that has no more specific class below. */
export class ApiError extends FirewallError {
  readonly code: ErrorCode = "FW_API";
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly pveMessage: string;
  readonly fieldErrors: FieldErrors;
  constructor(details: ApiErrorDetails, options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? describeApiError(details), options);
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.pveMessage = details.pveMessage;
    this.fieldErrors = details.fieldErrors ?? {};
  }
}

/** The object does not exist (`no such IPSet`, `no rule at position N`, `no such alias`, ...). */
export class NotFoundError extends ApiError {
  override readonly code: ErrorCode = "FW_NOT_FOUND";
}

/** Proxmox rejected the write because the list or file changed since its digest was read. */
export class DigestMismatchError extends ApiError {
  override readonly code: ErrorCode = "FW_DIGEST_MISMATCH";
}

/** Proxmox could not take the pmxcfs lock of the config file in time (`got lock request timeout`). */
export class LockTimeoutError extends ApiError {
  override readonly code: ErrorCode = "FW_LOCK_TIMEOUT";
}

/** 401/403: missing or wrong credentials, or a token without the needed privilege. */
export class AuthError extends ApiError {
  override readonly code: ErrorCode = "FW_AUTH";
}

/** The request never got an HTTP answer (refused, reset, TLS failure, timeout). */
export class NetworkError extends ApiError {
  override readonly code: ErrorCode = "FW_NETWORK";
}

/** Bad user input, found before any API call. `field` is a dot path such as `rules[2].dport`. */
export class InputError extends FirewallError {
  readonly code: ErrorCode = "FW_INPUT";
  readonly field: string;
  readonly reason: string;
  constructor(field: string, reason: string) {
    super(field ? `${field}: ${reason}` : reason);
    this.field = field;
    this.reason = reason;
  }
}

/** Bad configuration of the client itself (endpoint, credentials, TLS options). */
export class ConfigError extends FirewallError {
  readonly code: ErrorCode = "FW_CONFIG";
}

/** A `.fw` file line that cannot be parsed; `line` is 1-based. */
export class FwParseError extends FirewallError {
  readonly code: ErrorCode = "FW_PARSE";
  readonly line: number;
  constructor(file: string, line: number, reason: string) {
    super(`${file} line ${line}: ${reason}`);
    this.line = line;
  }
}

/** The lockout guard refused a plan; `ruleId` names the guard rule (e.g. `LOCKOUT_MGMT_DROP`). */
export class LockoutRefusedError extends FirewallError {
  readonly code: ErrorCode = "FW_LOCKOUT_REFUSED";
  readonly ruleId: string;
  constructor(ruleId: string, message: string) {
    super(message);
    this.ruleId = ruleId;
  }
}

/**
 * A create refused to take over an object it did not make: the target already exists (or, for rules,
 * the scope's list is not empty; for options, an option is set) and `adopt` is not `true`, or it is
 * half-made by another resource. Thrown before any write, so nothing was changed, and never recorded
 * as a partially created resource (that would make a later `destroy` delete someone else's object).
 */
export class TakeoverRefusedError extends FirewallError {
  readonly code: ErrorCode = "FW_TAKEOVER_REFUSED";
}

/**
 * A rule names a security group, alias or IPSet that does not exist where Proxmox looks for it when
 * it generates the ruleset (Proxmox would silently skip the rule, or apply nothing for a `GROUP`).
 * Thrown before the first write of the resource, so nothing was changed.
 */
export class MissingReferenceError extends FirewallError {
  readonly code: ErrorCode = "FW_MISSING_REFERENCE";
}

/**
 * A write failed after earlier writes of the same operation succeeded, and the object could not be
 * recorded as partially applied (a delete, or the object could not be read back). The message says
 * what was already changed.
 */
export class ApplyFailedError extends FirewallError {
  readonly code: ErrorCode = "FW_APPLY_FAILED";
}

/**
 * An apply failed part-way. `properties` is what is really on the server now, so Pulumi records
 * a partially applied resource and the next `up` finishes the job without duplicates.
 */
export class PartialApplyError extends FirewallError {
  readonly code: ErrorCode = "FW_PARTIAL_APPLY";
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  constructor(id: string, properties: Record<string, unknown>, reasons: string[], options?: { cause?: unknown }) {
    super(reasons.join("; "), options);
    this.id = id;
    this.properties = properties;
    this.reasons = reasons;
  }
}

/** True when `e` is one of ours with the given code, across package copies. */
export function hasCode(e: unknown, code: ErrorCode): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === code;
}
