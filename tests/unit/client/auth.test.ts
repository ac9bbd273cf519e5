import { resolveClientConfig } from "../../../provider/client/config";
import { PveHttpClient } from "../../../provider/client/http";
import { hasCode } from "../../../provider/errors";
import { type FakePve, gate, type SeenRequest, startFakePve, tick } from "./fake-pve";

const TOKEN_SECRET = "0b7c6a3e-1111-2222-3333-444455556666";
const PASSWORD = "correct horse battery staple";
const HOUR = 3600_000;

function ticketFor(n: number): string {
  return `PVE:root@pam:6700000${n}::c2lnbmF0dXJl${n}`;
}
function csrfFor(n: number): string {
  return `6700000${n}:Y3NyZnRva2VuY3NyZnRva2VuY3NyZnRva2VuMTIz${n}`;
}

/** A server that issues ticket n on the n-th successful login and accepts only the latest ticket. */
function ticketServer(opts: { loginGate?: Promise<void> } = {}) {
  let issued = 0;
  const valid = new Set<string>();
  return async (req: SeenRequest) => {
    if (req.path === "/access/ticket") {
      await opts.loginGate;
      const form = new URLSearchParams(req.body);
      const pw = form.get("password") ?? "";
      if (form.get("username") !== "root@pam" || (pw !== PASSWORD && !valid.has(pw)))
        return { status: 401, message: "authentication failure\n" };
      issued++;
      valid.add(ticketFor(issued));
      return { data: { ticket: ticketFor(issued), CSRFPreventionToken: csrfFor(issued), username: "root@pam" } };
    }
    const cookie = req.headers.cookie ?? "";
    const ticket = cookie.replace(/^PVEAuthCookie=/, "");
    if (!valid.has(ticket)) return { status: 401, message: "no ticket\n" };
    if (req.method !== "GET" && req.headers.csrfpreventiontoken === undefined)
      return { status: 401, message: "Permission denied - invalid csrf token\n" };
    return { data: { ok: true } };
  };
}

describe("PveHttpClient auth", () => {
  let server: FakePve | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("sends the API token header and no CSRF token or cookie", async () => {
    server = await startFakePve(() => ({ data: {} }));
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, apiToken: `root@pam!ci=${TOKEN_SECRET}` }, {}),
    );
    await client.request("GET", "/version");
    await client.request("POST", "/cluster/firewall/rules", { type: "in", action: "ACCEPT" });
    await client.close();
    for (const r of server.seen) {
      expect(r.headers.authorization).toBe(`PVEAPIToken=root@pam!ci=${TOKEN_SECRET}`);
      expect(r.headers.csrfpreventiontoken).toBeUndefined();
      expect(r.headers.cookie).toBeUndefined();
    }
  });

  it("logs in once, sends the cookie on every call and the CSRF token on writes only", async () => {
    server = await startFakePve(ticketServer());
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, username: "root@pam", password: PASSWORD }, {}),
    );
    await client.request("GET", "/cluster/firewall/rules");
    await client.request("PUT", "/cluster/firewall/options", { enable: 1 });
    await client.request("DELETE", "/cluster/firewall/rules/0");
    await client.close();
    const [login, get, put, del] = server.seen;
    expect(login).toMatchObject({ method: "POST", path: "/access/ticket" });
    expect(new URLSearchParams(login!.body).get("password")).toBe(PASSWORD);
    expect(server.seen.filter((r) => r.path === "/access/ticket")).toHaveLength(1);
    expect(get!.headers.cookie).toBe(`PVEAuthCookie=${ticketFor(1)}`);
    expect(get!.headers.csrfpreventiontoken).toBeUndefined();
    expect(put!.headers.csrfpreventiontoken).toBe(csrfFor(1));
    expect(del!.headers.csrfpreventiontoken).toBe(csrfFor(1));
    expect(client.log.writes().map((c) => c.method)).toEqual(["PUT", "DELETE"]);
  });

  it("renews the ticket after 1.5 h by posting the ticket as the password", async () => {
    server = await startFakePve(ticketServer());
    let now = 0;
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, username: "root@pam", password: PASSWORD }, {}),
      { now: () => now },
    );
    await client.request("GET", "/version");
    now = 1.4 * HOUR;
    await client.request("GET", "/version");
    now = 1.5 * HOUR;
    await client.request("GET", "/version");
    await client.close();
    const logins = server.seen.filter((r) => r.path === "/access/ticket");
    expect(logins).toHaveLength(2);
    expect(new URLSearchParams(logins[1]!.body).get("password")).toBe(ticketFor(1));
    expect(server.seen.at(-1)!.headers.cookie).toBe(`PVEAuthCookie=${ticketFor(2)}`);
  });

  it("logs in with the password again once the ticket has expired", async () => {
    server = await startFakePve(ticketServer());
    let now = 0;
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, username: "root@pam", password: PASSWORD }, {}),
      { now: () => now },
    );
    await client.request("GET", "/version");
    now = 2 * HOUR + 1;
    await client.request("GET", "/version");
    await client.close();
    const logins = server.seen.filter((r) => r.path === "/access/ticket");
    expect(logins.map((l) => new URLSearchParams(l.body).get("password"))).toEqual([PASSWORD, PASSWORD]);
  });

  it("runs one login at a time for concurrent calls", async () => {
    const loginGate = gate();
    server = await startFakePve(ticketServer({ loginGate: loginGate.promise }));
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, username: "root@pam", password: PASSWORD }, {}),
    );
    const calls = [1, 2, 3, 4].map(() => client.request("GET", "/version"));
    for (let i = 0; i < 5; i++) await tick();
    loginGate.open();
    await Promise.all(calls);
    await client.close();
    expect(server.seen.filter((r) => r.path === "/access/ticket")).toHaveLength(1);
  });

  it("logs in again once when the server rejects the ticket with 401", async () => {
    let reject = true;
    const inner = ticketServer();
    server = await startFakePve(async (req) => {
      if (req.path === "/version" && reject) {
        reject = false;
        return { status: 401, message: "ticket expired\n" };
      }
      return inner(req);
    });
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, username: "root@pam", password: PASSWORD }, {}),
    );
    await expect(client.request("GET", "/version")).resolves.toEqual({ ok: true });
    await client.close();
    expect(server.seen.map((r) => r.path)).toEqual(["/access/ticket", "/version", "/access/ticket", "/version"]);
  });

  it("fails with an AuthError on a wrong password", async () => {
    server = await startFakePve(ticketServer());
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, username: "root@pam", password: "wrong-password" }, {}),
    );
    const err = await client.request("GET", "/version").catch((e: unknown) => e);
    await client.close();
    expect(hasCode(err, "FW_AUTH")).toBe(true);
    expect((err as Error).message).toBe("login as root@pam: authentication failure");
    expect(server.seen).toHaveLength(1);
  });

  it("fails with an AuthError on 401 and 403 with a token, without retrying", async () => {
    server = await startFakePve((req) =>
      req.path === "/version"
        ? { status: 401, message: "authentication failure\n" }
        : { status: 403, message: "Permission check failed (/, Sys.Audit)\n" },
    );
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, apiToken: `root@pam!ci=${TOKEN_SECRET}` }, {}),
    );
    const e401 = await client.request("GET", "/version").catch((e: unknown) => e);
    const e403 = await client.request("GET", "/nodes", undefined, { subject: "nodes" }).catch((e: unknown) => e);
    await client.close();
    expect(hasCode(e401, "FW_AUTH")).toBe(true);
    expect((e401 as Error).message).toBe("GET /version: authentication failure");
    expect(hasCode(e403, "FW_AUTH")).toBe(true);
    expect((e403 as Error).message).toBe("nodes: Permission check failed (/, Sys.Audit)");
    expect(server.seen).toHaveLength(2);
  });

  it("fails with a ConfigError when the account needs two-factor authentication", async () => {
    server = await startFakePve(() => ({ data: { NeedTFA: 1, ticket: "PVE:root@pam:67000000::partial" } }));
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, username: "root@pam", password: PASSWORD }, {}),
    );
    const err = await client.request("GET", "/version").catch((e: unknown) => e);
    await client.close();
    expect(hasCode(err, "FW_CONFIG")).toBe(true);
    expect((err as Error).message).toMatch(/requires two-factor authentication; use an API token/);
  });
});
