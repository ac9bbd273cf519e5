import { PassThrough } from "node:stream";
import { runCli } from "../../provider/cli";

describe("pve-firewall demo (npm start)", () => {
  it("applies the quickstart, catches a GUI edit as drift, repairs it, and exits 0", async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let text = "";
    out.on("data", (c: Buffer) => {
      text += c.toString();
    });
    err.on("data", (c: Buffer) => {
      text += c.toString();
    });
    const code = await runCli(["demo"], { out, err });
    expect(code).toBe(0);
    expect(text).toContain("Resources: + 8 created");
    expect(text).toMatch(/update .*IpSet {2}management \[diff: ~entries\]/);
    expect(text).toMatch(/update .*ClusterFirewallOptions {2}cluster \[diff: ~policyIn\]/);
    expect(text).toContain(
      "API writes to repair the drift: 1 x POST /cluster/firewall/ipset/{name}, 1 x PUT /cluster/firewall/options",
    );
    expect(text).toContain("Demo finished");
  }, 180_000);
});
