import { join } from "node:path";
import type { TopologyInput } from "../../emulator/index";
import { normaliseTopology } from "../../emulator/topology";
import { answers, cli, FIXTURES, fixtureDir, readTree, serve, tempDir } from "./helpers";

let work: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  work = await tempDir("fw-export-");
});

afterAll(async () => {
  await work.remove();
});

describe("pve-firewall export", () => {
  it.each(FIXTURES)("gives a fresh emulator the same API answers as the source (%s)", async (name) => {
    const source = await serve(fixtureDir(name));
    const out = join(work.path, name);
    let before: Map<string, unknown>;
    try {
      const r = await cli(["export", "--out", out], source.env);
      expect(r.code).toBe(0);
      before = await answers(source.emulator, source.topology);
      expect(
        [...before.entries()].filter(
          ([path, a]) => !path.endsWith("/refs") && (a as { status: number }).status !== 200,
        ),
      ).toEqual([]);
    } finally {
      await source.emulator.stop();
    }
    const files = await readTree(out);
    const topology = JSON.parse(files.get("topology.json")!) as TopologyInput;
    expect(normaliseTopology(topology)).toEqual(normaliseTopology(source.topology));
    const copy = await serve(out, topology);
    try {
      expect(await answers(copy.emulator, topology)).toEqual(before);
    } finally {
      await copy.emulator.stop();
    }
  });

  it.each(FIXTURES)("re-imports as the same program as the source gives (%s)", async (name) => {
    const exported = join(work.path, `${name}-reimport`);
    const direct = join(work.path, `${name}-direct`);
    const source = await serve(fixtureDir(name));
    try {
      expect((await cli(["export", "--out", exported], source.env)).code).toBe(0);
      expect((await cli(["import", "--out", direct], source.env)).code).toBe(0);
    } finally {
      await source.emulator.stop();
    }
    const again = join(work.path, `${name}-again`);
    expect((await cli(["import", "--from", exported, "--out", again])).code).toBe(0);
    expect(await readTree(again)).toEqual(await readTree(direct));
  });

  it("writes the files laid out like /etc/pve, keeping what Proxmox could not parse", async () => {
    const source = await serve(fixtureDir("unparseable"));
    const out = join(work.path, "unparseable-files");
    try {
      expect((await cli(["export", "--out", out], source.env)).code).toBe(0);
    } finally {
      await source.emulator.stop();
    }
    const files = await readTree(out);
    expect([...files.keys()]).toEqual(["firewall/102.fw", "firewall/cluster.fw", "topology.json"]);
    expect(files.get("firewall/cluster.fw")).toBe(
      [
        "[OPTIONS]",
        "",
        "enable: 0",
        "",
        "[ALIASES]",
        "",
        "(unparseable alias line)",
        "lab 192.0.2.20",
        "",
        "[IPSET servers] # lab servers",
        "",
        "(unparseable ipset line)",
        "192.0.2.22",
        "192.0.2.22",
        "dc/nosuchalias",
        "lab # by alias",
        "0.0.0.0/0",
        "",
        "[RULES]",
        "",
        "IN ACCEPT -source +servers -p tcp -dport 22",
        "OUT ACCEPT -p udp -dport 123 # ntp",
        "IN ACCEPT -source nosuchalias -p tcp -dport 80 # names a missing alias",
        "|IN DROP -source +nosuchset",
        "GROUP nosuchgroup",
        "",
        "[group web]",
        "",
        "IN ACCEPT -dest nosuchalias -p tcp -dport 443",
        "IN ACCEPT -p tcp -dport 8443",
        "",
        "",
      ].join("\n"),
    );
    expect(files.get("firewall/102.fw")).toBe(
      "[IPSET trusted]\n\n192.0.2.30\n192.0.2.31 # second\n[RULES] #\n(unparseable ipset line)\n\n",
    );
  });

  it("regress-tryout-a-b3 writes each node's address, network and interface, so a fresh emulator answers as the source", async () => {
    const topology: TopologyInput = {
      nodes: [
        { name: "pve1", ip: "10.0.0.5", network: "10.0.0.0/23" },
        { name: "pve2", ip: "2001:db8:7::2", iface: "vmbr1" },
      ],
      guests: [
        { vmid: 100, type: "qemu", node: "pve1", name: "web", nics: { net0: "virtio=BC:24:11:00:00:64,bridge=vmbr0" } },
        { vmid: 101, type: "lxc", node: "pve2", name: "db", nics: { net0: "name=eth0,bridge=vmbr0,firewall=1" } },
      ],
      vnets: [{ vnet: "vnet1", zone: "zone1" }],
    };
    const source = await serve(fixtureDir("all-scopes"), topology);
    const out = join(work.path, "addresses");
    let before: Map<string, unknown>;
    try {
      expect((await cli(["export", "--out", out], source.env)).code).toBe(0);
      before = await answers(source.emulator, topology);
    } finally {
      await source.emulator.stop();
    }
    const exported = JSON.parse((await readTree(out)).get("topology.json")!) as TopologyInput;
    expect(exported.nodes).toEqual([
      { name: "pve1", ip: "10.0.0.5", network: "10.0.0.0/23", iface: "vmbr0" },
      { name: "pve2", ip: "2001:db8:7::2", network: "2001:db8:7::/64", iface: "vmbr1" },
    ]);
    const copy = await serve(out, exported);
    try {
      const after = await answers(copy.emulator, exported);
      expect(after.get("/cluster/status")).toEqual(before.get("/cluster/status"));
      expect(after).toEqual(before);
    } finally {
      await copy.emulator.stop();
    }
  });

  it("exports one scope only", async () => {
    const source = await serve(fixtureDir("all-scopes"));
    try {
      const out = join(work.path, "one-vnet");
      expect((await cli(["export", "--scope", "vnet/vnet1", "--out", out], source.env)).code).toBe(0);
      expect([...(await readTree(out)).keys()]).toEqual(["sdn/firewall/vnet1.fw", "topology.json"]);
    } finally {
      await source.emulator.stop();
    }
  });
});
