/**
 * IPSet endpoints of the cluster and guest scopes (IPSet.pm): list/create/rename sets, list/add
 * entries (CIDR cleaning, duplicate and zero-prefix checks, alias entries), get/update/delete one
 * entry by its stored text, delete a set (`force` for non-empty ones). Entries the parser flagged
 * come with their `errors`; an entry read from a line Proxmox could not parse has no `cidr` (its
 * stored text is "", BEHAVIOR.md §11) and is never matched by an entry path.
 */
import type { FwIpSetEntry } from "../../provider/fw/types";
import { compact, digestOf, fileRefFor, type Handler, type Params, truthy, writeLocked } from "../context";
import { assertIfModified, paramError, plainError } from "../http-error";
import { cleanCidr, stripHostPrefix } from "../net";
import type { ConfigData, IpSetData } from "../store";

const ALIAS_ENTRY_RE = /^(dc\/|guest\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;

function setsDigest(config: ConfigData): string {
  return digestOf(sortedSets(config).map((s) => ({ name: s.name, comment: s.comment })));
}

function sortedSets(config: ConfigData): IpSetData[] {
  return [...config.ipsets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Perl's `copy_list_with_digest`: an undefined cidr and the `errors` hash are not hashed. */
function entriesDigest(set: IpSetData): string {
  return digestOf(set.entries.map(entryWire));
}

function findSet(config: ConfigData, name: string | undefined): IpSetData {
  const set = config.ipsets.find((s) => s.name === name);
  if (!set) throw plainError(`no such IPSet '${name ?? ""}'`);
  return set;
}

function entryWire(e: FwIpSetEntry): Record<string, unknown> {
  return compact({
    cidr: e.cidr || undefined,
    comment: e.comment,
    nomatch: e.nomatch ? 1 : undefined,
    errors: e.errors,
  });
}

function newEntry(cidr: string, params: Params): FwIpSetEntry {
  const entry: FwIpSetEntry = { cidr };
  if (params.nomatch === "1") entry.nomatch = 1;
  if (truthy(params.comment)) entry.comment = params.comment;
  return entry;
}

/** Handlers of `.../ipset` (list, create, rename). */
export function ipSetListHandlers(template: string): Record<string, Handler> {
  return {
    GET: async (ctx, params) => {
      const { config } = await ctx.store.load(fileRefFor(template, params));
      const digest = setsDigest(config);
      return sortedSets(config).map((s) => compact({ name: s.name, comment: s.comment, digest }));
    },
    POST: async (ctx, params) => {
      const name = params.name ?? "";
      await writeLocked(ctx, fileRefFor(template, params), (config) => {
        const rename = params.rename;
        if (truthy(rename)) {
          assertIfModified(setsDigest(config), params.digest);
          const old = config.ipsets.find((s) => s.name === rename);
          if (!old) throw paramError({ name: `IPSet '${rename}' does not exist` });
          if (name !== rename && config.ipsets.some((s) => s.name === name)) {
            throw paramError({ name: `IPSet '${name}' does already exist` });
          }
          old.name = name;
          if (params.comment !== undefined) old.comment = params.comment;
          return;
        }
        if (config.ipsets.some((s) => s.name === name)) throw paramError({ name: `IPSet '${name}' already exists` });
        config.ipsets.push({ name, ...(params.comment !== undefined ? { comment: params.comment } : {}), entries: [] });
      });
      return null;
    },
  };
}

/** Handlers of `.../ipset/{name}` (list entries, add entry, delete set). */
export function ipSetHandlers(template: string): Record<string, Handler> {
  return {
    GET: async (ctx, params) => {
      const { config } = await ctx.store.load(fileRefFor(template, params));
      const set = findSet(config, params.name);
      return ctx.store.memo(config, set, `ipset:${set.name}`, () => {
        const digest = entriesDigest(set);
        return set.entries.map((e) => ({ ...entryWire(e), digest }));
      });
    },
    POST: async (ctx, params) => {
      const ref = fileRefFor(template, params);
      await writeLocked(ctx, ref, async (config) => {
        const set = findSet(config, params.name);
        let cidr = params.cidr ?? "";
        const alias = ALIAS_ENTRY_RE.exec(cidr);
        if (alias) {
          const cluster = ref.kind === "cluster" ? config : (await ctx.store.load({ kind: "cluster" })).config;
          const key = (alias[2] ?? "").toLowerCase();
          const scope = alias[1] ?? "";
          const local = ref.kind === "cluster" ? undefined : config;
          const found =
            (scope !== "dc/" && local?.aliases.some((a) => a.name.toLowerCase() === key)) ||
            (scope !== "guest/" && cluster.aliases.some((a) => a.name.toLowerCase() === key));
          if (!found) throw plainError(`no such alias '${alias[2] ?? ""}'`);
        } else {
          cidr = stripHostPrefix(cleanCidr(cidr));
        }
        if (set.entries.some((e) => e.cidr === cidr)) throw paramError({ cidr: `address '${cidr}' already exists` });
        if (/\/0+$/.test(cidr)) throw paramError({ cidr: "a zero prefix is not allowed in ipset entries" });
        set.entries.push(newEntry(cidr, params));
      });
      return null;
    },
    DELETE: async (ctx, params) => {
      await writeLocked(ctx, fileRefFor(template, params), (config) => {
        const set = findSet(config, params.name);
        if (set.entries.length > 0 && params.force !== "1") throw plainError(`IPSet '${set.name}' is not empty`);
        config.ipsets = config.ipsets.filter((s) => s !== set);
      });
      return null;
    },
  };
}

/** Handlers of `.../ipset/{name}/{cidr}` (one entry, addressed by its stored text). */
export function ipSetEntryHandlers(template: string): Record<string, Handler> {
  return {
    GET: async (ctx, params) => {
      const { config } = await ctx.store.load(fileRefFor(template, params));
      const set = findSet(config, params.name);
      const entry = set.entries.find((e) => e.cidr === params.cidr);
      if (!entry) throw paramError({ cidr: "no such IP/Network" });
      return { ...entryWire(entry), digest: entriesDigest(set) };
    },
    PUT: async (ctx, params) => {
      await writeLocked(ctx, fileRefFor(template, params), (config) => {
        const set = findSet(config, params.name);
        assertIfModified(entriesDigest(set), params.digest);
        const i = set.entries.findIndex((e) => e.cidr === params.cidr);
        if (i < 0) throw paramError({ cidr: "no such IP/Network" });
        set.entries[i] = newEntry(params.cidr ?? "", params);
      });
      return null;
    },
    DELETE: async (ctx, params) => {
      await writeLocked(ctx, fileRefFor(template, params), (config) => {
        const set = findSet(config, params.name);
        assertIfModified(entriesDigest(set), params.digest);
        set.entries = set.entries.filter((e) => e.cidr !== params.cidr);
      });
      return null;
    },
  };
}
