/**
 * Options endpoints of every scope (Cluster.pm, Host.pm, VM.pm, Vnet.pm): GET returns only what
 * the file sets (no defaults) plus the digest; PUT runs `delete` first, then sets the sent values.
 * Cluster `enable` > 1 stores the current time and reads back as 0 once it is over 60 s old.
 */
import { digestOf, fileRefFor, type Handler, type HandlerContext, writeLocked } from "../context";
import { assertIfModified, paramError } from "../http-error";
import type { MethodSchema } from "../schema";
import { splitList } from "../schema";

const NOT_OPTIONS = new Set(["delete", "digest", "node", "vmid", "vnet"]);
/** Seconds a cluster `enable` timestamp stays valid (Firewall.pm parse_clusterfw_option). */
const ENABLE_TIMEOUT_SEC = 60;

/** The options of the file as Proxmox's parser reads them, typed by the PUT schema. */
function readOptions(
  raw: Readonly<Record<string, string>>,
  put: MethodSchema,
  cluster: boolean,
  ctx: HandlerContext,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(raw)) {
    const schema = put.parameters[key];
    if (!schema || NOT_OPTIONS.has(key)) continue;
    if (schema.type === "integer" || schema.type === "boolean") {
      if (!/^[+-]?\d+$/.test(value)) continue;
      let n = Number(value);
      if (schema.type === "boolean") n = n ? 1 : 0;
      if (cluster && key === "enable" && n > 1 && ctx.nowSec() - n > ENABLE_TIMEOUT_SEC) n = 0;
      out[key] = n;
    } else if (schema.enum) {
      // The parsers match enum values case-insensitively and store them upper-cased (policies);
      // a line that matches nothing is dropped.
      const hit = schema.enum.find((e) => e === value) ?? schema.enum.find((e) => e === value.toUpperCase());
      if (hit !== undefined) out[key] = hit;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Handlers of one `.../options` path; `put` is its PUT schema (which lists the option keys). */
export function optionsHandlers(template: string, put: MethodSchema): Record<string, Handler> {
  const cluster = template === "/cluster/firewall/options";
  return {
    GET: async (ctx, params) => {
      const { config } = await ctx.store.load(fileRefFor(template, params));
      const options = readOptions(config.options, put, cluster, ctx);
      return { ...options, digest: digestOf([options]) };
    },
    PUT: async (ctx, params) => {
      await writeLocked(ctx, fileRefFor(template, params), (config) => {
        const current = readOptions(config.options, put, cluster, ctx);
        assertIfModified(digestOf([current]), params.digest);
        const next: Record<string, string> = {};
        for (const [k, v] of Object.entries(current)) next[k] = String(v);
        for (const opt of splitList(params.delete ?? "")) {
          if (!put.parameters[opt] || NOT_OPTIONS.has(opt)) throw paramError({ delete: `no such option '${opt}'` });
          delete next[opt];
        }
        for (const [k, v] of Object.entries(params)) {
          if (NOT_OPTIONS.has(k)) continue;
          next[k] = cluster && k === "enable" && Number(v) > 1 ? String(ctx.nowSec()) : v;
        }
        config.options = next;
      });
      return null;
    },
  };
}
