import { inspect } from "node:util";

/** What every redacted value is replaced with. */
export const REDACTED = "[redacted]";

/**
 * A secret string (API token secret, password, ticket, CSRF token) that never prints itself:
 * `String()`, template literals, `JSON.stringify` and `util.inspect` all show {@link REDACTED}.
 * Only {@link Secret.reveal} returns the value, and only the HTTP layer calls it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The real value, for the one place that puts it on the wire. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Patterns of credentials as they appear in headers, form bodies, JSON and Proxmox tickets. */
const PATTERNS: readonly [RegExp, string][] = [
  // PVEAPIToken=user@realm!id=secret (header value or bare token id with secret)
  [/(PVEAPIToken[=:]\s*)?([^\s=,;"'@]+@[^\s=,;"'!]+![^\s=,;"']+)=[^\s,;"'&]+/g, `$1$2=${REDACTED}`],
  // Proxmox tickets: PVE:user@realm:HEXTIME::signature (also PVEVNC:, PMG:)
  [/\b(PVE|PVEVNC|PMG|PBS)(:[^\s:;"']+){1,2}:[0-9A-Fa-f]{8}::[^\s;"',&]+/g, REDACTED],
  // CSRF prevention token: HEXTIME:base64
  [/\b[0-9A-Fa-f]{8}:[A-Za-z0-9+/]{20,}={0,2}/g, REDACTED],
  // Cookie / Authorization / CSRF headers, as header lines or JSON keys
  [/(PVEAuthCookie=)[^\s;"',&]+/gi, `$1${REDACTED}`],
  [/(\b(?:authorization|cookie|csrfpreventiontoken)"?\s*:\s*"?)[^"\r\n]+/gi, `$1${REDACTED}`],
  // password / ticket fields in form bodies and JSON
  [/(\b(?:password|ticket|CSRFPreventionToken)=)[^\s&;,]+/gi, `$1${REDACTED}`],
  [/("(?:password|ticket|CSRFPreventionToken)"\s*:\s*")[^"]*/gi, `$1${REDACTED}`],
];

/**
 * Scrubs credentials from any text before it reaches an error, a log line or a debug dump:
 * API tokens (`USER@REALM!ID=SECRET`), tickets, CSRF tokens, cookies, `Authorization` headers and
 * `password=`/`"password":` fields. Exact `known` secret values are removed as well, which catches
 * a server that echoes a credential in an unexpected shape.
 */
export function redact(text: string, known: readonly (Secret | string)[] = []): string {
  let out = text;
  for (const k of known) {
    const value = typeof k === "string" ? k : k.reveal();
    if (value.length >= 4) out = out.split(value).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
