/**
 * The route table: every path and method of firewall-api.json bound to its handler, plus the
 * minimal non-firewall endpoints. Paths are matched like Proxmox's RESTHandler: `{cidr}` (the last
 * parameter of ipset entry paths) takes the rest of the path, slashes included.
 */
import type { Handler } from "./context";
import { aliasHandlers, aliasListHandlers } from "./handlers/alias";
import { clusterStatusHandler, nodeNetworkHandler } from "./handlers/cluster";
import { deleteGroupHandler, groupListHandlers } from "./handlers/group";
import { ipSetEntryHandlers, ipSetHandlers, ipSetListHandlers } from "./handlers/ipset";
import {
  guestConfigHandler,
  guestListHandler,
  indexHandler,
  logHandler,
  macrosHandler,
  nodesHandler,
  refsHandler,
  versionHandler,
  vnetsHandler,
} from "./handlers/misc";
import { optionsHandlers } from "./handlers/options";
import { ruleHandlers } from "./handlers/rules";
import { plainError } from "./http-error";
import { type MethodSchema, type ParamSchema, schemaPaths } from "./schema";

/** One method of one route. */
export interface RouteMethod {
  readonly schema: MethodSchema;
  readonly handler: Handler;
}

/** A path template with its matcher and methods. */
export interface Route {
  readonly template: string;
  readonly regex: RegExp;
  readonly paramNames: readonly string[];
  readonly methods: Readonly<Record<string, RouteMethod>>;
}

function compile(template: string): { regex: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{([a-z-]+)\\?\}/g, (_m, name: string) => {
    paramNames.push(name);
    return name === "cidr" ? "(.+)" : "([^/]+)";
  });
  return { regex: new RegExp(`^${source}/?$`), paramNames };
}

/**
 * VNet rules and options first check the VNet exists (Helpers.pm check_vnet_access, a `die` without
 * a newline, so Perl appends the source location; line assumed, see ASSUMPTIONS.md).
 */
function withVnetCheck(template: string, handlers: Record<string, Handler>): Record<string, Handler> {
  if (!template.startsWith("/cluster/sdn/vnets/{vnet}/firewall/")) return handlers;
  const out: Record<string, Handler> = {};
  for (const [method, handler] of Object.entries(handlers)) {
    out[method] = async (ctx, params) => {
      if (!ctx.topology.vnets.some((v) => v.vnet === params.vnet)) {
        throw plainError("invalid vnet specified at /usr/share/perl5/PVE/API2/Firewall/Helpers.pm line 54.");
      }
      return handler(ctx, params);
    };
  }
  return out;
}

function handlersFor(template: string, methods: Readonly<Record<string, MethodSchema>>): Record<string, Handler> {
  return withVnetCheck(template, firewallHandlers(template, methods));
}

function firewallHandlers(template: string, methods: Readonly<Record<string, MethodSchema>>): Record<string, Handler> {
  const last = template.split("/").pop() ?? "";
  if (/\/rules(\/\{pos\})?$/.test(template) || /^\/cluster\/firewall\/groups\/\{group\}\/\{pos\}$/.test(template)) {
    return ruleHandlers(template);
  }
  if (template === "/cluster/firewall/groups/{group}") {
    const rules = ruleHandlers(template);
    return { GET: rules.GET as Handler, POST: rules.POST as Handler, DELETE: deleteGroupHandler() };
  }
  if (template === "/cluster/firewall/groups") return groupListHandlers();
  if (last === "ipset") return ipSetListHandlers(template);
  if (template.endsWith("/ipset/{name}")) return ipSetHandlers(template);
  if (template.endsWith("/ipset/{name}/{cidr}")) return ipSetEntryHandlers(template);
  if (last === "aliases") return aliasListHandlers(template);
  if (template.endsWith("/aliases/{name}")) return aliasHandlers(template);
  if (last === "options" && methods.PUT) return optionsHandlers(template, methods.PUT);
  if (last === "macros") return { GET: macrosHandler };
  if (last === "refs") return { GET: refsHandler(template) };
  if (last === "log") return { GET: logHandler };
  const index = indexHandler(template);
  if (index) return { GET: index };
  throw new Error(`emulator has no handler for ${template}`);
}

const NODE: ParamSchema = { type: "string", format: "pve-node", in: "path" };
/** `type` filter of `GET /nodes/{node}/network` (pve-manager API2/Network.pm). */
const NETWORK_TYPE: ParamSchema = {
  type: "string",
  optional: true,
  enum: [
    "bridge",
    "bond",
    "eth",
    "alias",
    "vlan",
    "fabric",
    "OVSBridge",
    "OVSBond",
    "OVSPort",
    "OVSIntPort",
    "vnet",
    "any_bridge",
    "any_local_bridge",
    "include_sdn",
  ],
};
const VMID: ParamSchema = { type: "integer", format: "pve-vmid", minimum: 100, maximum: 999999999, in: "path" };

/** A non-firewall method; those with a `node` parameter run on that node in Proxmox (`proxyto`). */
function extra(name: string, parameters: Record<string, ParamSchema>): MethodSchema {
  return { name, permissions: "user=all", parameters, ...(parameters.node ? { proxyto: "node" as const } : {}) };
}

/** The non-firewall endpoints, with their parameter schemas. */
function extraRoutes(): { template: string; methods: Record<string, RouteMethod> }[] {
  return [
    { template: "/version", methods: { GET: { schema: extra("version", {}), handler: versionHandler } } },
    { template: "/nodes", methods: { GET: { schema: extra("nodes", {}), handler: nodesHandler } } },
    { template: "/cluster/status", methods: { GET: { schema: extra("status", {}), handler: clusterStatusHandler } } },
    {
      template: "/nodes/{node}/network",
      methods: {
        GET: { schema: extra("network_index", { node: NODE, type: NETWORK_TYPE }), handler: nodeNetworkHandler },
      },
    },
    { template: "/cluster/sdn/vnets", methods: { GET: { schema: extra("vnets", {}), handler: vnetsHandler } } },
    ...(["qemu", "lxc"] as const).flatMap((type) => [
      {
        template: `/nodes/{node}/${type}`,
        methods: { GET: { schema: extra("vmlist", { node: NODE }), handler: guestListHandler(type) } },
      },
      {
        template: `/nodes/{node}/${type}/{vmid}/config`,
        methods: {
          GET: { schema: extra("vm_config", { node: NODE, vmid: VMID }), handler: guestConfigHandler(type) },
        },
      },
    ]),
  ];
}

/** Builds the full route table (call once per emulator). */
export function buildRoutes(): Route[] {
  const routes: Route[] = [];
  for (const entry of schemaPaths()) {
    const handlers = handlersFor(entry.path, entry.methods);
    const methods: Record<string, RouteMethod> = {};
    for (const [method, schema] of Object.entries(entry.methods)) {
      const handler = handlers[method];
      if (!handler) throw new Error(`emulator has no ${method} handler for ${entry.path}`);
      methods[method] = { schema, handler };
    }
    routes.push({ template: entry.path, ...compile(entry.path), methods });
  }
  for (const r of extraRoutes()) routes.push({ template: r.template, ...compile(r.template), methods: r.methods });
  return routes;
}

/** Finds the route of a raw (still percent-encoded) API path; path values are uri-unescaped. */
export function matchRoute(
  routes: readonly Route[],
  rawPath: string,
): { route: Route; pathParams: Record<string, string> } | undefined {
  for (const route of routes) {
    const m = route.regex.exec(rawPath);
    if (!m) continue;
    const pathParams: Record<string, string> = {};
    route.paramNames.forEach((name, i) => {
      pathParams[name] = safeDecode(m[i + 1] ?? "");
    });
    return { route, pathParams };
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
