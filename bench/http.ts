/**
 * The benchmark's own HTTP access to the emulator: one API request at a time as a client tool
 * sends it (form body for POST/PUT, query for GET/DELETE, Proxmox's `{data}` envelope), and the
 * emulator's `/_emulator` control endpoint (request counters, out-of-band file edits, uncounted
 * API calls for set-up and verification).
 */
import { Pool } from "undici";
import type { CallCount } from "./results";

/** An API request method. */
export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Where the emulator is and how to talk to it. */
export interface EmulatorAccess {
  /** Base URL, e.g. `http://127.0.0.1:40123` (the API is below `/api2/json`). */
  readonly endpoint: string;
  /** API token as the provider takes it: `USER@REALM!ID=SECRET`. */
  readonly apiToken: string;
  /** Secret of the `X-Emulator-Control` header. */
  readonly controlToken: string;
}

/** A Proxmox answer: HTTP status, `data`, and the message of a failure. */
export interface ApiAnswer {
  readonly status: number;
  readonly data: unknown;
  readonly message: string;
}

function encode(params: Readonly<Record<string, string>> | undefined): string {
  return new URLSearchParams(params ?? {}).toString();
}

/** A keep-alive client of one emulator: API calls (counted by the emulator) and control calls. */
export class EmulatorClient {
  readonly #pool: Pool;
  readonly #access: EmulatorAccess;

  constructor(access: EmulatorAccess) {
    this.#access = access;
    this.#pool = new Pool(access.endpoint, { connections: 4, pipelining: 1 });
  }

  get access(): EmulatorAccess {
    return this.#access;
  }

  /** One API call, `path` below `/api2/json`; never throws on an HTTP error status. */
  async api(method: Method, path: string, params?: Readonly<Record<string, string>>): Promise<ApiAnswer> {
    const query = method === "GET" || method === "DELETE" ? encode(params) : "";
    const body = method === "POST" || method === "PUT" ? encode(params) : undefined;
    return this.#send(method, `/api2/json${path}${query ? `?${query}` : ""}`, body, {
      authorization: `PVEAPIToken=${this.#access.apiToken}`,
      ...(body === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" }),
    });
  }

  /** The requests counted since the last {@link EmulatorClient.resetCalls}: GETs are reads, the rest writes. */
  async calls(): Promise<CallCount> {
    const answer = await this.#control("GET", "/calls");
    const counts = (answer.data as { counts: Record<string, number> }).counts;
    let reads = 0;
    let writes = 0;
    for (const [key, n] of Object.entries(counts)) {
      if (key.startsWith("GET ")) reads += n;
      else writes += n;
    }
    return { reads, writes };
  }

  /** Zeroes the emulator's request counters. */
  async resetCalls(): Promise<void> {
    await this.#control("DELETE", "/calls");
  }

  /** Replaces an `/etc/pve`-relative file out of band ("" deletes it), as an admin would. */
  async putFile(path: string, text: string): Promise<void> {
    await this.#control("PUT", `/files?${encode({ path })}`, text);
  }

  /** An API call that the emulator neither counts nor faults (set-up and verification). */
  async uncounted(method: Method, path: string, params: Readonly<Record<string, string>> = {}): Promise<unknown> {
    const answer = await this.#control("POST", "/apply", JSON.stringify({ method, path, params }));
    return answer.data;
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    await this.#pool.close();
  }

  async #control(method: Method, path: string, body?: string): Promise<ApiAnswer> {
    const answer = await this.#send(method, `/_emulator${path}`, body, {
      "x-emulator-control": this.#access.controlToken,
    });
    if (answer.status !== 200)
      throw new Error(`emulator control ${method} ${path}: ${answer.status} ${answer.message}`);
    return answer;
  }

  async #send(method: Method, path: string, body: string | undefined, headers: Record<string, string>) {
    const res = await this.#pool.request({ method, path, headers, body });
    const text = await res.body.text();
    let parsed: { data?: unknown; message?: string } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    return { status: res.statusCode, data: parsed.data ?? null, message: (parsed.message ?? "").trim() };
  }
}
