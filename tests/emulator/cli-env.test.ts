import { execFileSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { runEmulatorCli } from "../../emulator/cli";
import { createProvider } from "../../provider/resources/index";

async function firstLines(read: () => string, count: number): Promise<string[]> {
  for (;;) {
    const lines = read().split("\n");
    if (lines.length > count) return lines.slice(0, count);
    await new Promise((r) => setImmediate(r));
  }
}

describe("pve-firewall emulator --env", () => {
  it("prints export lines that a shell evaluates into a working provider configuration", async () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (c: Buffer) => {
      text += c.toString("utf8");
    });
    const abort = new AbortController();
    const run = runEmulatorCli(["--listen", "127.0.0.1:0", "--env", "--token", "ci@pve!fw=it's-secret"], out, {
      signal: abort.signal,
    });
    try {
      const lines = await firstLines(() => text, 3);
      expect(lines.map((l) => l.replace(/=.*/, ""))).toEqual([
        "export PROXMOX_VE_ENDPOINT",
        "export PROXMOX_VE_API_TOKEN",
        "export PROXMOX_VE_FINGERPRINT",
      ]);
      // what a user's shell makes of them: `eval "$(...)"`, then the variables as the provider reads them
      const script = `${lines.join("\n")}\nnode -e 'process.stdout.write(JSON.stringify(process.env))'`;
      const shell = execFileSync("bash", ["--norc", "--noprofile", "-c", script], {
        env: { PATH: process.env.PATH },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const env = JSON.parse(shell.toString()) as {
        PROXMOX_VE_ENDPOINT: string;
        PROXMOX_VE_API_TOKEN: string;
        PROXMOX_VE_FINGERPRINT: string;
      };
      expect(env.PROXMOX_VE_ENDPOINT).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(env.PROXMOX_VE_API_TOKEN).toBe("ci@pve!fw=it's-secret");
      expect(env.PROXMOX_VE_FINGERPRINT).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      // TLS verified against the pinned fingerprint, authenticated with the token
      const rules = createProvider("FirewallRules", env);
      await rules.configure?.({ config: { get: () => undefined, require: () => "" } } as never);
      expect(await rules.read?.("cluster", {})).toMatchObject({ id: "cluster", props: { rules: [] } });
    } finally {
      abort.abort();
      expect(await run).toBe(0);
    }
  });
});
