/**
 * The examples end to end: every program in `examples/` that needs only this package runs
 * unmodified through the built `pve-firewall` bin (the local runner: Pulumi's own language runtime
 * and dynamic-provider host) against a fresh emulator, through the life an operator gives it:
 * apply, a clean re-plan, an out-of-band edit of one `.fw` file as an admin would make it in the
 * GUI, the drift check that names it, the repair, and a destroy that leaves the server exactly as
 * it was found. Needs `dist/` (`npm test` builds it first).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { EmulatorHandle } from "../../emulator/index";
import { EXAMPLES_TOPOLOGY } from "../../provider/cli/demo";
import { exitChanges } from "../../provider/runner/cli";
import { type EmulatorFixture, useEmulator } from "../helpers/emulator";

const repoRoot = join(__dirname, "..", "..");
const bin = join(repoRoot, "dist", "provider", "cli", "main.js");

/** Per-example limit: six runs of about 5 s each (measured ~30 s on 2 cores), room for a busy machine. */
const smallExampleTimeoutMs = 180_000;
/**
 * `blocklist` creates 10,000 IPSet entries one POST each (Proxmox has no bulk API): its first `up`
 * alone took ~96 s (whole test ~140 s) on 2 cores.
 */
const blocklistTimeoutMs = 600_000;

interface RunResult {
  readonly code: number | null;
  /** stdout and stderr, interleaved as they arrived. */
  readonly output: string;
}

/** The out-of-band edit and what the drift check must then report. */
interface DriftSpec {
  /** Folder under `examples/`. */
  readonly example: string;
  /** Extra runner flags for every command (e.g. `--config`). */
  readonly flags?: readonly string[];
  /** The `/etc/pve`-relative `.fw` file the admin edits. */
  readonly file: string;
  /** The edit, applied to the file's text as the program left it. */
  readonly edit: (text: string) => string;
  /** Resource name the drift check must name, with the drifted property. */
  readonly resource: string;
  readonly property: string;
  /** Extra checks on the first `up`'s output and the files it wrote. */
  readonly afterUp?: (up: RunResult, emu: EmulatorHandle) => Promise<void>;
  /** Extra checks on the emulator's call counts of the repairing `up --refresh`. */
  readonly afterRepair?: (calls: Record<string, number>) => void;
}

/** `text` with the one occurrence of `from` replaced; fails loudly when the example changed. */
function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) {
    throw new Error(`edit: expected exactly one ${JSON.stringify(from)} in:\n${text}`);
  }
  return `${text.slice(0, at)}${to}${text.slice(at + from.length)}`;
}

/** Every file under the emulator's data dir, by relative path. */
function snapshotFiles(emu: EmulatorHandle): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(emu.dataDir, path)] = readFileSync(path, "utf8");
    }
  };
  walk(emu.dataDir);
  return files;
}

/** Write calls (POST/PUT/DELETE) of a call-count snapshot. */
function writeCalls(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(calls).filter(([key]) => !key.startsWith("GET ")));
}

/** The runner's environment: credentials for this emulator only, nothing inherited from the shell. */
function runnerEnv(emu: EmulatorHandle): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(PROXMOX_VE_|PM_|PULUMI_)/.test(key)) env[key] = value;
  }
  const token = emu.tokens[0];
  if (!token) throw new Error("emulator has no token");
  env.PROXMOX_VE_ENDPOINT = emu.endpoint;
  env.PROXMOX_VE_API_TOKEN = `${token.id}=${token.secret}`;
  return env;
}

/** Runs `pve-firewall <args>` as a child process of the built bin. */
function runBin(args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Fails with the command's whole output when its exit code is not `want`. */
function expectExit(step: string, result: RunResult, want: number): void {
  if (result.code !== want) {
    throw new Error(`${step} exited with ${result.code}, expected ${want}; output:\n${result.output}`);
  }
}

/** Matches the in-place update line (`update`, `updating`, `updated`) of `resource` naming `property`. */
function diffLine(resource: string, property: string): RegExp {
  return new RegExp(`~\\s+updat\\w*\\s+\\S+\\s+${resource} \\[diff: (?:[^\\]]*,)?~?${property}(?:,[^\\]]*)?\\]`);
}

/**
 * up → preview --expect-no-changes → GUI edit → preview --refresh --expect-no-changes (exit 2, names
 * the drift, writes nothing) → up --refresh → preview --refresh --expect-no-changes (exit 0) →
 * destroy (initial files exactly); and no output or state ever contains the token secret.
 */
async function exerciseExample(fixture: EmulatorFixture, spec: DriftSpec): Promise<void> {
  const emu = fixture.handle();
  const stateDir = mkdtempSync(join(tmpdir(), `e2e-${spec.example}-`));
  const env = runnerEnv(emu);
  const outputs: string[] = [];
  const run = async (command: string, ...flags: string[]): Promise<RunResult> => {
    const args = [command, join(repoRoot, "examples", spec.example), "--state-dir", stateDir, ...(spec.flags ?? [])];
    const result = await runBin([...args, ...flags], env);
    outputs.push(result.output);
    return result;
  };
  try {
    const initial = snapshotFiles(emu);

    const up = await run("up");
    expectExit("up", up, 0);
    expect(up.output).toMatch(/Resources: \+ \d+ created, 0 unchanged/);
    await spec.afterUp?.(up, emu);
    const applied = snapshotFiles(emu);

    const clean = await run("preview", "--expect-no-changes");
    expectExit("preview --expect-no-changes", clean, 0);

    const before = await emu.readFile(spec.file);
    if (before === undefined) throw new Error(`up wrote no ${spec.file}`);
    await emu.editFile(spec.file, spec.edit(before));
    const drifted = snapshotFiles(emu);

    const check = await run("preview", "--refresh", "--expect-no-changes");
    expectExit("preview --refresh --expect-no-changes after the edit", check, exitChanges);
    expect(check.output).toMatch(diffLine(spec.resource, spec.property));
    expect(check.output).toContain("no changes were expected but changes were found");
    expect(snapshotFiles(emu)).toEqual(drifted);

    emu.calls.reset();
    const repair = await run("up", "--refresh");
    expectExit("up --refresh", repair, 0);
    expect(repair.output).toMatch(diffLine(spec.resource, spec.property));
    expect(snapshotFiles(emu)).toEqual(applied);
    spec.afterRepair?.(emu.calls.snapshot());

    const recheck = await run("preview", "--refresh", "--expect-no-changes");
    expectExit("preview --refresh --expect-no-changes after the repair", recheck, 0);

    const destroy = await run("destroy");
    expectExit("destroy", destroy, 0);
    expect(destroy.output).toMatch(/Resources: - \d+ deleted, 0 unchanged/);
    expect(snapshotFiles(emu)).toEqual(initial);

    const secret = emu.tokens[0]?.secret ?? "";
    expect(secret.length).toBeGreaterThan(0);
    for (const output of outputs) expect(output).not.toContain(secret);
    for (const name of readdirSync(stateDir)) {
      expect(readFileSync(join(stateDir, name), "utf8")).not.toContain(secret);
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${relative(repoRoot, bin)} is missing: run \`npm run build\` first`);
});

describe("examples/quickstart", () => {
  const fixture = useEmulator({ topology: EXAMPLES_TOPOLOGY });

  it(
    "applies, detects a guest policy changed in the GUI, repairs it and destroys cleanly",
    async () => {
      await exerciseExample(fixture, {
        example: "quickstart",
        file: "firewall/100.fw",
        edit: (text) => replaceOnce(text, "policy_in: DROP", "policy_in: ACCEPT"),
        resource: "vm-options",
        property: "policyIn",
        afterUp: async (up) => {
          expect(up.output).toContain('managementRef: "+dc/management"');
          expect(up.output).toContain("vmFirewallEnforced: true");
        },
        afterRepair: (calls) =>
          expect(writeCalls(calls)).toEqual({ "PUT /nodes/{node}/qemu/{vmid}/firewall/options": 1 }),
      });
    },
    smallExampleTimeoutMs,
  );
});

describe("examples/datacenter-baseline", () => {
  const fixture = useEmulator({ topology: EXAMPLES_TOPOLOGY });

  it(
    "applies the dev stack config, detects a node option switched off in the GUI and repairs it",
    async () => {
      await exerciseExample(fixture, {
        example: "datacenter-baseline",
        file: "nodes/pve1/host.fw",
        edit: (text) => replaceOnce(text, "tcpflags: 1", "tcpflags: 0"),
        resource: "node-pve1",
        property: "tcpflags",
        afterUp: async (_up, emu) => {
          const cluster = (await emu.readFile("firewall/cluster.fw")) ?? "";
          expect(cluster).toContain("192.0.2.0/24");
          expect(cluster).toContain("198.51.100.0/24");
        },
        afterRepair: (calls) => expect(writeCalls(calls)).toEqual({ "PUT /nodes/{node}/firewall/options": 1 }),
      });
    },
    smallExampleTimeoutMs,
  );
});

describe("examples/web-server-vm", () => {
  const fixture = useEmulator({ topology: EXAMPLES_TOPOLOGY });

  it(
    "applies, detects a rule added to the security group in the GUI and removes it again",
    async () => {
      await exerciseExample(fixture, {
        example: "web-server-vm",
        file: "firewall/cluster.fw",
        edit: (text) =>
          replaceOnce(text, "IN Web(ACCEPT)", "IN ACCEPT -p tcp -dport 8080 # opened in the GUI\nIN Web(ACCEPT)"),
        resource: "webserver",
        property: "rules",
        afterUp: async (up) => {
          expect(up.output).toContain('securityGroup: "webserver"');
          expect(up.output).toContain("enforced: false");
          expect(up.output).toContain("cluster firewall is disabled");
        },
        afterRepair: (calls) =>
          expect(writeCalls(calls)).toEqual({ "DELETE /cluster/firewall/groups/{group}/{pos}": 1 }),
      });
    },
    smallExampleTimeoutMs,
  );
});

describe("examples/drift-check", () => {
  const fixture = useEmulator({ topology: EXAMPLES_TOPOLOGY });

  it(
    "fails the drift check without writing when a rule is disabled in the GUI, and passes after up",
    async () => {
      await exerciseExample(fixture, {
        example: "drift-check",
        file: "firewall/cluster.fw",
        edit: (text) => replaceOnce(text, "IN SSH(ACCEPT)", "|IN SSH(ACCEPT)"),
        resource: "cluster-rules",
        property: "rules",
        afterRepair: (calls) => expect(writeCalls(calls)).toEqual({ "PUT /cluster/firewall/rules/{pos}": 1 }),
      });
    },
    smallExampleTimeoutMs,
  );
});

describe("examples/blocklist", () => {
  const fixture = useEmulator({ topology: EXAMPLES_TOPOLOGY });

  it(
    "applies 10,000 entries, detects one deleted in the GUI and re-adds only that one",
    async () => {
      await exerciseExample(fixture, {
        example: "blocklist",
        file: "firewall/cluster.fw",
        edit: (text) => replaceOnce(text, "\n198.18.48.57\n", "\n"),
        resource: "blocklist",
        property: "entries",
        afterUp: async (up, emu) => {
          expect(up.output).toContain("blocklistSize: 10000");
          expect(emu.calls.get("POST /cluster/firewall/ipset/{name}")).toBe(10_000);
        },
        afterRepair: (calls) => expect(writeCalls(calls)).toEqual({ "POST /cluster/firewall/ipset/{name}": 1 }),
      });
    },
    blocklistTimeoutMs,
  );
});
