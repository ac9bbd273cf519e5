import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exitChanges } from "../../provider/runner/cli";
import { runCommand } from "./helpers";

// several runs of the program per test: room for a busy 2-core machine
jest.setTimeout(180_000);
describe("Pulumi.yaml options.refresh: always", () => {
  const dir = mkdtempSync(join(tmpdir(), "runner-refresh-"));
  const cloudFile = join(dir, "cloud.json");
  const base = ["--state-dir", dir, "-c", `cloudFile=${cloudFile}`, "--secret", "token=t"];
  beforeAll(() => {
    process.env.PULUMI_CONFIG_PASSPHRASE = "test-passphrase";
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("makes a plain preview read the resources back and report drift", async () => {
    const always = join(__dirname, "fixtures", "refresh-always");
    const plain = join(__dirname, "fixtures", "cloud");
    expect((await runCommand("up", [always, ...base, "--skip-preview"])).code).toBe(0);
    const cloud = JSON.parse(readFileSync(cloudFile, "utf8")) as { items: Record<string, { size: number }> };
    const b = Object.keys(cloud.items).find((k) => k.startsWith("b-")) ?? "";
    (cloud.items[b] as { size: number }).size = 42;
    writeFileSync(cloudFile, JSON.stringify(cloud));
    const unaware = await runCommand("preview", [plain, ...base, "--expect-no-changes"]);
    expect(unaware.code).toBe(0);
    const drift = await runCommand("preview", [always, ...base, "--expect-no-changes"]);
    expect(drift.code).toBe(exitChanges);
    expect(drift.out).toMatch(/~ +update +pulumi-nodejs:dynamic:Resource {2}b \[diff: ~size\]/);
  });
});
