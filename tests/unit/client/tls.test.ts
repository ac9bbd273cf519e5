import { resolveClientConfig } from "../../../provider/client/config";
import { PveHttpClient } from "../../../provider/client/http";
import { hasCode } from "../../../provider/errors";
import { type FakePve, selfSignedCert, startFakePve } from "./fake-pve";

const TOKEN = "root@pam!ci=11111111-2222-3333-4444-555555555555";

describe("PveHttpClient TLS", () => {
  let server: FakePve;
  let serverCert: Awaited<ReturnType<typeof selfSignedCert>>;
  let otherCert: Awaited<ReturnType<typeof selfSignedCert>>;

  beforeAll(async () => {
    [serverCert, otherCert] = await Promise.all([selfSignedCert(), selfSignedCert("other")]);
    server = await startFakePve(() => ({ data: { version: "9.1.1" } }), serverCert);
  });
  afterAll(async () => {
    await server.close();
  });

  async function call(extra: Record<string, unknown>): Promise<unknown> {
    const client = new PveHttpClient(resolveClientConfig({ endpoint: server.url, apiToken: TOKEN, ...extra }, {}));
    try {
      return await client.request("GET", "/version");
    } catch (e) {
      return e;
    } finally {
      await client.close();
    }
  }

  it("accepts a server certificate signed by the given CA bundle", async () => {
    await expect(call({ caCert: serverCert.cert })).resolves.toEqual({ version: "9.1.1" });
  });

  it("fails closed on a certificate the CA bundle does not cover, without retrying", async () => {
    const before = server.seen.length;
    const err = await call({ caCert: otherCert.cert });
    expect(hasCode(err, "FW_NETWORK")).toBe(true);
    expect((err as Error).message).toMatch(
      /^GET \/version: TLS certificate not trusted \([A-Z_]+\); set caCert to the Proxmox CA, pin its fingerprint, or set insecure$/,
    );
    expect(server.seen.length).toBe(before);
  });

  it("fails closed on a self-signed certificate by default", async () => {
    expect(hasCode(await call({}), "FW_NETWORK")).toBe(true);
  });

  it("accepts a certificate whose SHA-256 matches the pin, in any case", async () => {
    await expect(call({ fingerprint: serverCert.fingerprint.toLowerCase() })).resolves.toEqual({ version: "9.1.1" });
  });

  it("fails closed with both fingerprints named when the pin does not match", async () => {
    const before = server.seen.length;
    const err = await call({ fingerprint: otherCert.fingerprint });
    expect(hasCode(err, "FW_NETWORK")).toBe(true);
    expect((err as Error).message).toBe(
      `GET /version: TLS certificate fingerprint ${serverCert.fingerprint} does not match the pinned fingerprint ${otherCert.fingerprint}; check fingerprint (PROXMOX_VE_FINGERPRINT)`,
    );
    expect(server.seen.length).toBe(before);
  });

  it("enforces the pin even when insecure is set", async () => {
    expect(hasCode(await call({ insecure: true, fingerprint: otherCert.fingerprint }), "FW_NETWORK")).toBe(true);
  });

  it("skips verification when insecure is asked for", async () => {
    await expect(call({ insecure: true })).resolves.toEqual({ version: "9.1.1" });
  });
});
