import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "./helpers";

// several runs of the program per test: room for a busy 2-core machine
jest.setTimeout(180_000);

describe("delete-before-replace with dependents", () => {
  const dir = mkdtempSync(join(tmpdir(), "runner-dbr-"));
  const cloudFile = join(dir, "cloud.json");
  const fixture = join(__dirname, "fixtures", "cloud");
  const base = [fixture, "--state-dir", dir, "-c", `cloudFile=${cloudFile}`, "-c", "aDbr=true", "--skip-preview"];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("deletes a dependent the replacement would replace first, then re-creates both in order", async () => {
    expect((await runCommand("up", [...base, "-c", "bRefReplaces=true"])).code).toBe(0);
    const cloud = JSON.parse(readFileSync(cloudFile, "utf8")) as { log: string[] };
    writeFileSync(cloudFile, JSON.stringify({ ...cloud, log: [] }));
    const r = await runCommand("up", [...base, "-c", "bRefReplaces=true", "-c", "aZone=z2"]);
    expect(r.code).toBe(0);
    // b's ref comes from a, and a changed ref replaces b: b goes first, comes back after a
    expect((JSON.parse(readFileSync(cloudFile, "utf8")) as { log: string[] }).log).toEqual([
      "delete b",
      "delete a",
      "create a",
      "create b",
    ]);
    expect(r.out).toMatch(/\+- +replaced +pulumi-nodejs:dynamic:Resource {2}b \[diff: ~ref\]/);
  });
});
