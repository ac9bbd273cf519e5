/**
 * What `import` and `export` share: reading a snapshot from the API (the provider's endpoint and
 * credential settings from the environment) or from a data directory, writing a file tree, and
 * printing warnings.
 *
 * @module
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { FwSnapshot, SnapshotScope, SnapshotWarning } from "../codegen/snapshot";
import { readDataDirSnapshot } from "./data-dir";
import { type LiveEnv, readLiveSnapshot, withLiveClient } from "./live";

/**
 * Reads the firewall of `scope`: from `from` (an `/etc/pve`-like directory) when given, else through
 * the API configured by `PROXMOX_VE_ENDPOINT`, `PROXMOX_VE_API_TOKEN` (or `PROXMOX_VE_USERNAME` and
 * `PROXMOX_VE_PASSWORD`), `PROXMOX_VE_INSECURE`, `PROXMOX_VE_CA_CERT`, `PROXMOX_VE_FINGERPRINT` and
 * their `PM_*` fallbacks, as the provider reads them.
 *
 * @throws ConfigError when the API settings are missing or malformed; the client's errors on a failed read
 */
export async function readSnapshot(
  scope: SnapshotScope,
  from: string | undefined,
  env: LiveEnv,
  guestConfigs: boolean,
): Promise<{ snapshot: FwSnapshot; warnings: SnapshotWarning[]; source: string }> {
  if (from !== undefined) return { ...(await readDataDirSnapshot(resolve(from), scope)), source: resolve(from) };
  return withLiveClient(env, async (http, endpoint) => ({
    ...(await readLiveSnapshot(http, scope, { guestConfigs })),
    source: endpoint,
  }));
}

/**
 * Fails unless `dir` is missing or empty, or `force` is set: generated files must never silently
 * replace someone's work.
 *
 * @throws Error naming the directory and `--force`
 */
export async function assertWritableOut(dir: string, force: boolean): Promise<void> {
  if (force) return;
  const entries = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return [] as string[];
    throw e;
  });
  if (entries.length > 0)
    throw new Error(`--out ${dir}: the directory is not empty; choose an empty one, or pass --force to overwrite`);
}

/** Writes each file (path relative to `dir`), creating directories as needed. */
export async function writeTree(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  for (const [path, text] of files) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text, "utf8");
  }
}

/** `file:line: message` lines, sorted by file and line. */
export function formatWarnings(warnings: readonly SnapshotWarning[]): string[] {
  return [...warnings]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)))
    .map((w) => `${w.file}${w.line === undefined ? "" : `:${w.line}`}: ${w.message}`);
}
