/**
 * Every entry point says which Node.js it needs, in one line, before anything else loads: the bin,
 * the SDK and the emulator modules (thrown when imported, printed when run as the program) and the
 * provider as Pulumi's dynamic-provider host loads it. They run on an
 * older Node: the machine's own when it has one (found on PATH outside node_modules), else this
 * Node reporting 20.0.0 (a preload replaces `process.versions`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { MIN_NODE_VERSION, unsupportedNodeMessage } from "../../provider/node-version";
import { serializeProvider, startProviderHost } from "../../provider/runner/provider-host";
import { providerShim } from "../../sdk/shim";
import { firewallFixture, runCommand } from "../runner/helpers";

const repoRoot = join(__dirname, "..", "..");

/** A preload that makes this Node report version 20.0.0. */
const FAKE_20 = "Object.defineProperty(process,'versions',{value:{...process.versions,node:'20.0.0'}})";

/** An older Node.js: `execPath` and leading args, plus the version it reports. */
function olderNode(): { execPath: string; args: string[]; version: string } {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "node");
    if (dir.includes("node_modules") || !existsSync(candidate)) continue;
    const version = execFileSync(candidate, ["-p", "process.versions.node"]).toString().trim();
    if (unsupportedNodeMessage(version)) return { execPath: candidate, args: [], version };
  }
  return {
    execPath: process.execPath,
    args: ["--import", `data:text/javascript,${encodeURIComponent(FAKE_20)}`],
    version: "20.0.0",
  };
}

const old = olderNode();
const expected = `pulumi-proxmox-firewall needs Node.js >= 22.19; this is v${old.version}`;

describe("unsupportedNodeMessage", () => {
  it("matches engines.node of package.json", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
  });

  it.each([
    ["20.20.2", true],
    ["22.18.9", true],
    ["22.19.0", false],
    ["22.23.3", false],
    ["24.1.0", false],
  ])("says %s is unsupported: %s", (version, unsupported) => {
    expect(unsupportedNodeMessage(version) !== undefined).toBe(unsupported);
  });
});

describe("entry points on an older Node", () => {
  const run = (code: string[]) =>
    spawnSync(old.execPath, [...old.args, ...code], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });

  it("the pve-firewall bin prints one line and exits 1", () => {
    const r = run([join(repoRoot, "dist", "provider", "cli", "main.js"), "version"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${expected}\n`);
    expect(r.stdout).toBe("");
  });

  it("the emulator module throws that line", () => {
    const r = run(["-e", "try{require('./dist/emulator/index.js')}catch(e){process.stdout.write(e.message)}"]);
    expect(r.stdout).toBe(expected);
  });

  it("the SDK, as a program requires it by name, throws that line", () => {
    const r = run(["-e", "try{require('pulumi-proxmox-firewall')}catch(e){process.stdout.write(e.message)}"]);
    expect(r.stdout).toBe(expected);
  });

  it("the emulator module run as the program prints one line and exits 1", () => {
    const r = run([join(repoRoot, "dist", "emulator", "index.js")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${expected}\n`);
    expect(r.stdout).toBe("");
  });

  it("a Pulumi program that imports the SDK fails with that line alone under Pulumi's language runtime", async () => {
    // The runner starts the language runtime with its own Node, so that Node is made to report 20.0.0.
    const saved = process.env.NODE_OPTIONS;
    const stateDir = mkdtempSync(join(tmpdir(), "node-version-"));
    process.env.NODE_OPTIONS = `--import=data:text/javascript,${encodeURIComponent(FAKE_20)}`;
    try {
      const r = await runCommand("preview", [
        firewallFixture,
        "--state-dir",
        stateDir,
        "-c",
        "resources=[]",
        "--debug",
      ]);
      expect(r.code).toBe(1);
      // `--debug` prints the runtime's error as it came: without a stack trace or "Running program ... failed".
      expect(r.err.split("\n").filter((l) => l.startsWith("error:"))).toEqual([
        "error: pulumi-proxmox-firewall needs Node.js >= 22.19; this is v20.0.0",
      ]);
      expect(r.err).not.toMatch(/^\s+at /m);
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 60_000);

  it("the provider, as Pulumi's dynamic-provider host loads it, answers every call with that line", async () => {
    const host = await startProviderHost({ project: "test", stack: "dev", cwd: repoRoot, node: old });
    try {
      await host.configure({});
      const code = await serializeProvider(providerShim("Alias"));
      await expect(host.check("urn:a", {}, { __provider: code, name: "a", cidr: "192.0.2.1" })).rejects.toThrow(
        expected,
      );
    } finally {
      await host.close();
    }
  });
});
