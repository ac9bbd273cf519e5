/**
 * Reads a {@link FwSnapshot} through the Proxmox API: the inventory (nodes, guests, VNets) and every
 * firewall list of the chosen scope, with the provider's HTTP client (same endpoint, credentials,
 * TLS and retry settings). Proxmox returns what it could not parse too (the nameless alias, IPSet
 * entries flagged with `errors`, possibly without `cidr`, BEHAVIOR.md §11): the client decodes
 * them apart, and they are carried over as Proxmox holds them, each with a warning.
 *
 * @module
 */
import { FirewallApi } from "../client/firewall";
import type { PveHttpClient } from "../client/http";
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

/** Options of {@link readLiveSnapshot}. */
export interface LiveReadOptions {
  /** Also read each guest's config for its name and NIC lines (for an export's topology). @default false */
  readonly guestConfigs?: boolean;
}

/**
 * Reads the firewall of `scope`. `all` enumerates nodes (`GET /nodes`), their guests
 * (`GET /nodes/{node}/qemu`, `.../lxc`) and VNets (`GET /cluster/sdn/vnets`); a single scope reads
 * just that scope.
 *
 * @returns the snapshot, and a warning per rule Proxmox flags with `errors`, per nameless alias and
 *   per flagged IPSet entry (their file named, their line unknown through the API)
 * @throws the client's errors (AuthError, NetworkError, ApiError, ...) when a read fails
 */
export async function readLiveSnapshot(
  http: PveHttpClient,
  scope: SnapshotScope,
  options: LiveReadOptions = {},
): Promise<{ snapshot: FwSnapshot; warnings: SnapshotWarning[] }> {
  const api = new FirewallApi(http);
  const warnings: SnapshotWarning[] = [];
  const reader = new ScopeReader(api, warnings);
  const cluster = includesCluster(scope) ? await reader.read(CLUSTER) : undefined;
  const inventory = await inventoryOf(api, scope);
  const nodes: NodeFw[] = await Promise.all(
    inventory.nodes.map(async (node) => ({ node, config: await reader.read({ kind: "node", node }) })),
  );
  const guests: GuestFw[] = await Promise.all(
    inventory.guests.map(async (g) => {
      const guestScope: Scope = { kind: "vm", node: g.node, vmid: g.vmid, guestType: g.guestType };
      const config = await reader.read(guestScope);
      const extra = options.guestConfigs ? await guestDetails(api, g) : {};
      return { ...g, ...extra, config };
    }),
  );
  const vnets: VnetFw[] = await Promise.all(
    inventory.vnets.map(async (v) => ({ ...v, config: await reader.read({ kind: "vnet", vnet: v.vnet }) })),
  );
  return { snapshot: { cluster, nodes, guests, vnets }, warnings };
}

type GuestRef = { node: string; vmid: number; guestType: "qemu" | "lxc"; name?: string };

async function inventoryOf(
  api: FirewallApi,
  scope: SnapshotScope,
): Promise<{ nodes: string[]; guests: GuestRef[]; vnets: { vnet: string; zone?: string }[] }> {
  switch (scope.kind) {
    case "cluster":
      return { nodes: [], guests: [], vnets: [] };
    case "node":
      return { nodes: [scope.node], guests: [], vnets: [] };
    case "vm":
      return { nodes: [], guests: [{ node: scope.node, vmid: scope.vmid, guestType: scope.guestType }], vnets: [] };
    case "vnet": {
      const zone = (await api.listVnets()).find((v) => v.vnet === scope.vnet)?.zone;
      return { nodes: [], guests: [], vnets: [{ vnet: scope.vnet, ...(zone === undefined ? {} : { zone }) }] };
    }
    case "all": {
      const nodes = (await api.listNodes()).map((n) => n.node);
      const perNode = await Promise.all(
        nodes.flatMap((node) =>
          (["qemu", "lxc"] as const).map(async (guestType) =>
            (await api.listGuests(node, guestType)).map((g) => ({
              node,
              vmid: g.vmid,
              guestType,
              ...(g.name === undefined ? {} : { name: g.name }),
            })),
          ),
        ),
      );
      const vnets = (await api.listVnets()).map((v) => ({ vnet: v.vnet, ...(v.zone ? { zone: v.zone } : {}) }));
      return { nodes, guests: perNode.flat(), vnets };
    }
  }
}

async function guestDetails(api: FirewallApi, g: GuestRef): Promise<{ name?: string; nics?: Record<string, string> }> {
  const config = await api.getGuestConfig(g.node, g.guestType, g.vmid);
  const nics: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) if (/^net\d+$/.test(key)) nics[key] = String(value);
  const name = config[g.guestType === "lxc" ? "hostname" : "name"];
  return { ...(name === undefined ? {} : { name: String(name) }), ...(Object.keys(nics).length > 0 ? { nics } : {}) };
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
