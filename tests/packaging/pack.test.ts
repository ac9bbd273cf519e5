/**
 * The package as users get it: `npm pack` from a copy of the sources (no dist: `prepack` must build)
 * holds what it should and nothing else; installed into a fresh project, its bin runs through `npx`
 * and the README's install snippet applies against an emulator. Bounded: the install prefers the
 * npm cache (`--prefer-offline`), which `npm ci` has just filled.
 */
import { execFile, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { EXAMPLES_TOPOLOGY } from "../../provider/cli/demo";
import { useEmulator } from "../helpers/emulator";

const repoRoot = join(__dirname, "..", "..");
const work = mkdtempSync(join(tmpdir(), "pack-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync("npm", args, { cwd, env, encoding: "utf8", timeout: 240_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The version of a dependency in our lockfile (so the install finds it in the npm cache). */
function locked(name: string): string {
  const lock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version: string }>;
  };
  const v = lock.packages[`node_modules/${name}`]?.version;
  if (!v) throw new Error(`${name} is not in package-lock.json`);
  return v;
}

/** The first fenced TypeScript block of a README section. */
function readmeSnippet(section: string): string {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const from = readme.indexOf(`\n## ${section}\n`);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(from));
  if (from < 0 || !m?.[1]) throw new Error(`README has no ts snippet under ## ${section}`);
  return m[1];
}

describe("npm pack and install", () => {
  const emu = useEmulator({ topology: EXAMPLES_TOPOLOGY });
  let tarball = "";

  it("packs from sources without dist: built by prepack, no bench, no source maps, a license", () => {
    const src = join(work, "src");
    cpSync(repoRoot, src, {
      recursive: true,
      filter: (path) => !/^(node_modules|dist|\.git|coverage)(\/|$)|\.pulumi-local/.test(relative(repoRoot, path)),
    });
    symlinkSync(join(repoRoot, "node_modules"), join(src, "node_modules"), "dir");
    const [info] = JSON.parse(npm(["pack", "--json", "--pack-destination", work], src)) as {
      filename: string;
      files: { path: string }[];
    }[];
    if (!info) throw new Error("npm pack reported nothing");
    tarball = join(work, info.filename);
    const files = info.files.map((f) => f.path);
    for (const f of [
      "LICENSE",
      "README.md",
      "dist/provider/cli/main.js",
      "dist/sdk/index.js",
      "examples/quickstart/index.ts",
    ]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.startsWith("dist/bench") || f.endsWith(".map") || f.startsWith("tests/"))).toEqual([]);
    expect(readFileSync(join(src, "LICENSE"), "utf8")).toMatch(/^\s+Apache License\s+Version 2\.0, January 2004/);
  }, 240_000);

  it("installs into a fresh project where npx pve-firewall runs and the README's snippet applies", async () => {
    const app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, main: "index.ts" }));
    writeFileSync(join(app, "Pulumi.yaml"), "name: app\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, module: "node16", target: "ES2023", skipLibCheck: true } }),
    );
    writeFileSync(join(app, "index.ts"), readmeSnippet("Install"));
    const deps = [`@pulumi/pulumi@${locked("@pulumi/pulumi")}`, `typescript@${locked("typescript")}`];
    npm(["install", tarball, ...deps, "--prefer-offline", "--no-audit", "--no-fund"], app);

    const version = spawnSync("npx", ["--no-install", "pve-firewall", "version"], { cwd: app, encoding: "utf8" });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version);

    const token = emu.handle().tokens[0];
    if (!token) throw new Error("no token");
    const env = {
      ...process.env,
      PROXMOX_VE_ENDPOINT: emu.handle().endpoint,
      PROXMOX_VE_API_TOKEN: `${token.id}=${token.secret}`,
    };
    // async: the emulator answers from this process
    const up = await promisify(execFile)("npx", ["--no-install", "pve-firewall", "up", "."], {
      cwd: app,
      env,
      timeout: 240_000,
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    // the one thing on stderr: the lockout guard saying it has nothing to check from loopback
    expect({ code: "code" in up ? up.code : 0, err: up.stderr.trim().split("\n") }).toEqual({
      code: 0,
      err: [
        expect.stringMatching(
          /^lockout guard: proxmox:managementSources is not set .* 127\.0\.0\.1, a loopback address/,
        ),
      ],
    });
    expect(up.stdout).toContain("Resources: + 3 created, 0 unchanged");
  }, 300_000);
});
