/**
 * Our provider, the two ways the bench runs it:
 * - through the local runner (`pve-firewall up | refresh | preview <program>`, a child process
 *   running a real Pulumi program with Pulumi's own language runtime and dynamic-provider host),
 *   for the 10,000-entry IPSet create and the stack-level scenarios;
 * - in-process (`createProvider` called as the engine calls it: `check` with the old inputs, then
 *   `create`, or `update` with the state's outputs), for single-object edits. The check of a create
 *   reads what exists at its target, so it is measured with the create; the check of an update makes
 *   no API call. The requests are exactly those of the runner's step; the wall time leaves out the
 *   runner's start-up (a few seconds per run), which would otherwise swamp one-write edits.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type * as pulumi from "@pulumi/pulumi";
import { createProvider, type ResourceKind } from "../provider/resources/index";
import { CLI_BIN } from "./emulator";
import type { EmulatorAccess, EmulatorClient } from "./http";
import { round, TreeRssSampler } from "./measure";
import type { Measured } from "./results";

/** A dynamic provider with every method present. */
export type Provider = Required<pulumi.dynamic.ResourceProvider>;

/** Plain props. */
export type Props = Record<string, unknown>;

/** Our provider of `kind`, in this process, configured for the emulator. */
export async function providerFor(kind: ResourceKind, access: EmulatorAccess): Promise<Provider> {
  const provider = createProvider(kind, {
    PROXMOX_VE_ENDPOINT: access.endpoint,
    PROXMOX_VE_API_TOKEN: access.apiToken,
  }) as Provider;
  await provider.configure({ config: { get: () => undefined, require: () => "" } as never });
  return provider;
}

/**
 * `check` that fails loudly: the bench's inputs are always valid. `olds` are the old inputs, as the
 * engine passes them for an update (`{}` for a create).
 */
export async function checked(provider: Provider, news: Props, olds: Props = {}): Promise<Props> {
  const result = await provider.check(olds, news);
  if (result.failures?.length) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return result.inputs as Props;
}

/** The directory of a bench program (`bench/programs/<name>`) from the build output. */
export function programDir(name: "ipset" | "stack"): string {
  return join(__dirname, "..", "..", "bench", "programs", name);
}

/** A program's stack: its state dir and the JSON file its `specFile` config names. */
export class ProgramStack {
  readonly #dir = mkdtempSync(join(tmpdir(), "pve-fw-bench-"));

  constructor(
    readonly program: "ipset" | "stack",
    readonly access: EmulatorAccess,
  ) {}

  /** Writes the spec the program reads on its next run. */
  setSpec(spec: unknown): void {
    writeFileSync(join(this.#dir, "spec.json"), JSON.stringify(spec));
  }

  /**
   * Runs `pve-firewall <command>` on the program with fresh emulator counters; fails with the
   * runner's output unless it exits 0.
   */
  async run(client: EmulatorClient, command: "up" | "refresh" | "preview", ...flags: string[]): Promise<Measured> {
    await client.resetCalls();
    const args = [
      CLI_BIN,
      command,
      programDir(this.program),
      "--state-dir",
      join(this.#dir, "state"),
      "--config",
      `specFile=${join(this.#dir, "spec.json")}`,
      ...flags,
    ];
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(PROXMOX_VE_|PM_|PULUMI_)/.test(k)) env[k] = v;
    env.PROXMOX_VE_ENDPOINT = this.access.endpoint;
    env.PROXMOX_VE_API_TOKEN = this.access.apiToken;
    const start = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const sampler = new TreeRssSampler(child.pid as number);
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (c) => resolve(c));
    });
    const wallMs = performance.now() - start;
    const peakRssMb = sampler.stop();
    if (code !== 0)
      throw new Error(`pve-firewall ${command} ${this.program} exited with ${code}:\n${output.slice(-4000)}`);
    return { ...(await client.calls()), wallMs: round(wallMs), peakRssMb };
  }

  /** Removes the state and spec. */
  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
