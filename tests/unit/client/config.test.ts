import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { normalizeEndpoint, normalizeFingerprint, resolveClientConfig } from "../../../provider/client/config";
import { hasCode } from "../../../provider/errors";
import { selfSignedCert } from "./fake-pve";

const SECRET = "5e3a1c0f-aaaa-bbbb-cccc-0123456789ab";
const PIN = "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";

function configError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(hasCode(e, "FW_CONFIG")).toBe(true);
    return e as Error;
  }
  throw new Error("expected a ConfigError");
}

describe("normalizeEndpoint", () => {
  it.each([
    ["https://pve:8006/", "https://pve:8006/api2/json"],
    ["https://pve:8006", "https://pve:8006/api2/json"],
    ["https://pve:8006/api2/json", "https://pve:8006/api2/json"],
    ["https://pve:8006/api2/json/", "https://pve:8006/api2/json"],
    ["https://proxy.example.com/pve/", "https://proxy.example.com/pve/api2/json"],
  ])("adds /api2/json when absent (%s)", (input, expected) => {
    expect(normalizeEndpoint(input)).toBe(expected);
  });

  it("fails on a URL with credentials without echoing them", () => {
    const err = configError(() => normalizeEndpoint(`https://root:${SECRET}@pve:8006/`));
    expect(err.message).not.toContain(SECRET);
    expect(err.message).toMatch(/^endpoint: must not contain credentials/);
  });

  it("fails on something that is not a URL", () => {
    expect(configError(() => normalizeEndpoint("pve:8006")).message).toMatch(/^endpoint: expected/);
  });
});

describe("normalizeFingerprint", () => {
  it("accepts the Proxmox form in any case and returns upper case with colons", () => {
    expect(normalizeFingerprint(PIN)).toBe(PIN.toUpperCase());
    expect(normalizeFingerprint(PIN.replace(/:/g, ""))).toBe(PIN.toUpperCase());
  });

  it("fails on a SHA-1 length fingerprint", () => {
    expect(configError(() => normalizeFingerprint("AB:CD:EF")).message).toMatch(/^fingerprint: expected a SHA-256/);
  });
});

describe("resolveClientConfig", () => {
  it("reads the bpg variables", () => {
    const c = resolveClientConfig(
      {},
      {
        PROXMOX_VE_ENDPOINT: "https://pve:8006/",
        PROXMOX_VE_API_TOKEN: `root@pam!ci=${SECRET}`,
        PROXMOX_VE_INSECURE: "true",
        PROXMOX_VE_FINGERPRINT: PIN,
      },
    );
    expect(c.endpoint).toBe("https://pve:8006/api2/json");
    expect(c.auth).toMatchObject({ kind: "token", tokenId: "root@pam!ci" });
    expect(c.auth.kind === "token" && c.auth.secret.reveal()).toBe(SECRET);
    expect(c.tls).toEqual({ insecure: true, fingerprint: PIN.toUpperCase() });
  });

  it("splits an API token at the last '='", () => {
    const c = resolveClientConfig({ endpoint: "https://pve", apiToken: `user@pve!tok-1=${SECRET}` }, {});
    expect(c.auth.kind === "token" && [c.auth.tokenId, c.auth.secret.reveal()]).toEqual(["user@pve!tok-1", SECRET]);
    expect(() => resolveClientConfig({ endpoint: "https://pve", apiToken: "user@pve!tok=abc=def" }, {})).toThrow(
      "apiToken: expected USER@REALM!TOKENID=SECRET",
    );
    expect(() => resolveClientConfig({ endpoint: "https://pve", apiToken: "user@pve!tok=" }, {})).toThrow(
      "apiToken: expected USER@REALM!TOKENID=SECRET",
    );
  });

  it("reads the Telmate variables", () => {
    const c = resolveClientConfig(
      {},
      {
        PM_API_URL: "https://pve:8006/api2/json",
        PM_API_TOKEN_ID: "terraform@pve!tf",
        PM_API_TOKEN_SECRET: SECRET,
        PM_TLS_INSECURE: "1",
      },
    );
    expect(c.endpoint).toBe("https://pve:8006/api2/json");
    expect(c.auth).toMatchObject({ kind: "token", tokenId: "terraform@pve!tf" });
    expect(c.tls.insecure).toBe(true);
  });

  it("reads username and password from either family", () => {
    const bpg = resolveClientConfig(
      {},
      { PROXMOX_VE_ENDPOINT: "https://a", PROXMOX_VE_USERNAME: "root@pam", PROXMOX_VE_PASSWORD: SECRET },
    );
    const telmate = resolveClientConfig({}, { PM_API_URL: "https://b", PM_USER: "root@pam", PM_PASS: SECRET });
    for (const c of [bpg, telmate]) {
      expect(c.auth).toMatchObject({ kind: "password", username: "root@pam" });
      expect(c.auth.kind === "password" && c.auth.password.reveal()).toBe(SECRET);
    }
  });

  it("prefers explicit values, then PROXMOX_VE_*, then PM_*", () => {
    const env = {
      PROXMOX_VE_ENDPOINT: "https://bpg",
      PM_API_URL: "https://telmate",
      PROXMOX_VE_USERNAME: "bpg@pam",
      PROXMOX_VE_PASSWORD: "bpg-pass",
      PM_API_TOKEN_ID: "tel@pve!x",
      PM_API_TOKEN_SECRET: "tel-secret",
      PROXMOX_VE_INSECURE: "false",
      PM_TLS_INSECURE: "true",
    };
    const fromEnv = resolveClientConfig({}, env);
    expect(fromEnv.endpoint).toBe("https://bpg/api2/json");
    expect(fromEnv.auth).toMatchObject({ kind: "password", username: "bpg@pam" });
    expect(fromEnv.tls.insecure).toBe(false);
    const explicit = resolveClientConfig(
      { endpoint: "https://mine:8006", apiToken: `me@pve!t=${SECRET}`, insecure: true },
      env,
    );
    expect(explicit.endpoint).toBe("https://mine:8006/api2/json");
    expect(explicit.auth).toMatchObject({ kind: "token", tokenId: "me@pve!t" });
    expect(explicit.tls.insecure).toBe(true);
  });

  it("takes credentials from one source as a whole", () => {
    const c = resolveClientConfig(
      { endpoint: "https://x", username: "me@pam", password: "p4ss" },
      { PROXMOX_VE_API_TOKEN: `root@pam!ci=${SECRET}` },
    );
    expect(c.auth).toMatchObject({ kind: "password", username: "me@pam" });
  });

  it("verifies TLS by default and applies defaults", () => {
    const c = resolveClientConfig({ endpoint: "https://x", apiToken: `a@pve!b=${SECRET}` }, {});
    expect(c.tls).toEqual({ insecure: false });
    expect(c.maxConcurrency).toBe(8);
    expect(c.ipsetWriteConcurrency).toBe(4);
    expect(c.retry.maxAttempts).toBe(4);
  });

  it("loads a CA bundle from a PEM value or a file path", async () => {
    const pems = await selfSignedCert("ca");
    const dir = mkdtempSync(join(tmpdir(), "pve-ca-"));
    const file = join(dir, "ca.pem");
    writeFileSync(file, pems.cert);
    const base = { endpoint: "https://x", apiToken: `a@pve!b=${SECRET}` };
    expect(resolveClientConfig({ ...base, caCert: pems.cert }, {}).tls.caCert).toBe(pems.cert);
    expect(resolveClientConfig(base, { PROXMOX_VE_CA_CERT: file }).tls.caCert).toBe(pems.cert);
  });

  it("fails on a CA path that cannot be read", () => {
    const err = configError(() =>
      resolveClientConfig({ endpoint: "https://x", apiToken: `a@pve!b=${SECRET}`, caCert: "/nonexistent/ca.pem" }, {}),
    );
    expect(err.message).toBe('caCert: cannot read the CA bundle file "/nonexistent/ca.pem"');
  });

  it("fails on a malformed token without echoing it", () => {
    const err = configError(() => resolveClientConfig({ endpoint: "https://x", apiToken: SECRET }, {}));
    expect(err.message).toBe("apiToken: expected USER@REALM!TOKENID=SECRET");
    const envErr = configError(() =>
      resolveClientConfig({}, { PROXMOX_VE_ENDPOINT: "https://x", PROXMOX_VE_API_TOKEN: `root@pam=${SECRET}` }),
    );
    expect(envErr.message).toBe("PROXMOX_VE_API_TOKEN: expected USER@REALM!TOKENID=SECRET");
    expect(envErr.message).not.toContain(SECRET);
  });

  it("fails without credentials or endpoint", () => {
    expect(configError(() => resolveClientConfig({ endpoint: "https://x" }, {})).message).toMatch(/^credentials: none/);
    expect(configError(() => resolveClientConfig({ apiToken: `a@b!c=${SECRET}` }, {})).message).toMatch(
      /^endpoint: required/,
    );
  });

  it("fails on a password without a username and on half a Telmate token", () => {
    expect(configError(() => resolveClientConfig({ endpoint: "https://x", password: SECRET }, {})).message).toMatch(
      /^username: required/,
    );
    expect(
      configError(() => resolveClientConfig({}, { PM_API_URL: "https://x", PM_API_TOKEN_ID: "a@b!c" })).message,
    ).toBe("PM_API_TOKEN_ID, PM_API_TOKEN_SECRET: set both or neither");
  });

  it("fails on an unreadable insecure flag", () => {
    const err = configError(() =>
      resolveClientConfig({ endpoint: "https://x", apiToken: "a@b!c=d" }, { PROXMOX_VE_INSECURE: "yes" }),
    );
    expect(err.message).toBe('PROXMOX_VE_INSECURE: expected true, false, 1 or 0, got "yes"');
  });

  it("fails on a mistyped explicit field with its path", () => {
    const err = configError(() => resolveClientConfig({ maxConcurrency: 0 } as never, {}));
    expect(err.message).toMatch(/^maxConcurrency: /);
    const pipelined = configError(() => resolveClientConfig({ ipsetWriteConcurrency: 64 } as never, {}));
    expect(pipelined.message).toMatch(/^ipsetWriteConcurrency: /);
  });

  it("never shows a secret when logged", () => {
    const token = resolveClientConfig({ endpoint: "https://x", apiToken: `root@pam!ci=${SECRET}` }, {});
    const password = resolveClientConfig({ endpoint: "https://x", username: "root@pam", password: SECRET }, {});
    for (const c of [token, password]) {
      for (const text of [JSON.stringify(c), inspect(c, { depth: 10 }), String(c), `${JSON.stringify({ c })}`]) {
        expect(text).not.toContain(SECRET);
      }
      expect(JSON.stringify(c)).toContain("[redacted]");
    }
  });
});
