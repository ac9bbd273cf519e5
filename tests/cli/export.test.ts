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
