import { normaliseTopology } from "../../../emulator/topology";
import { parseNic, readTopology } from "../../../provider/policy/topology";

describe("readTopology", () => {
  it("gives nodes named without details the same defaults as the emulator", () => {
    const file = {
      nodes: ["pve1", { name: "pve2", ip: "2001:db8:1::2" }, { name: "pve3", rings: ["192.0.2.4", "198.51.100.4"] }],
    };
    const policy = readTopology(file).nodes;
    expect(policy).toEqual(normaliseTopology(file).nodeDetails);
    expect(policy[0]).toEqual({
      name: "pve1",
      ip: "192.0.2.2",
      network: "192.0.2.0/24",
      rings: ["192.0.2.2"],
      iface: "vmbr0",
    });
  });

  it("has corosync only for a cluster of two or more nodes or an explicit corosync key", () => {
    expect(readTopology({ nodes: ["pve1"] }).corosync).toBeUndefined();
    expect(readTopology({ nodes: ["a", "b"] }).corosync).toEqual({ transport: "knet" });
    expect(readTopology({ nodes: ["a"], corosync: { transport: "udp" } }).corosync).toEqual({ transport: "udp" });
  });

  it("keeps only net<N> keys of a guest's config as NICs", () => {
    const t = readTopology({
      guests: [
        { vmid: 100, type: "qemu", node: "pve1", nics: { net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0", scsi0: "x" } },
      ],
    });
    expect(t.guests[0]?.nics.map((n) => n.id)).toEqual(["net0"]);
  });

  it("fails naming the field when a node address is not an IP address", () => {
    expect(() => readTopology({ nodes: [{ name: "pve1", ip: "pve1.lan" }] })).toThrow(
      "topology nodes.0.ip: must be an IPv4 or IPv6 address",
    );
  });
});

describe("parseNic", () => {
  it("reads a VM NIC's MAC from its model key, its bridge and firewall flag", () => {
    expect(parseNic("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,tag=5", "qemu")).toEqual({
      id: "net0",
      bridge: "vmbr0",
      firewall: true,
      mac: "BC:24:11:00:00:01",
    });
  });

  it("reads a container NIC's hwaddr and static addresses without their prefix", () => {
    expect(
      parseNic(
        "net1",
        "name=eth1,bridge=vmbr1,hwaddr=BC:24:11:00:00:02,ip=10.0.0.5/24,ip6=2001:db8::5/64,firewall=1",
        "lxc",
      ),
    ).toEqual({
      id: "net1",
      bridge: "vmbr1",
      firewall: true,
      mac: "BC:24:11:00:00:02",
      ip: "10.0.0.5",
      ip6: "2001:db8::5",
    });
  });

  it("ignores dhcp and auto addresses and reads firewall=0 as off", () => {
    expect(parseNic("net0", "name=eth0,bridge=vmbr0,ip=dhcp,ip6=auto,firewall=0", "lxc")).toEqual({
      id: "net0",
      bridge: "vmbr0",
      firewall: false,
    });
  });
});
