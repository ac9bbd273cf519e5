/**
 * The one emulator of a bench run: `pve-firewall emulator` in its own process (plain HTTP on
 * loopback, port 0, a fresh data dir), so its work does not share the bench's event loop and the
 * bench's memory figures hold only the client side. Started with the run's latency and write cost.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { EmulatorAccess } from "./http";

/** The built CLI (`dist/provider/cli/main.js`), next to this file's build output. */
export const CLI_BIN = join(__dirname, "..", "provider", "cli", "main.js");

/** Timing of the emulated server. */
export interface EmulatorTiming {
  /** Delay added to every API request, ms (`--latency`). */
  readonly latencyMs: number;
  /** Time every write holds the file's lock, ms (`--write-cost`). */
  readonly writeCostMs: number;
}

/** A running emulator process. */
export interface EmulatorProcess extends EmulatorAccess {
  /** Stops it (SIGTERM: it closes the server and removes its data dir). */
  stop(): Promise<void>;
}

/** Starts the emulator and resolves once it printed its endpoint. */
export async function startEmulatorProcess(timing: EmulatorTiming): Promise<EmulatorProcess> {
  const apiToken = `root@pam!bench=${randomBytes(16).toString("hex")}`;
  const controlToken = randomBytes(16).toString("hex");
  const args = [
    CLI_BIN,
    "emulator",
    "--listen",
    "127.0.0.1:0",
    "--http",
    "--latency",
    String(timing.latencyMs),
    "--write-cost",
    String(timing.writeCostMs),
    "--token",
    apiToken,
    "--control-token",
    controlToken,
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const endpoint = await firstLine(child).catch((e: unknown) => {
    child.kill("SIGKILL");
    throw e;
  });
  return {
    endpoint,
    apiToken,
    controlToken,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code} before it was ready`)));
    lines.once("line", (line) => {
      try {
        resolve((JSON.parse(line) as { endpoint: string }).endpoint);
      } catch {
        reject(new Error(`emulator: unexpected first line ${line.slice(0, 200)}`));
      }
    });
  });
}
