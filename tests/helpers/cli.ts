/**
 * Runs a command in-process and collects what it prints: any command that writes to an `out` and
 * an `err` stream and returns an exit code ({@link captureOutput}), or `pve-firewall <argv>` with
 * extra environment variables ({@link cli}).
 */
import { PassThrough } from "node:stream";
import { runCli } from "../../provider/cli";

/** What one command printed and returned. */
export interface CommandResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `command` with in-memory `out` and `err` streams; returns its exit code and their text. */
export async function captureOutput(
  command: (out: NodeJS.WritableStream, err: NodeJS.WritableStream) => Promise<number>,
): Promise<CommandResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = { out: "", err: "" };
  out.on("data", (c: Buffer) => {
    text.out += c.toString();
  });
  err.on("data", (c: Buffer) => {
    text.err += c.toString();
  });
  const code = await command(out, err);
  return { code, ...text };
}

/** Runs `pve-firewall <argv>` in-process with `env` set in `process.env` for the run (restored afterwards). */
export async function cli(argv: string[], env: Record<string, string> = {}): Promise<CommandResult> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await captureOutput((out, err) => runCli(argv, { out, err }));
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}
