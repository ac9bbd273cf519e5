import { createServer } from "node:net";
import { resolveClientConfig } from "../../../provider/client/config";
import { PveHttpClient } from "../../../provider/client/http";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, isRetryable, withRetry } from "../../../provider/client/retry";
import { TransportError } from "../../../provider/client/transport";
import {
  ApiError,
  DigestMismatchError,
  hasCode,
  LockTimeoutError,
  NetworkError,
  NotFoundError,
} from "../../../provider/errors";
import { type FakePve, instantRetryEnv, type Reply, type SeenRequest, selfSignedCert, startFakePve } from "./fake-pve";

const TOKEN = "root@pam!ci=4c1d2e3f-0000-1111-2222-333344445555";
const details = { method: "GET", path: "/x", pveMessage: "boom" };

function network(code: string, requestSent: boolean): NetworkError {
  return new NetworkError({ ...details, status: 0 }, { cause: new TransportError("x", code, requestSent) });
}

describe("backoffDelayMs", () => {
  it("draws full jitter below a cap that doubles up to maxDelayMs", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, top))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });
});

describe("isRetryable", () => {
  it.each([
    ["a read after a network error", network("UND_ERR_SOCKET", true), false, true],
    ["a read after a 5xx", new ApiError({ ...details, status: 500 }), false, true],
    ["a read after a 501", new ApiError({ ...details, status: 501 }), false, false],
    ["a read after a 400", new ApiError({ ...details, status: 400 }), false, false],
    ["a read after not found", new NotFoundError({ ...details, status: 500 }), false, false],
    ["a write after a lock timeout", new LockTimeoutError({ ...details, status: 500 }), true, true],
    ["a write refused before sending", network("ECONNREFUSED", false), true, true],
    ["a write reset after sending", network("UND_ERR_SOCKET", true), true, false],
    ["a write after a response timeout", network("UND_ERR_HEADERS_TIMEOUT", true), true, false],
    ["a write after a 5xx", new ApiError({ ...details, status: 500 }), true, false],
    ["a write after a digest mismatch", new DigestMismatchError({ ...details, status: 500 }), true, false],
    ["a read failing the TLS pin", network("FW_TLS_PIN_MISMATCH", false), false, false],
    ["a read with an untrusted certificate", network("FW_TLS_UNTRUSTED", false), false, false],
    ["a programming error", new TypeError("x"), false, false],
  ])("decides %s", (_name, err, write, expected) => {
    expect(isRetryable(err, write)).toBe(expected);
  });
});

describe("withRetry", () => {
  it("stops after maxAttempts and rethrows the last error", async () => {
    const { env, sleeps } = instantRetryEnv();
    let n = 0;
    const run = withRetry(
      async (attempt) => {
        n = attempt;
        throw new ApiError({ ...details, status: 503, pveMessage: `try ${attempt}` });
      },
      { policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, baseDelayMs: 100 }, env, write: false },
    );
    await expect(run).rejects.toThrow("GET /x: try 3");
    expect(n).toBe(3);
    expect(sleeps).toEqual([50, 100]);
  });

  it("stops when the next backoff would pass maxTotalMs", async () => {
    const { env, sleeps } = instantRetryEnv();
    let n = 0;
    const policy = { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 60000, maxTotalMs: 1500 };
    const run = withRetry(
      async (attempt) => {
        n = attempt;
        throw new ApiError({ ...details, status: 503 });
      },
      { policy, env, write: false },
    );
    await expect(run).rejects.toThrow("GET /x: boom");
    expect(n).toBe(2);
    expect(sleeps).toEqual([500]);
  });
});

describe("PveHttpClient retries", () => {
  let server: FakePve | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function sequence(replies: Reply[]): (req: SeenRequest) => Reply {
    return () => replies.shift() ?? { data: "ok" };
  }

  function clientFor(url: string, extra: Record<string, unknown> = {}, onSleep?: () => Promise<void>) {
    const { env, sleeps } = instantRetryEnv(onSleep);
    const client = new PveHttpClient(resolveClientConfig({ endpoint: url, apiToken: TOKEN, ...extra }, {}), {
      retryEnv: env,
    });
    return { client, sleeps };
  }

  it("retries a read after 5xx answers", async () => {
    server = await startFakePve(
      sequence([
        { status: 500, message: "oops\n" },
        { status: 503, message: "busy\n" },
      ]),
    );
    const { client } = clientFor(server.url);
    await expect(client.request("GET", "/cluster/firewall/rules")).resolves.toBe("ok");
    await client.close();
    expect(client.log.calls().map((c) => [c.status, c.attempt])).toEqual([
      [500, 1],
      [503, 2],
      [200, 3],
    ]);
  });

  it("does not retry a write after a 5xx answer", async () => {
    server = await startFakePve(sequence([{ status: 500, message: "oops\n" }]));
    const { client } = clientFor(server.url);
    await expect(client.request("POST", "/cluster/firewall/rules", { type: "in" })).rejects.toThrow(
      "POST /cluster/firewall/rules: oops",
    );
    await client.close();
    expect(server.seen).toHaveLength(1);
  });

  it("retries a write after a Proxmox lock timeout", async () => {
    server = await startFakePve(
      sequence([{ status: 500, message: "cfs-lock 'firewall-cluster' error: got lock request timeout\n" }]),
    );
    const { client } = clientFor(server.url);
    await expect(client.request("POST", "/cluster/firewall/aliases", { name: "a", cidr: "10.0.0.1" })).resolves.toBe(
      "ok",
    );
    await client.close();
    expect(server.seen.map((r) => r.method)).toEqual(["POST", "POST"]);
  });

  it("retries a write whose connection was refused, once the server is up", async () => {
    const port = await freePort();
    let started: FakePve | undefined;
    const { client, sleeps } = clientFor(`http://127.0.0.1:${port}/`, {}, async () => {
      started ??= await startFakePve(() => ({ data: "landed" }), undefined, port);
    });
    await expect(client.request("POST", "/cluster/firewall/rules", { type: "in" })).resolves.toBe("landed");
    await client.close();
    server = started;
    expect(sleeps).toHaveLength(1);
    expect(started?.seen).toHaveLength(1);
    expect(client.log.calls().map((c) => c.status)).toEqual([0, 200]);
  });

  it("retries a write whose TLS connection closed before the request was sent", async () => {
    const cert = await selfSignedCert();
    server = await startFakePve(() => ({ data: "landed" }), cert, 0, 1);
    const { client } = clientFor(server.url, { fingerprint: cert.fingerprint });
    await expect(client.request("POST", "/cluster/firewall/rules", { type: "in" })).resolves.toBe("landed");
    await client.close();
    expect(server.seen).toHaveLength(1);
    expect(client.log.calls().map((c) => c.status)).toEqual([0, 200]);
  });

  it("does not retry a write when the connection is reset after the request was sent", async () => {
    server = await startFakePve(() => ({ raw: "destroy" }));
    const { client } = clientFor(server.url);
    const err = await client.request("PUT", "/cluster/firewall/options", { enable: 1 }).catch((e: unknown) => e);
    await client.close();
    expect(hasCode(err, "FW_NETWORK")).toBe(true);
    expect(server.seen).toHaveLength(1);
  });

  it("retries a read when the connection is reset", async () => {
    server = await startFakePve(sequence([{ raw: "destroy" }]));
    const { client } = clientFor(server.url);
    await expect(client.request("GET", "/cluster/firewall/options")).resolves.toBe("ok");
    await client.close();
    expect(server.seen).toHaveLength(2);
  });

  it("never retries a write after a response timeout", async () => {
    server = await startFakePve(() => ({ raw: "hang" }));
    const { client } = clientFor(server.url, { timeoutMs: 200 });
    const err = await client.request("DELETE", "/cluster/firewall/rules/0").catch((e: unknown) => e);
    await client.close();
    expect(hasCode(err, "FW_NETWORK")).toBe(true);
    expect((err as Error).message).toMatch(/^DELETE \/cluster\/firewall\/rules\/0: .*UND_ERR_HEADERS_TIMEOUT/);
    expect(server.seen).toHaveLength(1);
  });

  it("does not retry a digest mismatch or a missing object", async () => {
    server = await startFakePve(
      sequence([
        { status: 500, message: "detected modified configuration - file changed by other user? Try again.\n" },
        { status: 500, message: "no such IPSet 'x'\n" },
      ]),
    );
    const { client } = clientFor(server.url);
    const digest = await client.request("PUT", "/cluster/firewall/rules/1", { digest: "d" }).catch((e: unknown) => e);
    const missing = await client.request("GET", "/cluster/firewall/ipset/x").catch((e: unknown) => e);
    await client.close();
    expect(hasCode(digest, "FW_DIGEST_MISMATCH")).toBe(true);
    expect(hasCode(missing, "FW_NOT_FOUND")).toBe(true);
    expect(server.seen).toHaveLength(2);
  });

  it("gives up a failing read after maxAttempts", async () => {
    server = await startFakePve(() => ({ status: 502, message: "proxy error\n" }));
    const { client } = clientFor(server.url, { retry: { maxAttempts: 3 } });
    await expect(client.request("GET", "/version")).rejects.toThrow("GET /version: proxy error");
    await client.close();
    expect(server.seen).toHaveLength(3);
  });
});

/** A TCP port with nothing listening on it (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
