/**
 * The emulator's state: real Proxmox `.fw` files under a data directory laid out like `/etc/pve`,
 * read and written through the shared `.fw` codec exactly as Proxmox does it (load, modify, save).
 * Parsed files are cached by mtime and size so reads of unchanged files never re-parse; writes are
 * atomic (temp file + rename in the same directory) and an empty result deletes the file.
 */
import { mkdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseFw } from "../provider/fw/parse";
import { printFw } from "../provider/fw/print";
import type { FwConfig, FwFileKind, FwIpSetEntry } from "../provider/fw/types";
import type { AliasFields, RuleFields } from "../provider/model/wire";

/** An IPSet as handlers edit it; entries read from the file carry Proxmox's `errors`. */
export interface IpSetData {
  name: string;
  comment?: string;
  entries: FwIpSetEntry[];
}

/** A security group as handlers edit it. */
export interface GroupData {
  name: string;
  comment?: string;
  rules: RuleFields[];
}

/** A parsed config file that handlers may modify before saving it. */
export interface ConfigData {
  options: Record<string, string>;
  aliases: AliasFields[];
  ipsets: IpSetData[];
  rules: RuleFields[];
  groups: GroupData[];
}

/** Which config file a request works on. */
export type FileRef =
  | { readonly kind: "cluster" }
  | { readonly kind: "host"; readonly node: string }
  | { readonly kind: "guest"; readonly vmid: string }
  | { readonly kind: "vnet"; readonly vnet: string };

/** The `/etc/pve`-relative path of a config file. */
export function filePath(ref: FileRef): string {
  switch (ref.kind) {
    case "cluster":
      return "firewall/cluster.fw";
    case "host":
      return `nodes/${ref.node}/host.fw`;
    case "guest":
      return `firewall/${ref.vmid}.fw`;
    case "vnet":
      return `sdn/firewall/${ref.vnet}.fw`;
  }
}

/** The pmxcfs lock name of a config file. */
export function lockKey(ref: FileRef): string {
  switch (ref.kind) {
    case "cluster":
      return "firewall-cluster";
    case "host":
      return `firewall-host-${ref.node}`;
    case "guest":
      return `firewall-vm-${ref.vmid}`;
    case "vnet":
      return `firewall-vnet-${ref.vnet}`;
  }
}

function codecKind(ref: FileRef): FwFileKind {
  return ref.kind;
}

/** A loaded file: its parsed content and whether the file exists at all. */
export interface Loaded {
  readonly config: ConfigData;
  readonly exists: boolean;
}

interface CacheEntry {
  /** The file's write generation when the load began (see {@link FileStore.load}). */
  readonly generation: number;
  readonly mtimeMs: number;
  readonly size: number;
  /** For a guest file: the cluster config it was parsed against (its IPSet entries may name cluster aliases). */
  readonly cluster: ConfigData | undefined;
  readonly loaded: Loaded;
}

function emptyConfig(): ConfigData {
  return { options: {}, aliases: [], ipsets: [], rules: [], groups: [] };
}

/**
 * Proxmox's parser keys ipsets and groups by their lower-cased name, so a later section with the
 * same name (in any case) replaces an earlier one; rules always carry `enable` as 0/1.
 */
function normalise(config: FwConfig): ConfigData {
  const ipsets = new Map<string, IpSetData>();
  for (const s of config.ipsets) {
    const name = s.name.toLowerCase();
    ipsets.delete(name);
    ipsets.set(name, { ...s, name, entries: [...s.entries] });
  }
  const groups = new Map<string, GroupData>();
  for (const g of config.groups) {
    const name = g.name.toLowerCase();
    groups.delete(name);
    groups.set(name, { ...g, name, rules: g.rules.map(normaliseRule) });
  }
  return {
    options: { ...config.options },
    aliases: [...config.aliases],
    ipsets: [...ipsets.values()],
    rules: config.rules.map(normaliseRule),
    groups: [...groups.values()],
  };
}

function normaliseRule(rule: RuleFields): RuleFields {
  const enable = rule.enable === undefined ? 1 : Number(rule.enable) > 0 ? 1 : 0;
  return { ...rule, enable };
}

/** Options of a {@link FileStore}. */
export interface FileStoreOptions {
  /** Root directory laid out like `/etc/pve`. */
  readonly dataDir: string;
}

/** Reads and writes config files; one instance per emulator. */
export class FileStore {
  private readonly cache = new Map<string, CacheEntry>();
  /** Per path, how many writes of this store have finished: what tells a cached parse current. */
  private readonly generations = new Map<string, number>();
  private readonly derived = new WeakMap<object, Map<string, { readonly dep: object; readonly value: unknown }>>();
  readonly dataDir: string;

  constructor(options: FileStoreOptions) {
    this.dataDir = options.dataDir;
  }

  /** Absolute path of an `/etc/pve`-relative path (rejects `..`). */
  resolve(relPath: string): string {
    const clean = relPath.replace(/^\/+/, "");
    if (clean.split("/").some((p) => p === ".." || p === "")) throw new Error(`invalid data path '${relPath}'`);
    return join(this.dataDir, clean);
  }

  /**
   * Loads and parses a file, cached while no write of this store finished since the load began and
   * the file's mtime and size (a change made outside the emulator), and for a guest file the cluster
   * config, are unchanged. mtime and size alone cannot tell: two writes within one clock tick of the
   * file system may leave the same size, and a load that read the file just before the second one's
   * rename would keep the first text for good (the next write then builds on it, losing the second).
   * A guest file is parsed with the cluster config at hand, as Proxmox does, so its IPSet entries
   * naming a missing cluster alias carry `errors`. The result is shared: callers that modify it must
   * use {@link FileStore.loadForWrite}.
   */
  async load(ref: FileRef): Promise<Loaded> {
    const cluster = ref.kind === "guest" ? (await this.load({ kind: "cluster" })).config : undefined;
    const path = this.resolve(filePath(ref));
    const generation = this.generations.get(path) ?? 0;
    let st: { mtimeMs: number; size: number };
    try {
      st = await stat(path);
    } catch {
      this.cache.delete(path);
      return { config: emptyConfig(), exists: false };
    }
    const hit = this.cache.get(path);
    if (
      hit &&
      hit.generation === generation &&
      hit.mtimeMs === st.mtimeMs &&
      hit.size === st.size &&
      hit.cluster === cluster
    )
      return hit.loaded;
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text === undefined) return { config: emptyConfig(), exists: false };
    const parsed = parseFw(text, codecKind(ref), filePath(ref), cluster);
    const loaded: Loaded = { config: normalise(parsed.config), exists: true };
    // a write that finished meanwhile may have replaced what was read: use it once, never cache it
    if ((this.generations.get(path) ?? 0) === generation)
      this.cache.set(path, { generation, mtimeMs: st.mtimeMs, size: st.size, cluster, loaded });
    return loaded;
  }

  /**
   * Memoises a value computed from a shared (read-only) loaded config and one dependency object
   * (e.g. the cluster config it was verified against); recomputed when either is reloaded.
   */
  memo<T>(owner: ConfigData, dep: object, key: string, compute: () => T): T {
    let byKey = this.derived.get(owner);
    if (!byKey) {
      byKey = new Map();
      this.derived.set(owner, byKey);
    }
    const hit = byKey.get(key);
    if (hit && hit.dep === dep) return hit.value as T;
    const value = compute();
    byKey.set(key, { dep, value });
    return value;
  }

  /** Loads a private, modifiable copy of a file. */
  async loadForWrite(ref: FileRef): Promise<Loaded> {
    const loaded = await this.load(ref);
    return { config: copyConfig(loaded.config), exists: loaded.exists };
  }

  /** Prints and atomically saves a config; an empty result deletes the file. Returns the byte size written. */
  async save(ref: FileRef, config: ConfigData): Promise<number> {
    const text = printFw(sortForSave(config), codecKind(ref));
    await this.writeText(filePath(ref), text);
    return Buffer.byteLength(text);
  }

  /** Writes raw text to a data-dir file atomically ("" deletes it), as an admin editing /etc/pve would. */
  async writeText(relPath: string, text: string): Promise<void> {
    const path = this.resolve(relPath);
    this.cache.delete(path);
    try {
      await this.replace(path, text);
    } finally {
      // after the rename: a load that began before it, and so may have read the old text, is not cached
      this.generations.set(path, (this.generations.get(path) ?? 0) + 1);
      this.cache.delete(path);
    }
  }

  /** Deletes `path` ("") or replaces it with `text` through a temp file and a rename. */
  private async replace(path: string, text: string): Promise<void> {
    if (text === "") {
      await unlink(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
      return;
    }
    const tmp = `${path}.tmp.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}`;
    try {
      // Create the directory only when it is missing, not on every save.
      await writeFile(tmp, text, "utf8").catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
        await mkdir(dirname(path), { recursive: true });
        await writeFile(tmp, text, "utf8");
      });
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Raw text of a data-dir file, `undefined` when missing. */
  async readText(relPath: string): Promise<string | undefined> {
    return readFile(this.resolve(relPath), "utf8").catch(() => undefined);
  }
}

/**
 * A deep copy of a config: every array and record a handler may change is new; the values inside
 * (strings, numbers) are immutable. Several times faster than `structuredClone` on a large IPSet,
 * which matters because Proxmox, and so the emulator, rewrites the whole file on every write.
 */
function copyConfig(config: ConfigData): ConfigData {
  return {
    options: { ...config.options },
    aliases: config.aliases.map((a) => ({ ...a })),
    ipsets: config.ipsets.map((s) => ({ ...s, entries: s.entries.map((e) => ({ ...e })) })),
    rules: config.rules.map((r) => ({ ...r })),
    groups: config.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r })) })),
  };
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Proxmox's writer order: ipsets and groups sorted by name, ipset entries by cidr text without duplicates. */
function sortForSave(config: ConfigData): FwConfig {
  return {
    options: config.options,
    aliases: config.aliases,
    rules: config.rules,
    ipsets: [...config.ipsets]
      .sort((a, b) => byteCompare(a.name, b.name))
      .map((s) => {
        const seen = new Set<string>();
        const entries = [...s.entries]
          .sort((a, b) => byteCompare(a.cidr, b.cidr))
          .filter((e) => {
            if (seen.has(e.cidr)) return false;
            seen.add(e.cidr);
            return true;
          });
        return { ...s, entries };
      }),
    groups: [...config.groups].sort((a, b) => byteCompare(a.name, b.name)),
  };
}
