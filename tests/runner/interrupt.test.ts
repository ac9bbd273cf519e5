/**
 * `kill -9` of the runner (the built bin) in the middle of an `up`: the provider host stops within a
 * second and starts no API write after that; the state file is not wedged (the lock goes stale, a
 * pending operation records what was interrupted, and the next `up` warns as the engine does and
 * goes on).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLES_TOPOLOGY } from "../../provider/cli/demo";
import { useEmulator } from "../helpers/emulator";
import { firewallFixture, runCommand, writes } from "./helpers";

const repoRoot = join(__dirname, "..", "..");
const bin = join(repoRoot, "dist", "provider", "cli", "main.js");

/** Pids of the live children of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === pid && fields[0] !== "Z") out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] !== "Z";
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Starts `pve-firewall <argv>` as a child process with `env` added. */
function startBin(argv: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [bin, ...argv], { env: { ...process.env, ...env }, stdio: "ignore" });
}

const stateDir = mkdtempSync(join(tmpdir(), "runner-kill-"));
const leftovers: number[] = [];
afterAll(() => {
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, "SIGKILL");
  rmSync(stateDir, { recursive: true, force: true });
});

describe("kill -9 of the runner", () => {
  const emu = useEmulator({ topology: EXAMPLES_TOPOLOGY });

  it("stops the provider host within a second: no API write starts later", async () => {
    const entries = Array.from({ length: 3000 }, (_, i) => `198.18.${i >> 8}.${i & 255}`);
    const resources = [{ kind: "IpSet", name: "big", args: { name: "big", entries } }];
    const token = emu.handle().tokens[0];
    if (!token) throw new Error("no token");
    const env = { PROXMOX_VE_ENDPOINT: emu.handle().endpoint, PROXMOX_VE_API_TOKEN: `${token.id}=${token.secret}` };
    const argv = [firewallFixture, "--state-dir", stateDir, "-c", `resources=${JSON.stringify(resources)}`];
    const runner = startBin(["up", ...argv, "--skip-preview"], env);
    const runnerPid = runner.pid ?? 0;
    const total = () => Object.values(writes(emu.handle())).reduce((a, b) => a + b, 0);
    await until("the create to be under way", () => total() >= 100);
    const hosts = childrenOf(runnerPid).filter((p) => cmdline(p).includes("dynamic-provider"));
    leftovers.push(...childrenOf(runnerPid));
    expect(hosts).toHaveLength(1);

    runner.kill("SIGKILL");
    await sleep(1000);
    const atOneSecond = total();
    expect(hosts.filter(alive)).toEqual([]);
    await sleep(2000);
    expect(total()).toBe(atOneSecond);
    expect(atOneSecond).toBeLessThan(3001);

    // not wedged: the lock goes stale, the state records the interrupted create, a preview plans it again
    const state = JSON.parse(readFileSync(join(stateDir, "dev.json"), "utf8")) as {
      pendingOperations: { type: string; resource: { urn: string } }[];
    };
    expect(state.pendingOperations.map((op) => [op.type, op.resource.urn.replace(/.*::/, "")])).toEqual([
      ["creating", "big"],
    ]);
    const preview = await runCommand("preview", [...argv]);
    expect(preview.code).toBe(0);
    expect(preview.out).toContain("Resources: + 1 to create, 0 unchanged");
  }, 300_000);
});

describe("pending operations", () => {
  it("warns about a create interrupted by kill -9 and creates the resource on the next up", async () => {
    const cloudDir = join(__dirname, "fixtures", "cloud");
    const cloudFile = join(stateDir, "cloud-items.json");
    const argv = [cloudDir, "--state-dir", stateDir, "-s", "cloud", "-c", `cloudFile=${cloudFile}`];
    const env = { PULUMI_CONFIG_PASSPHRASE: "test-passphrase" };
    const stateFile = join(stateDir, "cloud.json");
    const pending = () =>
      existsSync(stateFile) &&
      (
        JSON.parse(readFileSync(stateFile, "utf8")) as { pendingOperations?: { resource: { urn: string } }[] }
      ).pendingOperations?.some((op) => op.resource.urn.endsWith("::slow")) === true;
    const runner = startBin(["up", ...argv, "-c", "slowMs=60000", "--skip-preview"], env);
    await until("the slow create to start", pending);
    leftovers.push(...childrenOf(runner.pid ?? 0));
    runner.kill("SIGKILL");
    await until("the runner to exit", () => runner.exitCode !== null || runner.signalCode !== null);
    for (const pid of leftovers) if (alive(pid)) process.kill(pid, "SIGKILL");

    process.env.PULUMI_CONFIG_PASSPHRASE = env.PULUMI_CONFIG_PASSPHRASE;
    const up = await runCommand("up", [...argv, "-c", "slowMs=1"]);
    expect(up.code).toBe(0);
    expect(up.err).toMatch(/warning: Attempting to deploy or update resources with \d+ pending operations/);
    expect(up.err).toContain(
      "urn:pulumi:cloud::cloud-fixture::pulumi-nodejs:dynamic:Resource::slow, interrupted while creating",
    );
    expect(up.out).toMatch(/created .*slow/);
  }, 300_000);
});
