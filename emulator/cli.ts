/**
 * `pve-firewall emulator`: runs the emulator until SIGINT/SIGTERM and prints one JSON line with
 * the endpoint, certificate fingerprint and credentials once it is ready.
 *
 * ```
 * pve-firewall emulator --listen 127.0.0.1:8006 --data DIR [--topology FILE] [--http] [--env]
 *   [--token USER@REALM!ID=SECRET[:ro]]... [--user USER@REALM=PASSWORD]...
 *   [--faults JSON|@FILE] [--latency MS] [--seed N] [--lock-timeout MS] [--write-cost MS]
 *   [--write-cost-per-kib MS] [--auth-delay MS] [--control-token SECRET]
 * ```
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { TokenSpec, UserSpec } from "./auth";
import { type FaultSpec, parseFaultSpec } from "./faults";
import { type EmulatorOptions, startEmulator, tokenHeader } from "./index";
import { loadTopologyFile } from "./topology";

/** Usage text of the emulator command. */
export const EMULATOR_USAGE = `usage: pve-firewall emulator [--listen HOST:PORT] [--data DIR] [--topology FILE] [--http] [--env]
  [--token USER@REALM!ID=SECRET[:ro]]... [--user USER@REALM=PASSWORD]...
  [--faults JSON|@FILE] [--latency MS] [--seed N] [--lock-timeout MS] [--write-cost MS]
  [--write-cost-per-kib MS] [--auth-delay MS] [--control-token SECRET]
--control-token: the secret for the /_emulator control endpoint (header X-Emulator-Control:
  GET|DELETE /_emulator/calls counts or resets requests; /_emulator/faults, /_emulator/files,
  /_emulator/apply: see the README); a random one is printed in the JSON line when not given`;

class UsageError extends Error {}

/** Parses `USER@REALM!ID=SECRET[:ro]`. */
export function parseTokenArg(text: string): TokenSpec {
  const readOnly = text.endsWith(":ro");
  const body = readOnly ? text.slice(0, -3) : text;
  const eq = body.lastIndexOf("=");
  const id = body.slice(0, eq);
  if (eq <= 0 || !/^[^@!\s]+@[^@!\s]+![A-Za-z][A-Za-z0-9._-]*$/.test(id) || body.slice(eq + 1) === "") {
    throw new UsageError(`--token: expected USER@REALM!ID=SECRET[:ro], got '${id || text.replace(/=.*/, "=…")}'`);
  }
  return { id, secret: body.slice(eq + 1), ...(readOnly ? { readOnly: true } : {}) };
}

function parseUserArg(text: string): UserSpec {
  const eq = text.indexOf("=");
  const user = text.slice(0, eq);
  if (eq <= 0 || !/^[^@\s]+@[^@\s]+$/.test(user)) throw new UsageError("--user: expected USER@REALM=PASSWORD");
  return { user, password: text.slice(eq + 1) };
}

function parseNumber(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag}: expected an integer >= ${min}, got '${text}'`);
  return n;
}

/** Parses `--listen HOST:PORT` (`[::1]:8006` for IPv6); throws a usage error naming the flag. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text);
  if (!m) throw new UsageError(`--listen: expected HOST:PORT, got '${text}'`);
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`--listen: port ${port} is out of range`);
  return { host: m[1] ?? m[2] ?? "127.0.0.1", port };
}

async function parseFaults(text: string | undefined): Promise<FaultSpec[]> {
  if (text === undefined) return [];
  const json = text.startsWith("@") ? await readFile(text.slice(1), "utf8") : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new UsageError("--faults: expected a JSON fault object or array (or @FILE)");
  }
  try {
    return (Array.isArray(parsed) ? parsed : [parsed]).map(parseFaultSpec);
  } catch (err) {
    throw new UsageError(`--faults: ${(err as Error).message}`);
  }
}

/** A value quoted for a POSIX shell (single quotes; an embedded `'` becomes `'\''`). */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * The `--env` output: `export` lines a shell can `eval` so the provider (and `pve-firewall up`)
 * talk to this emulator with its first token (`PROXMOX_VE_FINGERPRINT` pins its certificate).
 */
export function envLines(handle: Awaited<ReturnType<typeof startEmulator>>): string {
  const token = handle.tokens[0];
  const lines = [`export PROXMOX_VE_ENDPOINT=${shellQuote(handle.endpoint)}`];
  if (token) lines.push(`export PROXMOX_VE_API_TOKEN=${shellQuote(`${token.id}=${token.secret}`)}`);
  if (handle.fingerprint) lines.push(`export PROXMOX_VE_FINGERPRINT=${shellQuote(handle.fingerprint)}`);
  return `${lines.join("\n")}\n`;
}

async function optionsFrom(argv: readonly string[]): Promise<EmulatorOptions & { env: boolean }> {
  const { values } = parseArgs({
    args: argv[0] === "emulator" ? argv.slice(1) : [...argv],
    options: {
      listen: { type: "string", default: "127.0.0.1:8006" },
      data: { type: "string" },
      topology: { type: "string" },
      http: { type: "boolean", default: false },
      env: { type: "boolean", default: false },
      token: { type: "string", multiple: true },
      user: { type: "string", multiple: true },
      faults: { type: "string" },
      latency: { type: "string" },
      seed: { type: "string" },
      "lock-timeout": { type: "string" },
      "write-cost": { type: "string" },
      "write-cost-per-kib": { type: "string" },
      "auth-delay": { type: "string" },
      "control-token": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const { host, port } = parseListen(values.listen ?? "127.0.0.1:8006");
  const tokens = (values.token ?? []).map(parseTokenArg);
  const opts: Record<string, unknown> & { env: boolean } = {
    host,
    port,
    http: values.http === true,
    env: values.env === true,
    users: (values.user ?? []).map(parseUserArg),
    faults: await parseFaults(values.faults),
    ...(tokens.length > 0 ? { tokens } : {}),
    ...(values.data !== undefined ? { dataDir: values.data } : {}),
    ...(values.topology !== undefined ? { topology: await loadTopologyFile(values.topology) } : {}),
    ...(values["control-token"] !== undefined ? { controlToken: values["control-token"] } : {}),
  };
  const numbers: [string, string | undefined, number, string][] = [
    ["latency", values.latency, 0, "latencyMs"],
    ["seed", values.seed, 0, "seed"],
    ["lock-timeout", values["lock-timeout"], 1, "lockTimeoutMs"],
    ["write-cost", values["write-cost"], 0, "writeCostMs"],
    ["write-cost-per-kib", values["write-cost-per-kib"], 0, "writeCostPerKiBMs"],
    ["auth-delay", values["auth-delay"], 0, "authFailureDelayMs"],
  ];
  for (const [flag, text, min, key] of numbers) {
    const n = parseNumber(flag, text, min);
    if (n !== undefined) opts[key] = n;
  }
  return opts as EmulatorOptions & { env: boolean };
}

/**
 * Runs the emulator command. Resolves with the exit code: 0 after a clean stop (SIGINT, SIGTERM
 * or `options.signal`), 2 on bad arguments, 1 when the server cannot start.
 */
export async function runEmulatorCli(
  argv: string[],
  out: NodeJS.WritableStream,
  options: { signal?: AbortSignal; err?: NodeJS.WritableStream } = {},
): Promise<number> {
  const err = options.err ?? process.stderr;
  if (argv.includes("--help") || argv.includes("-h")) {
    out.write(`${EMULATOR_USAGE}\n`);
    return 0;
  }
  let opts: EmulatorOptions & { env: boolean };
  try {
    opts = await optionsFrom(argv);
  } catch (e) {
    err.write(`pve-firewall emulator: ${(e as Error).message}\n${EMULATOR_USAGE}\n`);
    return 2;
  }
  let handle: Awaited<ReturnType<typeof startEmulator>>;
  try {
    handle = await startEmulator(opts);
  } catch (e) {
    err.write(`pve-firewall emulator: cannot start: ${(e as Error).message}\n`);
    return 1;
  }
  out.write(
    opts.env
      ? envLines(handle)
      : `${JSON.stringify({
          endpoint: handle.endpoint,
          fingerprint: handle.fingerprint ?? null,
          caCert: handle.caCert ?? null,
          tokens: handle.tokens.map((t) => ({
            id: t.id,
            secret: t.secret,
            readOnly: t.readOnly === true,
            authorization: tokenHeader(t),
          })),
          users: handle.users.map((u) => ({ user: u.user, password: u.password })),
          controlToken: handle.controlToken,
          dataDir: handle.dataDir,
        })}\n`,
  );
  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      options.signal?.removeEventListener("abort", done);
      resolve();
    };
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
    options.signal?.addEventListener("abort", done, { once: true });
    if (options.signal?.aborted) done();
  });
  await handle.stop();
  return 0;
}
