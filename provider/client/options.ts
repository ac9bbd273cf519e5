import { fileKey, type Scope, scopeId } from "../model/scope";
import { type WireOptions, type WireParams, wireOptionsSchema } from "../model/wire";
import type { PveHttpClient } from "./http";
import { assertScopeKind, firewallPath } from "./scope";

/** Options of {@link OptionsApi.setOptions}. */
export interface SetOptionsOptions {
  /** Options to remove (Proxmox applies these before the sent values). */
  readonly delete?: readonly string[];
  /** Options digest from the last read. */
  readonly digest?: string;
}

/** SHA-1 of nothing: the digest Proxmox reports for an options section with no keys. */
const EMPTY_DIGEST = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

/** Firewall options of the cluster, a node, a guest or a VNet (BEHAVIOR.md §7). */
export class OptionsApi {
  readonly #http: PveHttpClient;
  constructor(http: PveHttpClient) {
    this.#http = http;
  }

  /** The options set in the file (Proxmox fills in no defaults) and their digest. */
  async getOptions(scope: Scope): Promise<{ options: WireOptions; digest: string }> {
    assertScopeKind(scope, ["cluster", "node", "vm", "vnet"], "firewall options");
    const data = await this.#http.request("GET", `${firewallPath(scope)}/options`, undefined, {
      subject: `options of ${scopeId(scope)}`,
      schema: wireOptionsSchema,
    });
    const { digest, ...options } = data;
    return { options, digest: typeof digest === "string" ? digest : EMPTY_DIGEST };
  }

  /** Sets the sent options and removes `delete`. */
  async setOptions(scope: Scope, params: WireParams, opts: SetOptionsOptions = {}): Promise<void> {
    assertScopeKind(scope, ["cluster", "node", "vm", "vnet"], "firewall options");
    await this.#http.request(
      "PUT",
      `${firewallPath(scope)}/options`,
      { ...params, delete: opts.delete?.length ? opts.delete : undefined, digest: opts.digest },
      { subject: `options of ${scopeId(scope)}`, lockKey: fileKey(scope) },
    );
  }
}
