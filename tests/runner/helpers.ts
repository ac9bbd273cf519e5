/**
 * Runner test helpers: run a runner command in-process on the `firewall` fixture (resources from a
 * JSON config value) against an emulator, with a private state dir, and collect its output.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorHandle } from "../../emulator/index";
import { type RunnerCommand, runRunnerCli } from "../../provider/runner/cli";
import { type CommandResult, captureOutput } from "../helpers/cli";

/** The fixture whose resources come from `-c resources=<json>`. */
export const firewallFixture = join(__dirname, "fixtures", "firewall");

/** One resource of the fixture program. */
export interface FixtureResource {
  readonly kind: string;
  readonly name: string;
  readonly args?: Record<string, unknown>;
  readonly opts?: Record<string, unknown>;
  /** An ID to read with `Resource.get` instead of declaring the resource (`{ $ref: "name.id" }` for an output). */
  readonly get?: string | { readonly $ref: string };
  /** Export every output property of the resource object as the stack output `outputs.<name>`. */
  readonly exportOutputs?: boolean;
}

/** Runs a runner command in-process and collects stdout and stderr. */
export async function runCommand(command: RunnerCommand, argv: string[]): Promise<CommandResult> {
  return captureOutput((out, err) => runRunnerCli(command, argv, out, err));
}

/** A state dir plus the emulator's credentials in the environment, for one test file. */
export function useRunnerStack(emu: () => EmulatorHandle) {
  const stateDir = mkdtempSync(join(tmpdir(), "runner-stack-"));
  const saved = { endpoint: process.env.PROXMOX_VE_ENDPOINT, token: process.env.PROXMOX_VE_API_TOKEN };
  beforeAll(() => {
    const token = emu().tokens[0];
    if (!token) throw new Error("emulator has no token");
    process.env.PROXMOX_VE_ENDPOINT = emu().endpoint;
    process.env.PROXMOX_VE_API_TOKEN = `${token.id}=${token.secret}`;
  });
  afterAll(() => {
    for (const [k, v] of [
      ["PROXMOX_VE_ENDPOINT", saved.endpoint],
      ["PROXMOX_VE_API_TOKEN", saved.token],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(stateDir, { recursive: true, force: true });
  });
  return {
    stateDir,
    /** Runs `command` on the fixture declaring `resources` (stack `stack`, default dev). */
    run(command: RunnerCommand, resources: readonly FixtureResource[], ...flags: string[]): Promise<CommandResult> {
      const argv = [firewallFixture, "--state-dir", stateDir, "-c", `resources=${JSON.stringify(resources)}`];
      return runCommand(command, [...argv, ...flags]);
    },
    /** The stack's state file, parsed. */
    state(stack = "dev"): {
      resources: { urn: string; external: boolean; protect: boolean; outputs: Record<string, unknown> }[];
      pendingOperations: { type: string; resource: { urn: string } }[];
    } {
      return JSON.parse(readFileSync(join(stateDir, `${stack}.json`), "utf8"));
    },
  };
}

/** Write calls (POST/PUT/DELETE) of an emulator's counters. */
export function writes(emu: EmulatorHandle): Record<string, number> {
  return Object.fromEntries(Object.entries(emu.calls.snapshot()).filter(([k]) => !k.startsWith("GET ")));
}
