/**
 * What the lockout guard reads from the live cluster, and how it caches it: the lists that decide
 * whether a management packet reaches a node's host input (cluster and node options and rules,
 * cluster aliases, IPSets and security groups), and the facts the simulator cannot read from them
 * (`GET /cluster/status` for the nodes and their addresses, `GET /nodes/{node}/network` for the
 * local network each address is in).
 *
 * @module
 */
import type { FirewallApi } from "../client/firewall";
import type { FwConfig, FwGroup, FwIpSet } from "../fw/types";
import { cleanCidr, parseCidr, parseIp } from "../model/ip";
import { isFlaggedEntry, isNamedAlias, type RuleFields } from "../model/wire";
import type { PolicyConfigs, PolicyNode, PolicyTopology } from "../policy/types";
import { storedRule } from "./apply-rules";
import { referenceOf } from "./preflight";

/**
 * One cluster's lists as read in this provider process, each fetched at most once (one GET per
 * list) until this process writes the config file it comes from: {@link forget} is told about every
 * write, so a list is never served stale after our own write. Node addresses and networks are
 * kept for the whole run (the provider never writes them). A failed read is not kept.
 */
export class LiveLists {
  readonly #cache = new Map<string, Promise<unknown>>();

  /** `read()`'s result under `key`, read on first use. */
  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let hit = this.#cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = read();
      this.#cache.set(key, hit);
      hit.catch(() => {
        if (this.#cache.get(key) === hit) this.#cache.delete(key);
      });
    }
    return hit;
  }

  /**
   * Drops what a write (`method` other than GET, to API `path`) may have changed: anything in
   * `cluster.fw` for `/cluster/firewall/...`, a node's lists for `/nodes/{node}/firewall/...`.
   */
  forget(method: string, path: string): void {
    if (method === "GET") return;
    let prefix: string | undefined;
    if (path.startsWith("/cluster/firewall/")) prefix = "cluster ";
    else {
      const node = /^\/nodes\/([^/]+)\/firewall\//.exec(path)?.[1];
      if (node !== undefined) prefix = `node ${decodeURIComponent(node)} `;
    }
    if (prefix === undefined) return;
    for (const key of [...this.#cache.keys()]) if (key.startsWith(prefix)) this.#cache.delete(key);
  }
}

/** What the guard simulates on: the live configs (host input only, so no guest files) and nodes. */
export interface LiveView {
  readonly configs: PolicyConfigs;
  readonly topology: PolicyTopology;
  /** Facts the guard had to assume, one line each (a node without an address, an unreadable network). */
  readonly notes: readonly string[];
}

/** Group and IPSet names the rules reference (`GROUP x`, `+x`, `+dc/x`). */
function referenced(rules: readonly RuleFields[]): { groups: Set<string>; ipsets: Set<string> } {
  const groups = new Set<string>();
  const ipsets = new Set<string>();
  for (const rule of rules) {
    if (rule.type === "group") groups.add(rule.action.toLowerCase());
    for (const spec of [rule.source, rule.dest]) {
      const ref = spec === undefined ? undefined : referenceOf(spec);
      if (ref?.kind === "ipset" && (ref.prefix === "" || ref.prefix === "dc")) ipsets.add(ref.name.toLowerCase());
    }
  }
  return { groups, ipsets };
}

function textOptions(options: Readonly<Record<string, string | number>>): Record<string, string> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)]));
}

/** The node as the simulator needs it, from its `/cluster/status` address and its interfaces. */
async function nodeOf(lists: LiveLists, api: FirewallApi, name: string, ip: string, notes: string[]) {
  const addr = parseIp(ip)!;
  const host = addr.version === 4 ? 32 : 128;
  try {
    const ifaces = await lists.once(`network ${name}`, () => api.listNodeNetwork(name));
    for (const i of ifaces) {
      for (const text of [i.cidr, i.cidr6]) {
        const c = text === undefined ? undefined : parseCidr(text);
        if (!c || c.prefix === undefined || c.version !== addr.version) continue;
        const shift = BigInt(host - c.prefix);
        if (c.value >> shift !== addr.value >> shift) continue;
        const node: PolicyNode = {
          name,
          ip,
          network: cleanCidr({ ...c, prefix: c.prefix }),
          rings: [ip],
          iface: i.iface,
        };
        return node;
      }
    }
    notes.push(`no interface of node ${name} holds its address ${ip}: its local network is taken to be ${ip} alone`);
  } catch (e) {
    notes.push(
      `could not read the network of node ${name} (${e instanceof Error ? e.message : String(e)}): its local network is taken to be ${ip} alone`,
    );
  }
  return { name, ip, network: `${ip}/${host}`, rings: [ip], iface: "vmbr0" };
}

/**
 * Reads what the simulation of management access needs: every node (`GET /cluster/status`) with
 * its local network (`GET /nodes/{node}/network`), the cluster's options, rules, aliases, IPSet
 * names and security group names, each node's options and rules, and the rules of the groups and
 * the entries of the IPSets that any of those rules or `plannedRules` reference (plus `management`
 * and `blacklist`, which Proxmox uses by name). Other sets and groups are listed without content:
 * nothing on the management path can reach them. One GET per list, through `lists`.
 *
 * @throws the client's errors when a list other than a node's network cannot be read
 */
export async function readLiveView(
  lists: LiveLists,
  api: FirewallApi,
  plannedRules: readonly RuleFields[],
): Promise<LiveView> {
  const notes: string[] = [];
  const status = await lists.once("status", () => api.getClusterStatus());
  const addressed: { name: string; ip: string }[] = [];
  for (const e of status) {
    if (e.type !== "node" || e.name === undefined) continue;
    if (e.ip !== undefined && parseIp(e.ip) !== undefined) addressed.push({ name: e.name, ip: e.ip });
    else notes.push(`node ${e.name} has no address in /cluster/status: it is not checked`);
  }
  const rulesOf = async (key: string, read: () => ReturnType<FirewallApi["listRules"]>) =>
    (await lists.once(key, read)).rules.map(storedRule);
  const [nodes, options, rules, aliases, sets, groups, hosts] = await Promise.all([
    Promise.all(addressed.map((m) => nodeOf(lists, api, m.name, m.ip, notes))),
    lists.once("cluster options", () => api.getOptions({ kind: "cluster" })),
    rulesOf("cluster rules", () => api.listRules({ kind: "cluster" })),
    lists.once("cluster aliases", () => api.listAliases({ kind: "cluster" })),
    lists.once("cluster ipsets", () => api.listIpSets({ kind: "cluster" })),
    lists.once("cluster groups", () => api.listGroups()),
    Promise.all(
      addressed.map(async (m) => {
        const scope = { kind: "node", node: m.name } as const;
        const [o, r] = await Promise.all([
          lists.once(`node ${m.name} options`, () => api.getOptions(scope)),
          rulesOf(`node ${m.name} rules`, () => api.listRules(scope)),
        ]);
        const config: FwConfig = { options: textOptions(o.options), aliases: [], ipsets: [], rules: r, groups: [] };
        return [m.name, { config }] as const;
      }),
    ),
  ]);
  const direct = [...rules, ...hosts.flatMap(([, h]) => h.config.rules), ...plannedRules];
  const wantedGroups = referenced(direct).groups;
  const fwGroups: FwGroup[] = await Promise.all(
    groups.map(async (g) => ({
      name: g.group,
      rules: wantedGroups.has(g.group.toLowerCase())
        ? await rulesOf(`cluster group ${g.group}`, () => api.listRules({ kind: "group", group: g.group }))
        : [],
    })),
  );
  const wantedSets = referenced([...direct, ...fwGroups.flatMap((g) => g.rules)]).ipsets;
  wantedSets.add("management");
  wantedSets.add("blacklist");
  const fwSets: FwIpSet[] = await Promise.all(
    sets.map(async (s) => ({
      name: s.name,
      entries: wantedSets.has(s.name.toLowerCase())
        ? (await lists.once(`cluster ipset ${s.name}`, () => api.listIpSetEntries({ kind: "cluster" }, s.name))).entries
            // Proxmox skips the entries it flags when it compiles the set.
            .filter((e) => !isFlaggedEntry(e))
            .map((e) => ({ cidr: e.cidr, ...(e.nomatch ? { nomatch: 1 as const } : {}) }))
        : [],
    })),
  );
  const cluster: FwConfig = {
    options: textOptions(options.options),
    aliases: aliases.filter(isNamedAlias).map((a) => ({ name: a.name, cidr: a.cidr })),
    ipsets: fwSets,
    rules,
    groups: fwGroups,
  };
  return {
    configs: { cluster: { config: cluster }, hosts: Object.fromEntries(hosts), guests: {} },
    topology: { nodes, guests: [], ...(nodes.length > 1 ? { corosync: { transport: "knet" as const } } : {}) },
    notes,
  };
}
