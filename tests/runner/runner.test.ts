import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exitChanges, type RunnerCommand } from "../../provider/runner/cli";
import type { CommandResult } from "../helpers/cli";
import { runCommand } from "./helpers";

const fixture = join(__dirname, "fixtures", "cloud");

interface Cloud {
  items: Record<string, Record<string, unknown>>;
  log: string[];
}

/** Runs `command`; these tests are about what up applies: previewing first is covered in engine-options.test.ts. */
function run(command: RunnerCommand, argv: string[]): Promise<CommandResult> {
  return runCommand(command, command === "up" ? [...argv, "--skip-preview"] : argv);
}

// several runs of the program per test: room for a busy 2-core machine
jest.setTimeout(180_000);

describe("runRunnerCli", () => {
  const dir = mkdtempSync(join(tmpdir(), "runner-"));
  const cloudFile = join(dir, "cloud.json");
  const stateFile = join(dir, "dev.json");
  const base = [fixture, "--state-dir", dir, "-c", `cloudFile=${cloudFile}`, "--secret", "token=hunter2-flag"];
  const cloud = (): Cloud => JSON.parse(readFileSync(cloudFile, "utf8")) as Cloud;
  const takeLog = (): string[] => {
    const c = cloud();
    writeFileSync(cloudFile, JSON.stringify({ ...c, log: [] }));
    return c.log;
  };
  beforeAll(() => {
    process.env.PULUMI_CONFIG_PASSPHRASE = "test-passphrase";
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates in dependency order, writes state and keeps secrets out of stdout and state", async () => {
    const r = await run("up", base);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Resources: + 4 created, 0 unchanged");
    expect(r.out).toMatch(/token: "\[secret\]"/);
    expect(r.err).toContain("cloud: creating a in zone z1");
    const log = takeLog();
    expect(log.indexOf("create a")).toBeLessThan(log.indexOf("create b"));
    expect(log.indexOf("create b")).toBeLessThan(log.indexOf("create c"));
    const state = readFileSync(stateFile, "utf8");
    expect(state).toContain("urn:pulumi:dev::cloud-fixture::pulumi-nodejs:dynamic:Resource::c");
    expect(`${r.out}${r.err}${state}`).not.toContain("hunter2");
    expect(state).toContain('"ciphertext"');
  });

  it("shows no changes on a second preview and passes --expect-no-changes", async () => {
    const r = await run("preview", [...base, "--expect-no-changes"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Resources: 4 unchanged");
  });

  it("updates exactly the changed property and fails --expect-no-changes in preview first", async () => {
    const p = await run("preview", [...base, "-c", "aSize=5", "--expect-no-changes"]);
    expect(p.code).toBe(exitChanges);
    expect(p.out).toMatch(/~ +update +pulumi-nodejs:dynamic:Resource {2}a \[diff: ~size\]/);
    const r = await run("up", [...base, "-c", "aSize=5"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Resources: ~ 1 updated, 3 unchanged");
    expect(takeLog()).toEqual(["update a"]);
  });

  it("replaces create-before-delete, or delete-before-replace when the provider asks", async () => {
    const cbd = await run("up", [...base, "-c", "aSize=5", "-c", "aZone=z2"]);
    expect(cbd.code).toBe(0);
    expect(cbd.out).toMatch(/\+- +replaced +pulumi-nodejs:dynamic:Resource {2}a \[diff: ~zone\]/);
    expect(takeLog()).toEqual(["create a", "update b", "delete a"]);
    const dbr = await run("up", [...base, "-c", "aSize=5", "-c", "aZone=z3", "-c", "aDbr=true"]);
    expect(dbr.code).toBe(0);
    expect(dbr.out).toContain("(delete-before-replace)");
    expect(takeLog().slice(0, 2)).toEqual(["delete a", "create a"]);
  });

  it("fails preview --refresh --expect-no-changes naming the drifted property", async () => {
    const c = cloud();
    const bId = Object.keys(c.items).find((k) => k.startsWith("b-")) ?? "";
    c.items[bId] = { ...c.items[bId], size: 42 };
    writeFileSync(cloudFile, JSON.stringify(c));
    const args = [...base, "-c", "aSize=5", "-c", "aZone=z3", "-c", "aDbr=true"];
    const r = await run("preview", [...args, "--refresh", "--expect-no-changes"]);
    expect(r.code).toBe(exitChanges);
    expect(r.out).toMatch(/~ +update +pulumi-nodejs:dynamic:Resource {2}b \[diff: ~size\]/);
    expect((await run("up", [...args, "--refresh"])).code).toBe(0);
    expect(cloud().items[bId]?.size).toBe(2);
    takeLog();
  });

  it("deletes a removed resource, reports a provider error and records a partial failure", async () => {
    const args = [...base, "-c", "aSize=5", "-c", "aZone=z3", "-c", "aDbr=true"];
    const removed = await run("up", [...args, "-c", "dropC=true"]);
    expect(removed.code).toBe(0);
    expect(removed.out).toContain("- 1 deleted");
    expect(takeLog()).toEqual(["delete c"]);

    const failed = await run("up", [...args, "-c", "dropC=true", "-c", "failMode=error"]);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain("cloud refused f: quota exceeded");

    const part = await run("up", [...args, "-c", "dropC=true", "-c", "failMode=partial"]);
    expect(part.code).toBe(1);
    expect(part.err).toContain("cloud created f but it failed to start");
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as { resources: { urn: string; initErrors: string[] }[] };
    const f = state.resources.find((x) => x.urn.endsWith("::f"));
    expect(f?.initErrors).toEqual(["health check failed"]);
  });

  it("destroys everything in reverse dependency order", async () => {
    takeLog();
    const r = await run("destroy", base);
    expect(r.code).toBe(0);
    const log = takeLog();
    expect(log.indexOf("delete b")).toBeLessThan(log.indexOf("delete a"));
    expect(log.indexOf("delete f")).toBeLessThan(log.indexOf("delete a"));
    expect(cloud().items).toEqual({});
  });
});
