/**
 * The local runner as a separate process (the built bin, `dist/`), for tests that `kill -9` it: each run
 * is started detached, in its own process group (runner, language host, provider host), so a test can
 * kill the whole group, or the runner alone, at a chosen moment. Every group still running at the end of
 * a test is killed by the `afterEach` hook of {@link useRunnerProcesses}.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { EmulatorHandle } from "../../emulator/index";
import { emulatorEnv } from "../provider/helpers";

const repoRoot = join(__dirname, "..", "..");
const bin = join(repoRoot, "dist", "provider", "cli", "main.js");

/** What a finished run printed, and its exit code (`null` when it was killed by a signal). */
export interface RunResult {
  readonly code: number | null;
  readonly output: string;
}

/** A started run: its process (the group leader) and its end. */
export interface RunnerRun {
  readonly child: ChildProcess;
  readonly done: Promise<RunResult>;
}

/** Starts and tracks runner processes of one test file. */
export interface RunnerProcesses {
  /**
   * Starts `pve-firewall <command> <program> --state-dir <stateDir> <flags>` in its own process group,
   * with the environment of this process minus every `PROXMOX_VE_*`, `PM_*` and `PULUMI_*` variable,
   * plus `env` (by default the endpoint and token of `emu`).
   */
  start(
    command: string,
    program: string,
    stateDir: string,
    flags: readonly string[],
    env?: NodeJS.ProcessEnv,
  ): RunnerRun;
  /** Kills the process group of `run` with SIGKILL. */
  killGroup(run: RunnerRun): void;
}

/** Registers the `afterEach` hook that kills what is still running; `emu` gives the default credentials. */
export function useRunnerProcesses(emu: () => EmulatorHandle): RunnerProcesses {
  const running = new Set<ChildProcess>();
  const killGroup = (child: ChildProcess) => {
    try {
      process.kill(-(child.pid ?? 0), "SIGKILL");
    } catch {
      // the group is gone already
    }
  };
  afterEach(() => {
    for (const child of running) killGroup(child);
    running.clear();
  });
  return {
    start(command, program, stateDir, flags, env) {
      const base: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!/^(PROXMOX_VE_|PM_|PULUMI_)/.test(k)) base[k] = v;
      Object.assign(base, env ?? emulatorEnv(emu()));
      const child = spawn(process.execPath, [bin, command, program, "--state-dir", stateDir, ...flags], {
        env: base,
        cwd: repoRoot,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      running.add(child);
      let output = "";
      child.stdout?.on("data", (d: Buffer) => {
        output += d.toString();
      });
      child.stderr?.on("data", (d: Buffer) => {
        output += d.toString();
      });
      const done = new Promise<RunResult>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => {
          running.delete(child);
          resolve({ code, output });
        });
      });
      return { child, done };
    },
    killGroup: (run) => killGroup(run.child),
  };
}

/** Polls `test` every 5 ms until it holds; fails after `timeoutMs` (a runner start takes seconds). */
export async function until(what: string, test: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * After a kill: waits until no client connection to `emu` is open (every process of the killed run
 * is gone, a provider host left behind included: its held requests keep its connections open until
 * it exits), then releases what the emulator holds (clearing the faults) and waits until it has
 * handled it. What the run had in flight has then landed, as requests already on the wire do after
 * a kill, and nothing of it is still coming.
 */
export async function landInFlight(emu: EmulatorHandle): Promise<void> {
  await until("every process of the killed run is gone", () => emu.activity().connections === 0);
  emu.faults.clear();
  await until("the emulator handled the requests it held", () => emu.activity().requests === 0);
}
