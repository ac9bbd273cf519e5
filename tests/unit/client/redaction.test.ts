import { inspect } from "node:util";
import { resolveClientConfig } from "../../../provider/client/config";
import { FirewallApi } from "../../../provider/client/firewall";
import { PveHttpClient } from "../../../provider/client/http";
import { REDACTED, redact, Secret } from "../../../provider/client/redact";
import { CLUSTER } from "../../../provider/model/scope";
import { expectNoSecret as expectNoSecretIn } from "../../helpers/secrets";
import { type FakePve, type Reply, type SeenRequest, selfSignedCert, startFakePve } from "./fake-pve";

const TOKEN_SECRET = "d2f1c0b9-8a7e-4d6c-9b5a-4f3e2d1c0b9a";
const PASSWORD = "s3cr3t p@ss/word&x=1";
const TICKET = "PVE:root@pam:67A1B2C3::QmFzZTY0U2lnbmF0dXJlT2ZUaGVUaWNrZXQ+Lw==";
const CSRF = "67A1B2C3:Q1NSRlByZXZlbnRpb25Ub2tlbkJhc2U2NA";
const SECRETS = [TOKEN_SECRET, PASSWORD, TICKET, CSRF];

function expectNoSecret(value: unknown): void {
  expectNoSecretIn(value, SECRETS);
}

/** Echoes the request's headers and body in whatever shape `shape` picks. */
function echo(req: SeenRequest, shape: "message" | "field" | "reason" | "data"): Reply {
  const dump = `headers ${JSON.stringify(req.headers)} body ${req.body} query ${req.query}`;
  switch (shape) {
    case "message":
      return { status: 500, message: `${dump}\n` };
    case "field":
      return { status: 400, message: "Parameter verification failed.\n", errors: { source: dump } };
    case "reason":
      return { status: 500, reason: "x", message: `${req.headers.authorization ?? req.headers.cookie}` };
    case "data":
      return { data: [{ pos: dump, type: "in", action: "ACCEPT" }] };
  }
}

describe("redact", () => {
  it.each([
    [`Authorization: PVEAPIToken=root@pam!ci=${TOKEN_SECRET}`, "Authorization: [redacted]"],
    [`token root@pam!ci=${TOKEN_SECRET} used`, `token root@pam!ci=${REDACTED} used`],
    [`Cookie: PVEAuthCookie=${TICKET}`, "Cookie: [redacted]"],
    [`ticket ${TICKET} expired`, `ticket ${REDACTED} expired`],
    [`csrf ${CSRF}!`, `csrf ${REDACTED}!`],
    [`username=root%40pam&password=${encodeURIComponent(PASSWORD)}`, `username=root%40pam&password=${REDACTED}`],
    [`{"password":"${PASSWORD}","ticket":"${TICKET}"}`, `{"password":"${REDACTED}","ticket":"${REDACTED}"}`],
    ["no such alias 'office'", "no such alias 'office'"],
  ])("scrubs %s", (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it("scrubs known secret values in any shape", () => {
    expect(redact(`echo <${PASSWORD}>`, [new Secret(PASSWORD)])).toBe(`echo <${REDACTED}>`);
  });
});

describe("Secret", () => {
  it("never prints its value", () => {
    const s = new Secret(PASSWORD);
    expect([String(s), `${s}`, JSON.stringify({ s }), inspect({ s })].join()).not.toContain(PASSWORD);
    expect(s.reveal()).toBe(PASSWORD);
  });
});

describe("secrets in errors, logs and dumps", () => {
  let http: FakePve;
  let https: FakePve;
  let shape: "message" | "field" | "reason" | "data" = "message";
  let otherFingerprint: string;
  beforeAll(async () => {
    const [cert, other] = await Promise.all([selfSignedCert(), selfSignedCert("other")]);
    otherFingerprint = other.fingerprint;
    const route = (req: SeenRequest): Reply => {
      if (req.path === "/access/ticket") {
        const form = new URLSearchParams(req.body);
        if (form.get("password") === PASSWORD || form.get("password") === TICKET)
          return { data: { ticket: TICKET, CSRFPreventionToken: CSRF, username: "root@pam" } };
        return { status: 401, message: `authentication failure for ${req.body}\n` };
      }
      if (req.path === "/hang") return { raw: "hang" };
      if (req.path === "/reset") return { raw: "destroy" };
      return echo(req, shape);
    };
    [http, https] = await Promise.all([startFakePve(route), startFakePve(route, cert)]);
  });
  afterAll(async () => {
    await Promise.all([http.close(), https.close()]);
  });

  const configs = () => ({
    token: { endpoint: http.url, apiToken: `root@pam!ci=${TOKEN_SECRET}` },
    ticket: { endpoint: http.url, username: "root@pam", password: PASSWORD },
  });

  it.each(["token", "ticket"] as const)("keeps %s credentials out of every error path", async (kind) => {
    const errors: unknown[] = [];
    const client = new PveHttpClient(
      resolveClientConfig({ ...configs()[kind], retry: { maxAttempts: 1 }, timeoutMs: 200 }, {}),
    );
    const api = new FirewallApi(client);
    for (const s of ["message", "field", "reason", "data"] as const) {
      shape = s;
      errors.push(await api.listRules(CLUSTER).catch((e: unknown) => e));
      if (s === "data") continue; // a write ignores the data it gets back
      errors.push(await api.deleteRule(CLUSTER, 1, "digest").catch((e: unknown) => e));
      errors.push(await api.createRule(CLUSTER, { type: "in", action: "ACCEPT" }).catch((e: unknown) => e));
    }
    errors.push(await client.request("POST", "/hang").catch((e: unknown) => e));
    errors.push(await client.request("PUT", "/reset").catch((e: unknown) => e));
    await client.close();
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    for (const e of errors) expectNoSecret(e);
    expectNoSecret(client.log.calls());
    expectNoSecret(client);
    expectNoSecret(api);
  });

  it("keeps the password out of a failed login", async () => {
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: http.url, username: "root@pam", password: `${PASSWORD}-wrong` }, {}),
    );
    const err = await client.request("GET", "/version").catch((e: unknown) => e);
    await client.close();
    expect((err as Error).message).toMatch(
      /^login as root@pam: authentication failure for username=root%40pam&password=\[redacted\]$/,
    );
    expectNoSecret(err);
  });

  it("keeps credentials out of network, TLS and config errors", async () => {
    const port = new URL(http.url).port;
    const errors: unknown[] = [];
    for (const explicit of [
      { endpoint: `http://127.0.0.1:1/`, apiToken: `root@pam!ci=${TOKEN_SECRET}` },
      { endpoint: https.url, username: "root@pam", password: PASSWORD, fingerprint: otherFingerprint },
      { endpoint: https.url, apiToken: `root@pam!ci=${TOKEN_SECRET}` },
    ]) {
      const client = new PveHttpClient(resolveClientConfig({ ...explicit, retry: { maxAttempts: 1 } }, {}));
      errors.push(await client.request("DELETE", "/cluster/firewall/rules/0").catch((e: unknown) => e));
      expectNoSecret(client.log.calls());
      await client.close();
    }
    for (const bad of [
      { endpoint: `http://root:${PASSWORD}@127.0.0.1:${port}/`, apiToken: `root@pam!ci=${TOKEN_SECRET}` },
      { endpoint: http.url, apiToken: TOKEN_SECRET },
      { endpoint: http.url, apiToken: `root@pam=${TOKEN_SECRET}` },
      { endpoint: http.url, password: PASSWORD },
    ])
      errors.push(
        (() => {
          try {
            return resolveClientConfig(bad, {});
          } catch (e) {
            return e;
          }
        })(),
      );
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    for (const e of errors) expectNoSecret(e);
  });
});
