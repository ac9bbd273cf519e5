/**
 * TLS end to end: the emulator over HTTPS with its generated certificate (signed by its own cluster
 * CA, as a Proxmox node's), and the provider as users run it: Pulumi's dynamic-provider host,
 * configured through stack config (endpoint, API token, `proxmox:caCert`) and its environment
 * (`PROXMOX_VE_FINGERPRINT`). Without trust settings the certificate is refused; pinned by its
 * SHA-256 fingerprint, or trusted through the CA bundle, it is accepted; a wrong pin is refused. A
 * refused connection sends no request (fail closed). Unit coverage: tests/unit/client/tls.test.ts.
 */
import { type EmulatorHandle, startEmulator } from "../../emulator/index";
import { secret } from "../../provider/runner/props";
import { serializeProvider, startProviderHost } from "../../provider/runner/provider-host";
import { providerShim } from "../../sdk/shim";
import { urnOf } from "../e2e/harness";
import { registration } from "./host-up";

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

/** A pin of another certificate: the emulator's own with its first byte changed. */
function wrongPin(): string {
  const pin = emu.fingerprint ?? "";
  return `${pin.startsWith("00") ? "11" : "00"}${pin.slice(2)}`;
}

/**
 * Creates, reads back and deletes an alias through a host configured with `trust` (stack config on
 * top of the endpoint and the API token) and started with `env`; returns what happened and how many
 * requests reached the API.
 */
async function aliasThroughHost(
  trust: Record<string, string>,
  env: Record<string, string> = {},
): Promise<{ outcome: string; requests: number }> {
  const token = emu.tokens[0]!;
  const host = await startProviderHost({ project: "test", stack: "dev", env });
  const before = emu.calls.total();
  try {
    await host.configure({
      "proxmox:endpoint": emu.endpoint,
      "proxmox:apiToken": secret(`${token.id}=${token.secret}`),
      ...trust,
    });
    const urn = urnOf("Alias", "office");
    const office = { kind: "Alias", name: "office", args: { name: "office", cidr: "192.0.2.1" } } as const;
    const news = await registration((kind) => serializeProvider(providerShim(kind)), office);
    const checked = await host.check(urn, {}, news);
    const created = await host.create(urn, checked.inputs);
    const read = await host.read(created.id, urn, created.props, checked.inputs);
    await host.delete(created.id, urn, created.props);
    return { outcome: `created ${read.id} (${String(read.props["cidr"])})`, requests: emu.calls.total() - before };
  } catch (e) {
    return { outcome: (e as Error).message, requests: emu.calls.total() - before };
  } finally {
    await host.close();
  }
}

describe("TLS through the dynamic-provider host", () => {
  it("refuses the emulator's certificate without trust settings, sending nothing", async () => {
    expect(await aliasThroughHost({})).toEqual({
      outcome:
        "create: aliases of cluster: TLS certificate not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE); set caCert to the Proxmox CA, pin its fingerprint, or set insecure",
      requests: 0,
    });
  });

  it("accepts it pinned by its SHA-256 fingerprint, as Proxmox shows it", async () => {
    expect(await aliasThroughHost({}, { PROXMOX_VE_FINGERPRINT: emu.fingerprint ?? "" })).toEqual({
      outcome: "created cluster/alias/office (192.0.2.1)",
      requests: expect.any(Number),
    });
  });

  it("refuses it under a wrong pin, naming both fingerprints, sending nothing", async () => {
    const wrong = wrongPin();
    expect(await aliasThroughHost({}, { PROXMOX_VE_FINGERPRINT: wrong })).toEqual({
      outcome: `create: aliases of cluster: TLS certificate fingerprint ${emu.fingerprint} does not match the pinned fingerprint ${wrong}; check fingerprint (PROXMOX_VE_FINGERPRINT)`,
      requests: 0,
    });
  });

  it("accepts it through the CA bundle that signed it", async () => {
    expect(await aliasThroughHost({ "proxmox:caCert": emu.caCert ?? "" })).toEqual({
      outcome: "created cluster/alias/office (192.0.2.1)",
      requests: expect.any(Number),
    });
  });
});
