/**
 * What every handler gets: the file store, the lock table, the topology and the timing knobs,
 * plus helpers shared by all object kinds (scope from path parameters, locked writes, digests).
 */
import { createHash } from "node:crypto";
import type { LockTable } from "./lock";
import { type ConfigData, type FileRef, type FileStore, lockKey } from "./store";
import type { Topology } from "./topology";

/** Timing and cost knobs of the emulated server. */
export interface ServerTiming {
  /** How long a write waits for a busy lock before failing (Proxmox: 10 s). */
  readonly lockTimeoutMs: number;
  /** Fixed time a write holds its lock, modelling Proxmox rewriting the file. */
  readonly writeCostMs: number;
  /** Extra lock-hold time per KiB of the written file. */
  readonly writeCostPerKiBMs: number;
}

/** The shared state handlers work on. */
export interface HandlerContext {
  readonly store: FileStore;
  readonly locks: LockTable;
  readonly topology: Topology;
  readonly timing: ServerTiming;
  /** Current Unix time in seconds (cluster `enable` timestamps). */
  readonly nowSec: () => number;
}

/** Validated request parameters (path, query and body), all as text. */
export type Params = Readonly<Record<string, string>>;

/** A handler: validated params in, response `data` out. */
export type Handler = (ctx: HandlerContext, params: Params) => Promise<unknown>;

/** The config file a firewall path template addresses (group paths live in the cluster file). */
export function fileRefFor(template: string, params: Params): FileRef {
  if (template.startsWith("/cluster/sdn/vnets/")) return { kind: "vnet", vnet: params.vnet ?? "" };
  if (/^\/nodes\/\{node\}\/(qemu|lxc)\//.test(template)) return { kind: "guest", vmid: String(Number(params.vmid)) };
  if (template.startsWith("/nodes/{node}/")) return { kind: "host", node: params.node ?? "" };
  return { kind: "cluster" };
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/**
 * Proxmox's write pattern under the file's pmxcfs lock: load, let `fn` modify, save (or delete
 * when empty). `fn` may throw to abort without writing.
 */
export async function writeLocked<T>(
  ctx: HandlerContext,
  ref: FileRef,
  fn: (config: ConfigData, exists: boolean) => T | Promise<T>,
): Promise<T> {
  return ctx.locks.with(lockKey(ref), ctx.timing.lockTimeoutMs, async () => {
    const { config, exists } = await ctx.store.loadForWrite(ref);
    const result = await fn(config, exists);
    const bytes = await ctx.store.save(ref, config);
    await sleep(ctx.timing.writeCostMs + (ctx.timing.writeCostPerKiBMs * bytes) / 1024);
    return result;
  });
}

/** pve-common's digest: SHA-1 over `key:value\n` of each entry's sorted scalar keys. */
export function digestOf(entries: readonly Readonly<Record<string, unknown>>[]): string {
  const hash = createHash("sha1");
  for (const entry of entries) {
    for (const key of Object.keys(entry).sort()) {
      const v = entry[key];
      if (v === undefined || v === null || typeof v === "object") continue;
      hash.update(`${key}:${String(v)}\n`, "utf8");
    }
  }
  return hash.digest("hex");
}

/** Drops keys whose value is undefined (JSON responses never carry them). */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** Perl truthiness of a parameter: present, not "" and not "0". */
export function truthy(v: string | undefined): v is string {
  return v !== undefined && v !== "" && v !== "0";
}
