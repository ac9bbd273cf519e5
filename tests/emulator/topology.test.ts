import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTopologyFile, normaliseTopology } from "../../emulator/topology";

describe("normaliseTopology", () => {
  it("keeps old files with bare node names valid and fills in addresses", () => {
    const t = normaliseTopology({ nodes: ["pve1", "pve2"] });
    expect(t.nodes).toEqual(["pve1", "pve2"]);
    expect(t.nodeDetails).toEqual([
      { name: "pve1", ip: "192.0.2.2", network: "192.0.2.0/24", rings: ["192.0.2.2"], iface: "vmbr0" },
      { name: "pve2", ip: "192.0.2.3", network: "192.0.2.0/24", rings: ["192.0.2.3"], iface: "vmbr0" },
    ]);
  });

  it("takes a node object's ip, network and rings as given", () => {
    const t = normaliseTopology({
      nodes: [{ name: "pve1", ip: "192.0.2.2", network: "192.0.2.0/24", rings: ["192.0.2.2", "198.51.100.2"] }],
    });
    expect(t.nodeDetails[0]?.rings).toEqual(["192.0.2.2", "198.51.100.2"]);
  });

  it("derives an IPv6 node's network with a /64", () => {
    expect(normaliseTopology({ nodes: [{ name: "v6", ip: "2001:db8:1:2::7" }] }).nodeDetails[0]?.network).toBe(
      "2001:db8:1:2::/64",
    );
  });

  it("fails on a node address that is not an IP address", () => {
    expect(() => normaliseTopology({ nodes: [{ name: "pve1", ip: "pve1.example" }] })).toThrow(
      "topology node pve1: ip 'pve1.example' is not an IP address",
    );
  });

  it("fails on a network without a prefix", () => {
    expect(() => normaliseTopology({ nodes: [{ name: "pve1", network: "192.0.2.0" }] })).toThrow(
      "topology node pve1: network '192.0.2.0' is not a CIDR such as 192.0.2.0/24",
    );
  });
});

describe("loadTopologyFile", () => {
  it("reads a file that mixes bare names and node objects", async () => {
    const dir = await mkdtemp(join(tmpdir(), "topo-"));
    try {
      const path = join(dir, "topology.json");
      await writeFile(path, JSON.stringify({ nodes: ["a", { name: "b", ip: "10.0.0.2" }], guests: [] }));
      const t = normaliseTopology(await loadTopologyFile(path));
      expect(t.nodes).toEqual(["a", "b"]);
      expect(t.nodeDetails[1]).toMatchObject({ ip: "10.0.0.2", network: "10.0.0.0/24" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
