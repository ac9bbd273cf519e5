import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageVersion } from "../../../provider/cli";
import { cli } from "../../helpers/cli";

const pkg = require("../../../package.json") as { version: string };

describe("pve-firewall cli", () => {
  it("prints help listing every command with --help", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("usage: pve-firewall <command>");
    expect(r.out).toContain("version");
  });

  it("prints the package version", async () => {
    expect(packageVersion()).toBe(pkg.version);
    expect((await cli(["version"])).out).toBe(`${pkg.version}\n`);
    expect((await cli(["--version"])).out).toBe(`${pkg.version}\n`);
  });

  it("fails with exit code 2 on an unknown command", async () => {
    const r = await cli(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown command 'frobnicate'");
  });

  it("runs as the built bin entry", () => {
    const bin = join(__dirname, "../../../dist/provider/cli/main.js");
    expect(existsSync(bin)).toBe(true);
    expect(execFileSync(process.execPath, [bin, "version"], { encoding: "utf8" })).toBe(`${pkg.version}\n`);
  });
});
