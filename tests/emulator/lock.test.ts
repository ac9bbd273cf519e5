import { useEmulator } from "../helpers/emulator";
import { form, formHeaders, rawCall } from "./http";

const emu = useEmulator({ lockTimeoutMs: 100, writeCostMs: 400 });

function post(path: string, comment: string) {
  return rawCall(emu.apiBase(), "POST", path, {
    headers: formHeaders(emu.authorization()),
    body: form({ type: "in", action: "DROP", comment }),
  });
}

describe("per-file locks", () => {
  it("fails with a lock timeout when a write waits too long for the same file's lock", async () => {
    const [a, b] = await Promise.all([
      post("/cluster/firewall/rules", "a"),
      rawCall(emu.apiBase(), "PUT", "/cluster/firewall/options", {
        headers: formHeaders(emu.authorization()),
        body: form({ policy_in: "DROP" }),
      }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 500]);
    const failed = a.status === 500 ? a : b;
    expect(failed.body.message).toBe("cfs-lock 'firewall-cluster' error: got lock request timeout\n");
  });

  it("lets writes to different files run in parallel", async () => {
    const results = await Promise.all([
      post("/nodes/pve1/qemu/100/firewall/rules", "a"),
      post("/nodes/pve1/lxc/101/firewall/rules", "b"),
      post("/nodes/pve1/firewall/rules", "c"),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it("shares one lock between the qemu and lxc paths of a vmid", async () => {
    const [a, b] = await Promise.all([
      post("/nodes/pve1/qemu/300/firewall/rules", "a"),
      post("/nodes/pve1/lxc/300/firewall/rules", "b"),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 500]);
    expect((a.status === 500 ? a : b).reason).toBe("cfs-lock 'firewall-vm-300' error: got lock request timeout");
  });
});
