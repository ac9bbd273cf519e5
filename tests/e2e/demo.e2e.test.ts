import { createServer } from "node:net";
import { PassThrough } from "node:stream";
import { runCli } from "../../provider/cli";

/** A port that was free a moment ago (the demo binds it right after). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function demo(argv: string[]): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => {
    text += c.toString();
  });
  err.on("data", (c: Buffer) => {
    text += c.toString();
  });
  const code = await runCli(["demo", ...argv], { out, err });
  return { code, text };
}

describe("pve-firewall demo (npm start)", () => {
  it("applies the quickstart on the chosen address, catches a GUI edit as drift, repairs it, and exits 0", async () => {
    const port = await freePort();
    const { code, text } = await demo(["--listen", `127.0.0.1:${port}`]);
    expect(code).toBe(0);
    expect(text).toContain(`emulator is listening on http://127.0.0.1:${port}`);
    expect(text).toContain("Resources: + 8 created");
    expect(text).toMatch(/update .*IpSet {2}management \[diff: ~entries\]/);
    expect(text).toMatch(/update .*ClusterFirewallOptions {2}cluster \[diff: ~policyIn\]/);
    expect(text).toContain(
      "API writes to repair the drift: 1 x POST /cluster/firewall/ipset/{name}, 1 x PUT /cluster/firewall/options",
    );
    expect(text).toContain("Demo finished");
  }, 180_000);

  it("fails with exit code 2 and the usage on a malformed --listen", async () => {
    const { code, text } = await demo(["--listen", "localhost"]);
    expect(code).toBe(2);
    expect(text).toContain("--listen: expected HOST:PORT, got 'localhost'");
    expect(text).toContain("usage: pve-firewall demo [--listen HOST:PORT]");
  });
});
