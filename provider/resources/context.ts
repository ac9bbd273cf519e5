import { z } from "zod";
import { type ClientConfigInput, resolveClientConfig } from "../client/config";
import { FirewallApi } from "../client/firewall";
import { PveHttpClient } from "../client/http";
import { ConfigError } from "../errors";
import type { Issue } from "../model/common";

/** Reads one stack config value (`proxmox:endpoint`); what Pulumi's `ConfigureRequest` offers. */
export type ConfigLookup = (key: string) => unknown;

const boolish = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);
const intish = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

/** One cluster's connection settings, as stack config holds them (all values may be strings). */
const clusterSettingsSchema = z
  .object({
    endpoint: z.string().optional(),
    apiToken: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    insecure: boolish.optional(),
    caCert: z.string().optional(),
    fingerprint: z.string().optional(),
    maxConcurrency: intish.optional(),
    ipsetWriteConcurrency: intish.optional(),
  })
  .strict();

const KEYS = [
  "endpoint",
  "apiToken",
  "username",
  "password",
  "insecure",
  "caCert",
  "fingerprint",
  "maxConcurrency",
  "ipsetWriteConcurrency",
];

function parseJson(key: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new ConfigError(`${key}: expected a JSON object of cluster name to settings`);
  }
}

function settings(key: string, raw: unknown): ClientConfigInput {
  const parsed = clusterSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : issue.path.join(".");
    // Never echo the value: it may be a secret.
    throw new ConfigError(`${key}.${field}: ${issue.code === "unrecognized_keys" ? "unknown setting" : issue.message}`);
  }
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as ClientConfigInput;
}

/**
 * The API clients of one provider instance, one per configured cluster, created on first use.
 *
 * Settings come from stack config (`proxmox:endpoint`, `proxmox:apiToken` (secret), `proxmox:username`,
 * `proxmox:password` (secret), `proxmox:insecure`, `proxmox:caCert`, `proxmox:fingerprint`,
 * `proxmox:maxConcurrency`, `proxmox:ipsetWriteConcurrency`, and `proxmox:clusters`, a map of cluster name to the same settings), and
 * from the environment (`PROXMOX_VE_*`, `PM_*`) for the default cluster. They live only in this
 * process's memory: never in inputs, outputs, state or the serialized provider.
 */
export class ClientPool {
  #defaults: ClientConfigInput = {};
  #clusters: Readonly<Record<string, ClientConfigInput>> | undefined;
  readonly #apis = new Map<string, FirewallApi>();
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(env: Readonly<Record<string, string | undefined>> = process.env) {
    this.#env = env;
  }

  /** Takes the stack config the Pulumi engine passes to `configure`. */
  configure(get: ConfigLookup): void {
    const single: Record<string, unknown> = {};
    for (const k of KEYS) {
      const v = get(`proxmox:${k}`);
      if (v !== undefined && v !== "") single[k] = v;
    }
    this.#defaults = settings("proxmox", single);
    const clusters = get("proxmox:clusters");
    if (clusters === undefined || clusters === "") return;
    const map = parseJson("proxmox:clusters", clusters);
    if (map === null || typeof map !== "object" || Array.isArray(map))
      throw new ConfigError("proxmox:clusters: expected a map of cluster name to settings");
    this.#clusters = Object.fromEntries(
      Object.entries(map).map(([name, s]) => [name, settings(`proxmox:clusters.${name}`, s)]),
    );
  }

  /** An issue when `cluster` names no entry of `proxmox:clusters` (checked before any API call). */
  checkCluster(cluster: unknown): Issue | undefined {
    if (cluster === undefined) return undefined;
    if (typeof cluster !== "string" || cluster === "") return { path: "cluster", reason: "must be a non-empty string" };
    const known = Object.keys(this.#clusters ?? {});
    if (known.includes(cluster)) return undefined;
    return {
      path: "cluster",
      reason: `no entry '${cluster}' in stack config proxmox:clusters (${known.length > 0 ? `known: ${known.join(", ")}` : "it is not set"})`,
    };
  }

  /** The API client of `cluster` (or of the default cluster). */
  api(cluster?: string): FirewallApi {
    const key = cluster ?? "";
    let api = this.#apis.get(key);
    if (!api) {
      const explicit = cluster === undefined ? this.#defaults : this.#clusters?.[cluster];
      if (!explicit) throw new ConfigError(this.checkCluster(cluster)?.reason ?? `unknown cluster '${cluster}'`);
      // Named clusters do not fall back to the environment: each one is configured in full.
      const config = resolveClientConfig(explicit, cluster === undefined ? this.#env : {});
      api = new FirewallApi(new PveHttpClient(config));
      this.#apis.set(key, api);
    }
    return api;
  }
}
