import { useEmulator } from "../helpers/emulator";
import { rawCall } from "./http";

const emu = useEmulator({
  topology: {
    nodes: [
      "pve1",
      { name: "pve2", ip: "198.51.100.20", network: "198.51.100.0/25", rings: ["198.51.100.20", "203.0.113.20"] },
      { name: "pve3", ip: "2001:db8::3", iface: "vmbr1" },
    ],
    guests: [
      { vmid: 100, type: "qemu", node: "pve2", nics: { net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1" } },
      { vmid: 101, type: "lxc", node: "pve2", nics: { net0: "name=eth0,bridge=vmbr7,ip=dhcp" } },
    ],
  },
});

function get(path: string) {
  return rawCall(emu.apiBase(), "GET", path, { headers: { authorization: emu.authorization() } });
}

describe("GET /cluster/status", () => {
  it("lists the cluster and every node with its address from the topology", async () => {
    expect((await get("/cluster/status")).body.data).toEqual([
      { type: "cluster", id: "cluster", name: "emulator", nodes: 3, quorate: 1, version: 1 },
      { type: "node", id: "node/pve1", name: "pve1", nodeid: 1, ip: "192.0.2.2", online: 1, local: 1, level: "" },
      { type: "node", id: "node/pve2", name: "pve2", nodeid: 2, ip: "198.51.100.20", online: 1, local: 0, level: "" },
      { type: "node", id: "node/pve3", name: "pve3", nodeid: 3, ip: "2001:db8::3", online: 1, local: 0, level: "" },
    ]);
  });
});

describe("GET /nodes/{node}/network", () => {
  it("reports the bridge holding the node's address with its cidr, and the guests' other bridges", async () => {
    const data = (await get("/nodes/pve2/network")).body.data as Record<string, unknown>[];
    expect(data.map((i) => i.iface)).toEqual(["eth0", "vmbr0", "vmbr7"]);
    expect(data[1]).toMatchObject({
      iface: "vmbr0",
      type: "bridge",
      address: "198.51.100.20",
      netmask: "25",
      cidr: "198.51.100.20/25",
      bridge_ports: "eth0",
    });
    expect(data[2]).not.toHaveProperty("cidr");
  });

  it("defaults a node named without details to 192.0.2.<index + 2>/24 on vmbr0", async () => {
    const data = (await get("/nodes/pve1/network?type=bridge")).body.data as Record<string, unknown>[];
    expect(data).toEqual([expect.objectContaining({ iface: "vmbr0", cidr: "192.0.2.2/24" })]);
  });

  it("reports an IPv6 address as cidr6 on the configured interface", async () => {
    const data = (await get("/nodes/pve3/network?type=any_bridge")).body.data as Record<string, unknown>[];
    expect(data).toEqual([
      expect.objectContaining({ iface: "vmbr1", address6: "2001:db8::3", cidr6: "2001:db8::3/64" }),
    ]);
  });

  it("fails for a node that is not in the topology", async () => {
    const r = await get("/nodes/nope/network");
    expect(r.status).toBe(500);
    expect(r.body.message).toMatch(/^hostname lookup 'nope' failed/);
  });
});
