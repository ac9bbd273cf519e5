/**
 * Alias endpoints of the cluster and guest scopes (Aliases.pm): case-insensitive keys with the
 * display case kept, `cidr` required on PUT, the comment rebuilt from the request, renames that
 * do not touch references, and deleting a missing alias succeeding silently. The nameless alias
 * Proxmox keeps for an unparseable line (BEHAVIOR.md §11) is listed first, with only the digest.
 */
import type { AliasFields } from "../../provider/model/wire";
import { compact, digestOf, fileRefFor, type Handler, type Params, truthy, writeLocked } from "../context";
import { assertIfModified, paramError } from "../http-error";
import { ipVersionOf, stripHostPrefix } from "../net";
import type { ConfigData } from "../store";

function sorted(config: ConfigData): AliasFields[] {
  const key = (a: AliasFields) => a.name.toLowerCase();
  return [...config.aliases].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The alias as the API returns it; the nameless alias is Perl's empty hash (no keys at all). */
function wire(a: AliasFields): Record<string, unknown> {
  if (a.name === "") return {};
  const cidr = stripHostPrefix(a.cidr);
  return compact({ name: a.name, cidr, comment: a.comment, ipversion: ipVersionOf(cidr) });
}

function aliasesDigest(config: ConfigData): string {
  return digestOf(sorted(config).map(wire));
}

function find(config: ConfigData, name: string | undefined): AliasFields | undefined {
  const key = (name ?? "").toLowerCase();
  return config.aliases.find((a) => a.name.toLowerCase() === key);
}

function build(name: string, params: Params): AliasFields {
  return { name, cidr: params.cidr ?? "", ...(truthy(params.comment) ? { comment: params.comment } : {}) };
}

/** Handlers of `.../aliases` (list, create). */
export function aliasListHandlers(template: string): Record<string, Handler> {
  return {
    GET: async (ctx, params) => {
      const { config } = await ctx.store.load(fileRefFor(template, params));
      const digest = aliasesDigest(config);
      return sorted(config).map((a) => ({ ...wire(a), digest }));
    },
    POST: async (ctx, params) => {
      await writeLocked(ctx, fileRefFor(template, params), (config) => {
        const name = params.name ?? "";
        if (find(config, name)) throw paramError({ name: `alias '${name}' already exists` });
        config.aliases.push(build(name, params));
      });
      return null;
    },
  };
}

/** Handlers of `.../aliases/{name}` (read, update/rename, delete). */
export function aliasHandlers(template: string): Record<string, Handler> {
  return {
    GET: async (ctx, params) => {
      const { config } = await ctx.store.load(fileRefFor(template, params));
      const alias = find(config, params.name);
      if (!alias) throw paramError({ name: "no such alias" });
      return wire(alias);
    },
    PUT: async (ctx, params) => {
      await writeLocked(ctx, fileRefFor(template, params), (config) => {
        assertIfModified(aliasesDigest(config), params.digest);
        const name = params.name ?? "";
        const old = find(config, name);
        if (!old) throw paramError({ name: "no such alias" });
        const rename = params.rename;
        let data = build(name, params);
        if (truthy(rename) && rename.toLowerCase() !== name.toLowerCase()) {
          if (find(config, rename)) throw paramError({ name: `alias '${rename}' already exists` });
          data = build(rename, params);
        }
        config.aliases = [...config.aliases.filter((a) => a !== old), data];
      });
      return null;
    },
    DELETE: async (ctx, params) => {
      await writeLocked(ctx, fileRefFor(template, params), (config) => {
        assertIfModified(aliasesDigest(config), params.digest);
        const old = find(config, params.name);
        config.aliases = config.aliases.filter((a) => a !== old);
      });
      return null;
    },
  };
}
