/**
 * The one reader of a live endpoint: every firewall list of a scope through the Proxmox API, with
 * the provider's HTTP client (same endpoint, credentials, TLS and retry settings). `import` and
 * `export` read a {@link FwSnapshot} of a chosen scope ({@link readLiveSnapshot}); `simulate` and
 * `lint` read the whole cluster's configs and topology ({@link readLivePolicy}) from the same
 * per-scope reads. Proxmox returns what it could not parse too (the nameless alias, IPSet entries
 * flagged with `errors`, possibly without `cidr`, BEHAVIOR.md §11): the client decodes them apart,
 * and they are carried over as Proxmox holds them, each with a warning.
 *
 * @module
 */
import { resolveClientConfig } from "../client/config";
import { FirewallApi } from "../client/firewall";
import { PveHttpClient } from "../client/http";
import type { FwSnapshot, GuestFw, NodeFw, SnapshotScope, SnapshotWarning, VnetFw } from "../codegen/snapshot";
import { aliasSubject, entrySubject, includesCluster, ruleSubject } from "../codegen/snapshot";
import { fwFileFor } from "../fw/path";
import type { FwConfig, FwGroup, FwIpSet, FwIpSetEntry } from "../fw/types";
import { CLUSTER, type Scope, scopeId } from "../model/scope";
import {
  isFlaggedEntry,
  isNamedAlias,
  RULE_FIELD_NAMES,
  type RuleFields,
  type WireIpSetEntryItem,
  type WireRule,
} from "../model/wire";
import { readTopology } from "../policy/topology";
import type { ConfigFile, PolicyConfigs, PolicyTopology } from "../policy/types";
import { addressedNodes, guestDetails, listGuests, liveInventory } from "./live-inventory";

/** The environment the client settings come from (`process.env`, or a test's). */
export type LiveEnv = Readonly<Record<string, string | undefined>>;

/**
 * Runs `read` with an HTTP client configured as the provider configures it from `env`
 * (`PROXMOX_VE_ENDPOINT`, `PROXMOX_VE_API_TOKEN` or `PROXMOX_VE_USERNAME` and `PROXMOX_VE_PASSWORD`,
 * `PROXMOX_VE_INSECURE`, `PROXMOX_VE_CA_CERT`, `PROXMOX_VE_FINGERPRINT`, and their `PM_*`
 * fallbacks), and closes the client once `read` has settled.
 *
 * @throws ConfigError when the settings are missing or malformed; whatever `read` throws
 */
export async function withLiveClient<T>(
  env: LiveEnv,
  read: (http: PveHttpClient, endpoint: string) => Promise<T>,
): Promise<T> {
  const config = resolveClientConfig({}, env);
  const http = new PveHttpClient(config);
  try {
    return await read(http, config.endpoint);
  } finally {
    await http.close();
  }
}

/** Options of {@link readLiveSnapshot}. */
export interface LiveReadOptions {
  /**
   * Also read each node's address, network and interface (`/cluster/status`, `/nodes/{node}/network`)
   * and each guest's config for its name and NIC lines: what an export's topology holds.
   *
   * @default false
   */
  readonly topologyDetails?: boolean;
}

/**
 * Reads the firewall of `scope` for `import` and `export`. `all` enumerates nodes (`GET /nodes`),
 * their guests (`GET /nodes/{node}/qemu`, `.../lxc`) and VNets (`GET /cluster/sdn/vnets`); a single
 * scope reads just that scope, once the same lists show the cluster has it ({@link liveInventory}).
 *
 * @returns the snapshot, and a warning per rule Proxmox flags with `errors`, per nameless alias and
 *   per flagged IPSet entry (their file named, their line unknown through the API)
 * @throws Error naming the scope when the cluster has no such node, guest or VNet (or the guest is
 *   elsewhere); the client's errors (AuthError, NetworkError, ApiError, ...) when a read fails
 */
export async function readLiveSnapshot(
  http: PveHttpClient,
  scope: SnapshotScope,
  options: LiveReadOptions = {},
): Promise<{ snapshot: FwSnapshot; warnings: SnapshotWarning[] }> {
  const api = new FirewallApi(http);
  const warnings: SnapshotWarning[] = [];
  const reader = new ScopeReader(api, warnings);
  const inventory = await liveInventory(api, scope, options.topologyDetails === true);
  const cluster = includesCluster(scope) ? await reader.read(CLUSTER) : undefined;
  const nodes: NodeFw[] = await Promise.all(
    inventory.nodes.map(async (n) => ({ ...n, config: await reader.read({ kind: "node", node: n.node }) })),
  );
  const guests: GuestFw[] = await Promise.all(
    inventory.guests.map(async (g) => {
      const guestScope: Scope = { kind: "vm", node: g.node, vmid: g.vmid, guestType: g.guestType };
      const config = await reader.read(guestScope);
      const extra = options.topologyDetails ? await guestDetails(api, g) : {};
      return { ...g, ...extra, config };
    }),
  );
  const vnets: VnetFw[] = await Promise.all(
    inventory.vnets.map(async (v) => ({ ...v, config: await reader.read({ kind: "vnet", vnet: v.vnet }) })),
  );
  return { snapshot: { cluster, nodes, guests, vnets }, warnings };
}

/**
 * Reads configs and topology for `simulate` and `lint`: `/cluster/status` and `/nodes/{node}/network`
 * for node addresses and local networks, guest lists and configs for NICs, and every firewall
 * list of the cluster, of each node and of each guest (as {@link readLiveSnapshot} reads them).
 * Rings default to each node's address. A nameless alias and an alias without `cidr` are left out
 * (no rule can name them); an IPSet entry without `cidr` is kept with an empty one, which the policy
 * engine skips as Proxmox's compiler does. A guest whose firewall lists are all empty has no file.
 *
 * @throws the client's errors (AuthError, NetworkError, ApiError, ...) when a read fails
 */
export async function readLivePolicy(
  http: PveHttpClient,
): Promise<{ configs: PolicyConfigs; topology: PolicyTopology }> {
  const api = new FirewallApi(http);
  const nodes = await addressedNodes(api);
  const names = nodes.map((n) => n.name);
  const guests = await Promise.all(
    (await listGuests(api, names)).map(async (g) => ({
      vmid: g.vmid,
      type: g.guestType,
      node: g.node,
      nics: (await guestDetails(api, g)).nics ?? {},
    })),
  );
  const topology = readTopology({ nodes, guests });
  // No warnings kept: the policy engine checks every rule and entry itself (and lint reports them).
  const reader = new ScopeReader(api, []);
  const cluster = policyFile(await reader.read(CLUSTER), CLUSTER);
  const hosts: Record<string, ConfigFile> = {};
  for (const n of nodes) {
    const scope: Scope = { kind: "node", node: n.name };
    hosts[n.name] = policyFile(await reader.read(scope), scope);
  }
  const guestFiles: Record<string, ConfigFile> = {};
  for (const g of guests) {
    const scope: Scope = { kind: "vm", node: g.node, vmid: g.vmid, guestType: g.type };
    const file = policyFile(await reader.read(scope), scope);
    const c = file.config;
    if (Object.keys(c.options).length + c.rules.length + c.aliases.length + c.ipsets.length > 0) {
      guestFiles[String(g.vmid)] = file;
    }
  }
  return { configs: { cluster, hosts, guests: guestFiles }, topology };
}

/**
 * A scope's config as the policy engine takes it from the API: options and rules as read, named
 * aliases with a cidr, IPSets with their comment and their entries' `cidr` and `nomatch`, groups
 * with their rules (comments and Proxmox's `errors` left out: the engine checks entries itself).
 */
function policyFile(config: FwConfig, scope: Scope): ConfigFile {
  return {
    config: {
      options: config.options,
      rules: config.rules,
      aliases: config.aliases.flatMap((a) => (a.name && a.cidr ? [{ name: a.name, cidr: a.cidr }] : [])),
      ipsets: config.ipsets.map((s) => ({
        name: s.name,
        ...(s.comment ? { comment: s.comment } : {}),
        entries: s.entries.map((e) => ({ cidr: e.cidr, ...(e.nomatch === 1 ? { nomatch: 1 as const } : {}) })),
      })),
      groups: config.groups.map((g) => ({ name: g.name, rules: g.rules })),
    },
    file: scopeLabel(scope),
  };
}

function scopeLabel(scope: Scope): string {
  switch (scope.kind) {
    case "cluster":
      return "api:cluster";
    case "node":
      return `api:node/${scope.node}`;
    case "vm":
      return `api:${scope.guestType}/${scope.node}/${scope.vmid}`;
    default:
      return `api:${scope.kind}`;
  }
}

/** Reads the config of one scope as Proxmox's parser holds it. */
class ScopeReader {
  constructor(
    readonly api: FirewallApi,
    readonly warnings: SnapshotWarning[],
  ) {}

  async read(scope: Scope): Promise<FwConfig> {
    const file = fwFileFor(scope).path;
    const withSets = scope.kind === "cluster" || scope.kind === "vm";
    const [options, rules, aliases, ipsets, groups] = await Promise.all([
      this.api
        .getOptions(scope)
        .then((o) => Object.fromEntries(Object.entries(o.options).map(([k, v]) => [k, String(v)]))),
      this.rules(scope, file, scopeId(scope)),
      withSets ? this.aliases(scope, file) : [],
      withSets ? this.ipSets(scope, file) : [],
      scope.kind === "cluster" ? this.groups(file) : [],
    ]);
    return { options, rules, aliases, ipsets, groups };
  }

  async rules(scope: Scope, file: string, where: string): Promise<RuleFields[]> {
    const { rules } = await this.api.listRules(scope);
    return rules.map((rule, i) => {
      for (const [field, error] of Object.entries(rule.errors ?? {}))
        this.warnings.push({
          file,
          message: `${where} rules[${i}].${field}: ${error} (Proxmox skips this rule)`,
          subject: ruleSubject(scope, i),
        });
      return ruleFields(rule);
    });
  }

  async aliases(scope: Scope, file: string): Promise<FwConfig["aliases"]> {
    const items = await this.api.listAliases(scope);
    return items.map((a) => {
      if (!isNamedAlias(a)) {
        this.warnings.push({
          file,
          message: "Proxmox lists a nameless alias: an [ALIASES] line it could not parse",
          subject: aliasSubject(""),
        });
        return { name: "", cidr: "" };
      }
      return { name: a.name, cidr: a.cidr, ...(a.comment === undefined ? {} : { comment: a.comment }) };
    });
  }

  async ipSets(scope: Scope, file: string): Promise<FwIpSet[]> {
    const sets = await this.api.listIpSets(scope);
    return Promise.all(
      sets.map(async (s) => {
        const { entries: items } = await this.api.listIpSetEntries(scope, s.name);
        const entries = items.map((e, i) => entryFields(e, s.name, i, file, this.warnings));
        return { name: s.name, ...(s.comment === undefined ? {} : { comment: s.comment }), entries };
      }),
    );
  }

  async groups(file: string): Promise<FwGroup[]> {
    const groups = await this.api.listGroups();
    return Promise.all(
      groups.map(async (g) => ({
        name: g.group,
        ...(g.comment === undefined ? {} : { comment: g.comment }),
        rules: await this.rules({ kind: "group", group: g.group }, file, `group '${g.group}'`),
      })),
    );
  }
}

function entryFields(
  e: WireIpSetEntryItem,
  set: string,
  index: number,
  file: string,
  warnings: SnapshotWarning[],
): FwIpSetEntry {
  const entry: FwIpSetEntry = { cidr: e.cidr ?? "" };
  if (e.nomatch !== undefined && Number(e.nomatch) >= 1) entry.nomatch = 1;
  if (e.comment !== undefined) entry.comment = e.comment;
  if (isFlaggedEntry(e)) {
    const error = e.errors["cidr"] ?? Object.values(e.errors).join("; ");
    entry.errors = { cidr: error };
    const what = entry.cidr === "" ? "an entry without cidr" : `entry '${entry.cidr}'`;
    warnings.push({
      file,
      message: `ipset '${set}': ${what}: ${error.trimEnd()} (Proxmox flags it and skips it)`,
      subject: entrySubject(set, index),
    });
  }
  return entry;
}

/** The stored fields of a listed rule (no `pos`, `digest`, `ipversion` or `errors`). */
function ruleFields(rule: WireRule): RuleFields {
  const out: Record<string, unknown> = {};
  for (const key of RULE_FIELD_NAMES) if (rule[key] !== undefined) out[key] = rule[key];
  return out as RuleFields;
}
