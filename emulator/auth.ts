/**
 * Authentication as pve-http-server and pve-access-control do it: API tokens
 * (`PVEAPIToken=USER@REALM!ID=SECRET`, split at the last `=`), and tickets from
 * `POST /access/ticket` sent as the `PVEAuthCookie` cookie (or Authorization header) with a
 * `CSRFPreventionToken` header on every non-GET request. Tickets last two hours.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** An API token the emulator accepts. */
export interface TokenSpec {
  /** `USER@REALM!TOKENID`. */
  readonly id: string;
  readonly secret: string;
  /** A read-only token gets 403 on every write. */
  readonly readOnly?: boolean;
}

/** A user that may log in with a password (tickets). */
export interface UserSpec {
  /** `USER@REALM`. */
  readonly user: string;
  readonly password: string;
}

/** Who a request runs as. */
export interface Principal {
  readonly user: string;
  readonly readOnly: boolean;
  /** Whether the request was authenticated by a ticket (then CSRF applies). */
  readonly ticket: boolean;
}

/** Result of authenticating a request. */
export type AuthResult = { ok: true; principal: Principal } | { ok: false; status: 401; message: string };

const TICKET_LIFETIME_SEC = 2 * 3600;

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Parses `PVEAPIToken=USER@REALM!ID=SECRET` (also with `:` or space after the scheme). */
export function parseTokenHeader(header: string): { id: string; secret: string } | undefined {
  const m = /^PVEAPIToken[=:\s]\s*(.+)$/.exec(header.trim());
  if (!m) return undefined;
  const value = m[1] ?? "";
  const eq = value.lastIndexOf("=");
  if (eq <= 0) return undefined;
  return { id: value.slice(0, eq), secret: value.slice(eq + 1) };
}

function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Credentials and ticket signing of one emulator instance. */
export class Authenticator {
  private readonly tokens: ReadonlyMap<string, TokenSpec>;
  private readonly users: ReadonlyMap<string, string>;
  private readonly key = randomBytes(32);
  private readonly nowSec: () => number;

  constructor(tokens: readonly TokenSpec[], users: readonly UserSpec[], nowSec: () => number) {
    this.tokens = new Map(tokens.map((t) => [t.id, t]));
    this.users = new Map(users.map((u) => [u.user, u.password]));
    this.nowSec = nowSec;
  }

  private sign(text: string): string {
    return createHmac("sha256", this.key).update(text).digest("base64url");
  }

  /** Issues a ticket and CSRF token for `user` (assumed already authenticated). */
  issueTicket(user: string): { ticket: string; csrf: string } {
    const stamp = this.nowSec().toString(16).toUpperCase().padStart(8, "0");
    const body = `PVE:${user}:${stamp}`;
    const csrfBody = `${stamp}:${user}`;
    return { ticket: `${body}::${this.sign(body)}`, csrf: `${stamp}:${this.sign(csrfBody)}` };
  }

  /** The user of a valid, unexpired ticket. */
  verifyTicket(ticket: string): string | undefined {
    const m = /^(PVE:([^:]+):([0-9A-F]{8}))::(.+)$/.exec(ticket);
    if (!m) return undefined;
    if (!safeEqual(this.sign(m[1] ?? ""), m[4] ?? "")) return undefined;
    const age = this.nowSec() - Number.parseInt(m[3] ?? "0", 16);
    return age >= -300 && age <= TICKET_LIFETIME_SEC ? m[2] : undefined;
  }

  private verifyCsrf(user: string, token: string | undefined): boolean {
    const m = /^([0-9A-F]{8}):(.+)$/.exec(token ?? "");
    if (!m) return false;
    return safeEqual(this.sign(`${m[1]}:${user}`), m[2] ?? "");
  }

  /** `POST /access/ticket`: password login, or renewal by passing a valid ticket as the password. */
  login(
    username: string,
    password: string,
    realm?: string,
  ): { ticket: string; csrf: string; user: string } | undefined {
    const user = username.includes("@") || !realm ? username : `${username}@${realm}`;
    const known = this.users.get(user);
    const ok = (known !== undefined && safeEqual(known, password)) || this.verifyTicket(password) === user;
    if (!ok) return undefined;
    return { ...this.issueTicket(user), user };
  }

  /** Authenticates a request from its headers. */
  authenticate(method: string, headers: Readonly<Record<string, string | string[] | undefined>>): AuthResult {
    const authz = typeof headers.authorization === "string" ? headers.authorization : undefined;
    if (authz?.startsWith("PVEAPIToken")) {
      const parsed = parseTokenHeader(authz);
      const token = parsed ? this.tokens.get(parsed.id) : undefined;
      if (!parsed || !token || !safeEqual(token.secret, parsed.secret)) {
        return { ok: false, status: 401, message: "authentication failure" };
      }
      return { ok: true, principal: { user: token.id, readOnly: token.readOnly === true, ticket: false } };
    }
    const fromHeader = authz?.startsWith("PVEAuthCookie=") ? authz.slice("PVEAuthCookie=".length) : undefined;
    const cookie = typeof headers.cookie === "string" ? headers.cookie : undefined;
    const ticket = fromHeader ?? cookieValue(cookie, "PVEAuthCookie");
    if (ticket === undefined) return { ok: false, status: 401, message: "No ticket" };
    const user = this.verifyTicket(ticket);
    if (!user) return { ok: false, status: 401, message: "invalid PVE ticket" };
    if (method !== "GET") {
      const csrf = headers.csrfpreventiontoken;
      if (!this.verifyCsrf(user, typeof csrf === "string" ? csrf : undefined)) {
        return { ok: false, status: 401, message: "Permission denied - invalid csrf token" };
      }
    }
    return { ok: true, principal: { user, readOnly: false, ticket: true } };
  }
}
