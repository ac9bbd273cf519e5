import { hasCode } from "../errors";
import type { PasswordAuth, TokenAuth } from "./config";
import type { Secret } from "./redact";

/** A ticket and its CSRF token as `POST /access/ticket` returns them. */
export interface Ticket {
  readonly ticket: Secret;
  readonly csrf: Secret;
}

/** Performs `POST /access/ticket` with `username` and `password` (a password or a ticket to renew). */
export type LoginFn = (username: string, password: Secret) => Promise<Ticket>;

/** Proxmox tickets expire 2 h after they were issued. */
export const TICKET_LIFETIME_MS = 2 * 3600_000;

/** How each request authenticates. */
export interface Authenticator {
  /** Headers for one request; may log in first. Only non-GET requests get the CSRF token. */
  headers(write: boolean): Promise<Record<string, string>>;
  /** Forgets the current credentials after a 401; true when logging in again may help. */
  invalidate(): boolean;
  /** Every secret this authenticator has held, for scrubbing text. */
  secrets(): readonly Secret[];
}

/** API token auth: a fixed `Authorization` header, no CSRF token, nothing to renew. */
export class TokenAuthenticator implements Authenticator {
  readonly #auth: TokenAuth;
  constructor(auth: TokenAuth) {
    this.#auth = auth;
  }
  async headers(): Promise<Record<string, string>> {
    return { authorization: `PVEAPIToken=${this.#auth.tokenId}=${this.#auth.secret.reveal()}` };
  }
  invalidate(): boolean {
    return false;
  }
  secrets(): readonly Secret[] {
    return [this.#auth.secret];
  }
}

interface HeldTicket extends Ticket {
  readonly issuedAt: number;
}

/** How many past tickets are remembered for scrubbing. */
const REMEMBERED_SECRETS = 16;

/**
 * Ticket auth. Logs in on first use; renews the ticket once it is `renewAfterMs` old by posting
 * the ticket itself as the password (falling back to the password when renewal is refused);
 * logs in again when the ticket has expired or the server answered 401. At most one login or
 * renewal is in flight at a time; concurrent requests wait for it.
 */
export class TicketAuthenticator implements Authenticator {
  readonly #auth: PasswordAuth;
  readonly #login: LoginFn;
  readonly #now: () => number;
  readonly #renewAfterMs: number;
  #held: HeldTicket | undefined;
  #pending: Promise<HeldTicket> | undefined;
  readonly #secrets: Secret[];

  constructor(auth: PasswordAuth, login: LoginFn, now: () => number, renewAfterMs: number) {
    this.#auth = auth;
    this.#login = login;
    this.#now = now;
    this.#renewAfterMs = renewAfterMs;
    this.#secrets = [auth.password];
  }

  async headers(write: boolean): Promise<Record<string, string>> {
    const t = await this.#current();
    const h: Record<string, string> = { cookie: `PVEAuthCookie=${t.ticket.reveal()}` };
    if (write) h["csrfpreventiontoken"] = t.csrf.reveal();
    return h;
  }

  invalidate(): boolean {
    this.#held = undefined;
    return true;
  }

  secrets(): readonly Secret[] {
    return [...this.#secrets];
  }

  #current(): Promise<HeldTicket> {
    if (this.#pending) return this.#pending;
    const held = this.#held;
    const age = held === undefined ? Number.POSITIVE_INFINITY : this.#now() - held.issuedAt;
    if (held !== undefined && age < this.#renewAfterMs) return Promise.resolve(held);
    const renewable = held !== undefined && age < TICKET_LIFETIME_MS;
    this.#pending = this.#obtain(renewable ? held : undefined).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #obtain(renewFrom: HeldTicket | undefined): Promise<HeldTicket> {
    const issuedAt = this.#now();
    let t: Ticket | undefined;
    if (renewFrom) {
      try {
        t = await this.#login(this.#auth.username, renewFrom.ticket);
      } catch (e) {
        if (!hasCode(e, "FW_AUTH")) throw e;
      }
    }
    t ??= await this.#login(this.#auth.username, this.#auth.password);
    this.#remember(t.ticket, t.csrf);
    this.#held = { ...t, issuedAt };
    return this.#held;
  }

  #remember(...secrets: Secret[]): void {
    this.#secrets.push(...secrets);
    // keep the password (index 0) and the most recent tickets
    while (this.#secrets.length > REMEMBERED_SECRETS) this.#secrets.splice(1, 1);
  }
}
