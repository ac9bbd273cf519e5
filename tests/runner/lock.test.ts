import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCK_WAIT_MS, lockStack } from "../../provider/runner/lock";
import { runCommand } from "./helpers";

// several runs of the program per test: room for a busy 2-core machine
jest.setTimeout(180_000);

describe("state lock", () => {
  const dir = mkdtempSync(join(tmpdir(), "runner-lock-"));
  const fixture = join(__dirname, "fixtures", "cloud");
  const argv = [fixture, "--state-dir", dir, "-c", `cloudFile=${join(dir, "cloud.json")}`];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("makes a second runner on the same stack wait, then fail naming the lock", async () => {
    const release = await lockStack(join(dir, "dev.json"), "dev", () => {});
    try {
      const blocked = await runCommand("preview", argv);
      expect(blocked.code).toBe(1);
      expect(blocked.err).toContain(
        `error: stack dev is locked by another pve-firewall run (${join(dir, "dev.json")}.lock); waited ${LOCK_WAIT_MS / 1000} s`,
      );
    } finally {
      await release();
    }
    const holder = await lockStack(join(dir, "dev.json"), "dev", () => {});
    setTimeout(() => void holder(), 1000);
    const waited = await runCommand("preview", argv);
    expect(waited.code).toBe(0);
  });
});
