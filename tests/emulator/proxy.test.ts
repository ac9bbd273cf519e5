import { useEmulator } from "../helpers/emulator";
import { form, rawCall } from "./http";

const emu = useEmulator({
  topology: { nodes: ["pve1", "pve2"], guests: [{ vmid: 100, type: "qemu", node: "pve1", name: "web" }] },
});

function call(method: string, path: string, body?: Record<string, string | number>) {
  return rawCall(emu.apiBase(), method, path, {
    headers: {
      authorization: emu.authorization(),
      ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    },
    ...(body ? { body: form(body) } : {}),
  });
}

const LOOKUP = "hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or service not known\n";

describe("calls Proxmox runs on the node in the path (proxyto)", () => {
  it.each([
    ["GET", "/nodes/pve9/qemu/100/firewall/options"],
    ["PUT", "/nodes/pve9/qemu/100/firewall/options"],
    ["GET", "/nodes/pve9/lxc/100/firewall/log"],
    ["GET", "/nodes/pve9/firewall/rules"],
    ["POST", "/nodes/pve9/firewall/rules"],
    ["GET", "/nodes/pve9/firewall/options"],
    ["GET", "/nodes/pve9/qemu"],
    ["GET", "/nodes/pve9/qemu/100/config"],
  ])("fails %s %s for a node the cluster does not have, as the proxy's hostname lookup does", async (method, path) => {
    const r = await call(method, path, method === "GET" ? undefined : { enable: 1, type: "in", action: "ACCEPT" });
    expect({ status: r.status, message: r.body.message }).toEqual({ status: 500, message: LOOKUP });
  });

  it("fails before verifying the parameters, which the target node would do", async () => {
    const r = await call("GET", "/nodes/pve9/qemu/99/firewall/options");
    expect({ status: r.status, message: r.body.message }).toEqual({ status: 500, message: LOOKUP });
  });

  it("answers a guest's options under another node of the cluster, which reads the same file", async () => {
    await call("PUT", "/nodes/pve1/qemu/100/firewall/options", { enable: 1 });
    const r = await call("GET", "/nodes/pve2/qemu/100/firewall/options");
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ enable: 1 });
  });
});

describe("calls Proxmox runs on any node (no proxyto)", () => {
  it("answers a guest's rules, aliases and IPSets under any node name, as Proxmox does (OBSERVED.md §l)", async () => {
    for (const leaf of ["rules", "aliases", "ipset", "refs"]) {
      expect((await call("GET", `/nodes/pve9/qemu/100/firewall/${leaf}`)).status).toBe(200);
    }
  });
});
