/**
 * Every entry point says which Node.js it needs, in one line, before anything else loads: the bin,
 * the emulator module and the provider as Pulumi's dynamic-provider host loads it. They run on an
 * older Node: the machine's own when it has one (found on PATH outside node_modules), else this
 * Node reporting 20.0.0 (a preload replaces `process.versions`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { MIN_NODE_VERSION, unsupportedNodeMessage } from "../../provider/node-version";
import { serializeProvider, startProviderHost } from "../../provider/runner/provider-host";
import { providerShim } from "../../sdk/shim";

const repoRoot = join(__dirname, "..", "..");

/** An older Node.js: `execPath` and leading args, plus the version it reports. */
function olderNode(): { execPath: string; args: string[]; version: string } {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "node");
    if (dir.includes("node_modules") || !existsSync(candidate)) continue;
    const version = execFileSync(candidate, ["-p", "process.versions.node"]).toString().trim();
    if (unsupportedNodeMessage(version)) return { execPath: candidate, args: [], version };
  }
  const fake = "Object.defineProperty(process,'versions',{value:{...process.versions,node:'20.0.0'}})";
  return {
    execPath: process.execPath,
    args: ["--import", `data:text/javascript,${encodeURIComponent(fake)}`],
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
