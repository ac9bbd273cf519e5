/**
 * E2e harness: one emulator and one real Pulumi dynamic-provider host per test file, the host
 * configured the way the engine does it (stack config `proxmox:endpoint` and a secret-wrapped
 * `proxmox:apiToken`), plus a transcript of everything the host returned, so tests can prove a
 * secret never comes back.
 */
import { access, readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from "../../emulator/index";
import type { LogEntry } from "../../provider/runner/engine-service";
import { secret } from "../../provider/runner/props";
import {
  type ProviderHost,
  providerKey,
  serializeProvider,
  startProviderHost,
} from "../../provider/runner/provider-host";
import { providerShim, type ResourceKind, TYPE_MODULE } from "../../sdk/shim";

/** Every file under a data dir, by path relative to it, with its text. */
export type FileSnapshot = ReadonlyMap<string, string>;

/** The running e2e environment of one test file (available inside tests and hooks). */
export interface E2eEnv {
  readonly emu: EmulatorHandle;
  readonly host: ProviderHost;
  /** The `proxmox:apiToken` value the host was configured with (`USER@REALM!ID=SECRET`). */
  readonly apiToken: string;
  /** Log lines the host sent to its Engine server, and its stderr lines. */
  readonly logs: readonly LogEntry[];
  /** JSON of every value and error message the host returned, in call order. */
  readonly transcript: readonly string[];
  /** The data dir as it was when the emulator started; every test ends with it restored. */
  readonly initialFiles: FileSnapshot;
}

/** Lazily bound handle returned by {@link useE2e}. */
export interface E2eFixture {
  env(): E2eEnv;
  /** The serialized `__provider` of `kind`, exactly as the SDK class registers it. */
  provider(kind: ResourceKind): Promise<string>;
}

/** The URN the engine gives a resource of `kind` named `name` in stack `dev` of project `test`. */
export function urnOf(kind: ResourceKind, name: string): string {
  return `urn:pulumi:dev::test::pulumi-nodejs:dynamic/${TYPE_MODULE}:${kind}::${name}`;
}

/** Reads every file under `dir` (recursively). */
export async function snapshotFiles(dir: string): Promise<FileSnapshot> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = new Map<string, string>();
  for (const e of entries.filter((x) => x.isFile())) {
    const full = join(e.parentPath, e.name);
    files.set(relative(dir, full), await readFile(full, "utf8"));
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/** Puts the emulator's data dir back to `before` through `editFile` (so its caches follow). */
export async function restoreFiles(emu: EmulatorHandle, before: FileSnapshot): Promise<void> {
  const now = await snapshotFiles(emu.dataDir);
  for (const path of now.keys()) if (!before.has(path)) await emu.editFile(path, "");
  for (const [path, text] of before) if (now.get(path) !== text) await emu.editFile(path, text);
}

/** Wraps `host` so that every result and error message lands in `transcript`. */
function recording(host: ProviderHost, transcript: string[]): ProviderHost {
  const record = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      const result = await call();
      transcript.push(JSON.stringify(result ?? null));
      return result;
    } catch (e) {
      transcript.push(JSON.stringify({ error: e instanceof Error ? e.message : String(e), details: e }));
      throw e;
    }
  };
  return {
    configure: (config) => record(() => host.configure(config)),
    check: (...a) => record(() => host.check(...a)),
    diff: (...a) => record(() => host.diff(...a)),
    create: (...a) => record(() => host.create(...a)),
    read: (...a) => record(() => host.read(...a)),
    update: (...a) => record(() => host.update(...a)),
    delete: (...a) => record(() => host.delete(...a)),
    close: () => host.close(),
  };
}

/**
 * Registers `beforeAll`/`afterAll` hooks running one emulator (plain HTTP, port 0) and one
 * configured dynamic-provider host for the calling test file, and an `afterEach` hook that clears
 * faults, restores the data dir and resets the call counters; credentials reach the host only
 * through `configure` (stack config), never through its environment. `config` adds stack config
 * (e.g. `proxmox:managementSources`).
 */
export function useE2e(options: EmulatorOptions = {}, config: Readonly<Record<string, unknown>> = {}): E2eFixture {
  let env: E2eEnv | undefined;
  const providers = new Map<ResourceKind, string>();
  beforeAll(async () => {
    // the serialized shim requires the installed package, whose `./provider` export is the build output
    await access(join(__dirname, "..", "..", "dist", "provider", "resources", "index.js")).catch(() => {
      throw new Error("e2e tests load the built provider (dist/): run `npm run build` first");
    });
    const emu = await startEmulator({ http: true, ...options });
    const logs: LogEntry[] = [];
    const transcript: string[] = [];
    const token = emu.tokens[0];
    if (!token) throw new Error("emulator has no token");
    const apiToken = `${token.id}=${token.secret}`;
    let host: ProviderHost | undefined;
    try {
      host = recording(
        await startProviderHost({
          project: "test",
          stack: "dev",
          onLog: (e) => logs.push(e),
        }),
        transcript,
      );
      await host.configure({ ...config, "proxmox:endpoint": emu.endpoint, "proxmox:apiToken": secret(apiToken) });
    } catch (e) {
      await host?.close();
      await emu.stop();
      throw e;
    }
    env = { emu, host, apiToken, logs, transcript, initialFiles: await snapshotFiles(emu.dataDir) };
  });
  afterEach(async () => {
    if (!env) return;
    env.emu.faults.clear();
    await restoreFiles(env.emu, env.initialFiles);
    env.emu.calls.reset();
  });
  afterAll(async () => {
    await env?.host.close();
    await env?.emu.stop();
  });
  return {
    env() {
      if (!env) throw new Error("e2e environment is not running (use env() inside a test or hook)");
      return env;
    },
    async provider(kind) {
      let code = providers.get(kind);
      if (!code) {
        code = await serializeProvider(providerShim(kind));
        providers.set(kind, code);
      }
      return code;
    },
  };
}

/** `props` with the serialized provider of `kind` added, as the engine sends a registration. */
export async function withProvider(
  fixture: E2eFixture,
  kind: ResourceKind,
  props: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  return { ...props, [providerKey]: await fixture.provider(kind) };
}
