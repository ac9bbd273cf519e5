/**
 * Where `simulate` and `lint` get their input besides a data directory (read by `data-dir.ts`, as
 * for `import`): a topology file, or a live endpoint read through the API client (credentials from
 * the same environment as the provider: `PROXMOX_VE_*` / `PM_*`).
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { resolveClientConfig } from "../client/config";
import { pathSegment } from "../client/encode";
import { FirewallApi } from "../client/firewall";
import { PveHttpClient } from "../client/http";
import { firewallPath } from "../client/scope";
import type { FwConfig } from "../fw/types";
import { cleanCidr, parseCidr } from "../model/ip";
import type { Scope } from "../model/scope";
import { readTopology } from "../policy/topology";
import type { ConfigFile, PolicyConfigs, PolicyTopology } from "../policy/types";

/**
 * Reads a topology file (the emulator's format, nodes as names or `{ name, ip, network, rings }`).
 *
 * @throws Error naming the file and the problem
 */
export async function readTopologyFile(path: string): Promise<PolicyTopology> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new Error(`topology file '${path}': ${(err as Error).message}`);
  }
  try {
    return readTopology(json);
  } catch (err) {
    throw new Error(`topology file '${path}': ${(err as Error).message}`);
  }
}

const statusSchema = z.array(
  z.looseObject({ type: z.string(), name: z.string().optional(), ip: z.string().optional() }),
);
/** Aliases and entries decoded leniently: Proxmox also lists what it could not parse (BEHAVIOR.md §11). */
const aliasesSchema = z.array(z.looseObject({ name: z.string().optional(), cidr: z.string().optional() }));
const entriesSchema = z.array(
  z.looseObject({ cidr: z.string().optional(), nomatch: z.union([z.number(), z.boolean(), z.string()]).optional() }),
);
const networkSchema = z.array(
  z.looseObject({ iface: z.string(), cidr: z.string().optional(), cidr6: z.string().optional() }),
);

/**
 * Reads configs and topology from a live endpoint: `/cluster/status` and `/nodes/{node}/network`
 * for node addresses and local networks, guest lists and configs for NICs, and every firewall
 * list (one GET each). Rings default to each node's address.
 *
 * @throws ConfigError when the endpoint or credentials are missing, or the client's errors
 */
export async function readLive(env: Readonly<Record<string, string | undefined>> = process.env): Promise<{
  configs: PolicyConfigs;
  topology: PolicyTopology;
}> {
  const http = new PveHttpClient(resolveClientConfig({}, env));
  try {
    const api = new FirewallApi(http);
    const status = await http.request("GET", "/cluster/status", undefined, {
      subject: "cluster status",
      schema: statusSchema,
    });
    const nodes = await Promise.all(
      status
        .filter((e) => e.type === "node" && e.name !== undefined && e.ip !== undefined)
        .map(async (e) => {
          const ifaces = await http.request("GET", `/nodes/${pathSegment(e.name!)}/network`, undefined, {
            subject: `network of node/${e.name}`,
            schema: networkSchema,
          });
          const ip = parseCidr(e.ip!);
          const holder = ifaces.find((i) => {
            const c = parseCidr(i.cidr ?? i.cidr6 ?? "");
            return c?.prefix !== undefined && ip && c.version === ip.version && sameNet(c, ip, c.prefix);
          });
          const cidr = holder ? parseCidr(holder.cidr ?? holder.cidr6 ?? "") : undefined;
          return {
            name: e.name!,
            ip: e.ip!,
            ...(cidr?.prefix !== undefined ? { network: cleanCidr({ ...cidr, prefix: cidr.prefix }) } : {}),
            ...(holder ? { iface: holder.iface } : {}),
          };
        }),
    );
    const guests = (
      await Promise.all(
        nodes.flatMap((n) =>
          (["qemu", "lxc"] as const).map(async (type) => {
            const listed = await api.listGuests(n.name, type);
            return Promise.all(
              listed.map(async (g) => {
                const config = await api.getGuestConfig(n.name, type, Number(g.vmid));
                const nics = Object.fromEntries(
                  Object.entries(config)
                    .filter(([k]) => /^net\d+$/.test(k))
                    .map(([k, v]) => [k, String(v)]),
                );
                return { vmid: Number(g.vmid), type, node: n.name, nics };
              }),
            );
          }),
        ),
      )
    ).flat();
    const topology = readTopology({ nodes, guests });
    const cluster = await readScope(http, api, { kind: "cluster" }, true);
    const hosts: Record<string, ConfigFile> = {};
    for (const n of nodes) hosts[n.name] = await readScope(http, api, { kind: "node", node: n.name }, false);
    const guestFiles: Record<string, ConfigFile> = {};
    for (const g of guests) {
      const file = await readScope(http, api, { kind: "vm", node: g.node, vmid: g.vmid, guestType: g.type }, true);
      const c = file.config;
      if (Object.keys(c.options).length + c.rules.length + c.aliases.length + c.ipsets.length > 0) {
        guestFiles[String(g.vmid)] = file;
      }
    }
    return { configs: { cluster, hosts, guests: guestFiles }, topology };
  } finally {
    await http.close();
  }
}

function sameNet(a: { value: bigint; version: 4 | 6 }, b: { value: bigint }, prefix: number): boolean {
  const bits = BigInt((a.version === 4 ? 32 : 128) - prefix);
  return a.value >> bits === b.value >> bits;
}

/**
 * One scope's firewall config through the API, as the `.fw` codec would hold it. A nameless alias
 * is left out (no rule can name it); an entry without `cidr` is kept with an empty one, which the
 * policy engine skips as Proxmox's compiler does.
 */
async function readScope(http: PveHttpClient, api: FirewallApi, scope: Scope, objects: boolean): Promise<ConfigFile> {
  const [{ options }, { rules }] = await Promise.all([api.getOptions(scope), api.listRules(scope)]);
  const base = firewallPath(scope);
  const aliases = objects
    ? await http.request("GET", `${base}/aliases`, undefined, { subject: `aliases of ${base}`, schema: aliasesSchema })
    : [];
  const config: FwConfig = {
    options: Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)])),
    rules: rules.map(({ pos: _p, digest: _d, ipversion: _i, errors: _e, ...fields }) => fields),
    aliases: aliases.flatMap((a) => (a.name && a.cidr ? [{ name: a.name, cidr: a.cidr }] : [])),
    ipsets: objects
      ? await Promise.all(
          (await api.listIpSets(scope)).map(async (s) => ({
            name: s.name,
            ...(s.comment ? { comment: s.comment } : {}),
            entries: (
              await http.request("GET", `${base}/ipset/${pathSegment(s.name)}`, undefined, {
                subject: `ipset ${s.name} of ${base}`,
                schema: entriesSchema,
              })
            ).map((e) => ({
              cidr: e.cidr ?? "",
              ...(e.nomatch === 1 || e.nomatch === true || e.nomatch === "1" ? { nomatch: 1 as const } : {}),
            })),
          })),
        )
      : [],
    groups:
      scope.kind === "cluster"
        ? await Promise.all(
            (await api.listGroups()).map(async (g) => ({
              name: g.group,
              rules: (await api.listRules({ kind: "group", group: g.group })).rules.map(
                ({ pos: _p, digest: _d, ipversion: _i, errors: _e, ...fields }) => fields,
              ),
            })),
          )
        : [],
  };
  return { config, file: scopeLabel(scope) };
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
