/**
 * What `import` and `export` share: their common options and the shape of a run, reading a snapshot
 * from the API (the provider's endpoint and credential settings from the environment) or from a
 * data directory, writing a file tree, and printing warnings.
 *
 * @module
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import {
  type FwSnapshot,
  isEmptyConfig,
  parseSnapshotScope,
  type SnapshotScope,
  type SnapshotWarning,
  snapshotFiles,
  snapshotScopeId,
} from "../codegen/snapshot";
import { readDataDirSnapshot } from "./data-dir";
import type { CliIo } from "./index";
import { type LiveEnv, readLiveSnapshot, withLiveClient } from "./live";

/** The `parseArgs` options both commands take: `--out`, `--scope`, `--force`, `--json` and `--help`. */
export const SNAPSHOT_OPTIONS = {
  out: { type: "string" },
  scope: { type: "string", default: "all" },
  force: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/**
 * The arguments of a run from parsed `values`: `{ help: true }` for `--help`, else the values with
 * `out` resolved and `scope` parsed. `check` runs between the two (a command's own flags).
 *
 * @throws Error when `--out` is missing, `check` fails, or `--scope` is not a scope
 */
export function snapshotArgs<V extends { out?: string; scope: string; help: boolean }>(
  values: V,
  check: (values: V) => void = () => {},
): { help: true } | (Omit<V, "help" | "out" | "scope"> & { help: false; out: string; scope: SnapshotScope }) {
  if (values.help) return { help: true };
  if (values.out === undefined) throw new Error("--out DIR is required");
  check(values);
  return { ...values, help: false, out: resolve(values.out), scope: parseSnapshotScope(values.scope) };
}

/**
 * Runs `import` or `export`: `parse` (a failure prints its message and `usage`: exit 2), `--help`
 * (prints `usage`: exit 0), the check that `--out` may be written, then `write` (a failure prints
 * its message: exit 1; else exit 0).
 */
export async function runSnapshotCommand<A extends { help: false; out: string; force: boolean }>(
  name: "import" | "export",
  usage: string,
  argv: string[],
  io: CliIo,
  parse: (argv: string[]) => A | { help: true },
  write: (args: A) => Promise<void>,
): Promise<number> {
  let args: A | { help: true };
  try {
    args = parse(argv);
  } catch (e) {
    io.err.write(`pve-firewall ${name}: ${(e as Error).message}\n\n${usage}\n`);
    return 2;
  }
  if (args.help) {
    io.out.write(`${usage}\n`);
    return 0;
  }
  try {
    await assertWritableOut(args.out, args.force);
    await write(args);
    return 0;
  } catch (e) {
    io.err.write(`pve-firewall ${name}: ${(e as Error).message}\n`);
    return 1;
  }
}

/**
 * Reads the firewall of `scope`: from `from` (an `/etc/pve`-like directory) when given, else through
 * the API configured by `PROXMOX_VE_ENDPOINT`, `PROXMOX_VE_API_TOKEN` (or `PROXMOX_VE_USERNAME` and
 * `PROXMOX_VE_PASSWORD`), `PROXMOX_VE_INSECURE`, `PROXMOX_VE_CA_CERT`, `PROXMOX_VE_FINGERPRINT` and
 * their `PM_*` fallbacks, as the provider reads them. With `topologyDetails`, an API read also
 * reads node addresses and guest configs (what an export's `topology.json` holds).
 *
 * @throws ConfigError when the API settings are missing or malformed; Error naming the scope when
 *   the cluster or directory has no such node, guest or VNet; the client's errors on a failed read
 */
export async function readSnapshot(
  scope: SnapshotScope,
  from: string | undefined,
  env: LiveEnv,
  topologyDetails: boolean,
): Promise<{ snapshot: FwSnapshot; warnings: SnapshotWarning[]; source: string }> {
  if (from !== undefined) return { ...(await readDataDirSnapshot(resolve(from), scope)), source: resolve(from) };
  return withLiveClient(env, async (http, endpoint) => ({
    ...(await readLiveSnapshot(http, scope, { topologyDetails })),
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

/**
 * The warning for a scope that exists but whose every config file is empty: the run still writes
 * (exit 0), since an empty firewall is a valid answer, but says so instead of passing silently.
 * `undefined` when the snapshot holds anything.
 */
export function nothingFound(scope: SnapshotScope, snapshot: FwSnapshot): string | undefined {
  if (!snapshotFiles(snapshot).every((f) => isEmptyConfig(f.config))) return undefined;
  return `nothing found for ${snapshotScopeId(scope)}: no firewall options, rules, aliases, IPSets or security groups`;
}

/** `file:line: message` lines, sorted by file and line. */
export function formatWarnings(warnings: readonly SnapshotWarning[]): string[] {
  return [...warnings]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)))
    .map((w) => `${w.file}${w.line === undefined ? "" : `:${w.line}`}: ${w.message}`);
}
