import { z } from "zod";
import type { CallObserver } from "../client/call-log";
import { type ClientConfigInput, resolveClientConfig } from "../client/config";
import { FirewallApi } from "../client/firewall";
import { PveHttpClient } from "../client/http";
import { ConfigError } from "../errors";
import type { Issue } from "../model/common";
import { MANAGEMENT_SOURCES_ENV, parseManagementSources } from "./management-sources";

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
    managementSources: z.unknown().optional(),
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

/** One cluster's settings: the client's, and the lockout guard's management sources. */
interface ClusterSettings {
  readonly client: ClientConfigInput;
  readonly managementSources: string[] | undefined;
}

function settings(key: string, raw: unknown): ClusterSettings {
  const parsed = clusterSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : issue.path.join(".");
    // Never echo the value: it may be a secret.
    throw new ConfigError(`${key}.${field}: ${issue.code === "unrecognized_keys" ? "unknown setting" : issue.message}`);
  }
  const { managementSources, ...client } = parsed.data;
  return {
    client: Object.fromEntries(Object.entries(client).filter(([, v]) => v !== undefined)) as ClientConfigInput,
    managementSources: parseManagementSources(
      key === "proxmox" ? "proxmox:managementSources" : `${key}.managementSources`,
      managementSources,
    ),
  };
}

/**
 * The API clients of one provider instance, one per configured cluster, created on first use.
 *
 * Settings come from stack config (`proxmox:endpoint`, `proxmox:apiToken` (secret), `proxmox:username`,
 * `proxmox:password` (secret), `proxmox:insecure`, `proxmox:caCert`, `proxmox:fingerprint`,
 * `proxmox:maxConcurrency`, `proxmox:ipsetWriteConcurrency`, `proxmox:managementSources`, and
 * `proxmox:clusters`, a map of cluster name to the same settings), and from the environment
 * (`PROXMOX_VE_*`, `PM_*`) for the default cluster. They live only in this process's memory: never
 * in inputs, outputs, state or the serialized provider.
 */
export class ClientPool {
  #defaults: ClusterSettings = { client: {}, managementSources: undefined };
  #clusters: Readonly<Record<string, ClusterSettings>> | undefined;
  readonly #apis = new Map<string, FirewallApi>();
  readonly #env: Readonly<Record<string, string | undefined>>;
  #envSources: string[] | undefined;
  readonly #observe: ((cluster: string, ...call: Parameters<CallObserver>) => void) | undefined;

  /**
   * @param env - where the default cluster's settings fall back to @default process.env
   * @param observe - told about every API exchange of every client, with the cluster's name (`""` for
   *   the default cluster) @default none
   */
  constructor(
    env: Readonly<Record<string, string | undefined>> = process.env,
    observe?: (cluster: string, ...call: Parameters<CallObserver>) => void,
  ) {
    this.#env = env;
    this.#observe = observe;
  }

  /** Takes the stack config the Pulumi engine passes to `configure`. */
  configure(get: ConfigLookup): void {
    const single: Record<string, unknown> = {};
    for (const k of [...KEYS, "managementSources"]) {
      const v = get(`proxmox:${k}`);
      if (v !== undefined && v !== "") single[k] = v;
    }
    this.#defaults = settings("proxmox", single);
    this.#envSources = parseManagementSources(MANAGEMENT_SOURCES_ENV, this.#env[MANAGEMENT_SOURCES_ENV]);
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

  /**
   * The management sources configured for `cluster` (or the default cluster): its own
   * `managementSources`, else `proxmox:managementSources`, else (for the default cluster)
   * `PROXMOX_VE_MANAGEMENT_SOURCES` (they describe the operators, not the cluster, so a named
   * cluster falls back to them too); `undefined` when none is set.
   */
  managementSources(cluster?: string): string[] | undefined {
    const own = cluster === undefined ? undefined : this.#clusters?.[cluster]?.managementSources;
    return own ?? this.#defaults.managementSources ?? this.#envSources;
  }

  /** The API client of `cluster` (or of the default cluster). */
  api(cluster?: string): FirewallApi {
    const key = cluster ?? "";
    let api = this.#apis.get(key);
    if (!api) {
      const explicit = cluster === undefined ? this.#defaults : this.#clusters?.[cluster];
      if (!explicit) throw new ConfigError(this.checkCluster(cluster)?.reason ?? `unknown cluster '${cluster}'`);
      // Named clusters do not fall back to the environment: each one is configured in full.
      const config = resolveClientConfig(explicit.client, cluster === undefined ? this.#env : {});
      const observe = this.#observe;
      api = new FirewallApi(new PveHttpClient(config, observe ? { onCall: (call) => observe(key, call) } : {}));
      this.#apis.set(key, api);
    }
    return api;
  }
}
