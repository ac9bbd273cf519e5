import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { packageVersion, runCli } from "../../../provider/cli";

const pkg = require("../../../package.json") as { version: string };

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: "", err: "" };
  out.on("data", (c: Buffer) => {
    chunks.out += c.toString();
  });
  err.on("data", (c: Buffer) => {
    chunks.err += c.toString();
  });
  const code = await runCli(argv, { out, err });
  return { code, ...chunks };
}

describe("pve-firewall cli", () => {
  it("prints help listing every command with --help", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("usage: pve-firewall <command>");
    expect(r.out).toContain("version");
  });

  it("prints the package version", async () => {
    expect(packageVersion()).toBe(pkg.version);
    expect((await run(["version"])).out).toBe(`${pkg.version}\n`);
    expect((await run(["--version"])).out).toBe(`${pkg.version}\n`);
  });

  it("fails with exit code 2 on an unknown command", async () => {
    const r = await run(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown command 'frobnicate'");
  });

  it("runs as the built bin entry", () => {
    const bin = join(__dirname, "../../../dist/provider/cli/main.js");
    expect(existsSync(bin)).toBe(true);
    expect(execFileSync(process.execPath, [bin, "version"], { encoding: "utf8" })).toBe(`${pkg.version}\n`);
  });
});
