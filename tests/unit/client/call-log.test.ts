import { CallLog, type CallRecord } from "../../../provider/client/call-log";
import { resolveClientConfig } from "../../../provider/client/config";
import { PveHttpClient } from "../../../provider/client/http";
import { type FakePve, instantRetryEnv, startFakePve } from "./fake-pve";

function rec(method: string, path: string, status = 200, attempt = 1): CallRecord {
  return { method, path, status, durationMs: 1, attempt };
}

describe("CallLog", () => {
  it("lists calls, writes without the login, counts by filter and resets", () => {
    const log = new CallLog();
    for (const c of [
      rec("POST", "/access/ticket"),
      rec("GET", "/cluster/firewall/rules"),
      rec("POST", "/cluster/firewall/rules"),
      rec("PUT", "/cluster/firewall/rules/0", 500),
      rec("DELETE", "/nodes/pve1/firewall/rules/2"),
    ])
      log.record(c);
    expect(log.calls()).toHaveLength(5);
    expect(log.writes().map((c) => c.method)).toEqual(["POST", "PUT", "DELETE"]);
    expect(log.count()).toBe(5);
    expect(log.count({ method: "POST" })).toBe(2);
    expect(log.count({ path: /^\/cluster\/firewall\/rules/ })).toBe(3);
    expect(log.count({ path: "/cluster/firewall/rules", method: "GET" })).toBe(1);
    expect(log.count({ status: 500 })).toBe(1);
    expect(log.count((c) => c.path.startsWith("/nodes/"))).toBe(1);
    log.reset();
    expect(log.calls()).toEqual([]);
  });

  it("returns a copy that later calls do not change", () => {
    const log = new CallLog();
    log.record(rec("GET", "/version"));
    const snapshot = log.calls();
    log.record(rec("GET", "/nodes"));
    expect(snapshot).toHaveLength(1);
  });
});

describe("PveHttpClient call observer", () => {
  let server: FakePve;
  beforeAll(async () => {
    let failNext = true;
    server = await startFakePve((req) => {
      if (req.path === "/flaky" && failNext) {
        failNext = false;
        return { status: 503, message: "busy\n" };
      }
      return { data: [] };
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("reports every attempt to onCall and the built-in log, with path and status", async () => {
    const seen: CallRecord[] = [];
    const { env } = instantRetryEnv();
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, apiToken: "root@pam!ci=1234abcd-0000" }, {}),
      { onCall: (c) => seen.push(c), retryEnv: env },
    );
    await client.request("GET", "/flaky", { a: 1 });
    await client.request("DELETE", "/cluster/firewall/rules/0", { digest: "d" });
    await client.close();
    expect(seen.map(({ method, path, status, attempt }) => ({ method, path, status, attempt }))).toEqual([
      { method: "GET", path: "/flaky", status: 503, attempt: 1 },
      { method: "GET", path: "/flaky", status: 200, attempt: 2 },
      { method: "DELETE", path: "/cluster/firewall/rules/0", status: 200, attempt: 1 },
    ]);
    expect(seen.every((c) => c.durationMs >= 0)).toBe(true);
    expect(client.log.calls()).toEqual(seen);
    expect(client.log.writes()).toHaveLength(1);
  });

  it("records status 0 for a call that got no answer", async () => {
    const client = new PveHttpClient(
      resolveClientConfig(
        { endpoint: "http://127.0.0.1:1/", apiToken: "root@pam!ci=1234abcd-0000", retry: { maxAttempts: 1 } },
        {},
      ),
    );
    await expect(client.request("GET", "/version")).rejects.toMatchObject({ code: "FW_NETWORK", status: 0 });
    await client.close();
    expect(client.log.calls()).toEqual([
      expect.objectContaining({ method: "GET", path: "/version", status: 0, attempt: 1 }),
    ]);
  });
});
