import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../../helpers/cli";
import { useEmulator } from "../../helpers/emulator";

const CLUSTER = `[OPTIONS]
enable: 1

[IPSET management]
198.51.100.0/24

[RULES]
IN DROP -p tcp -dport 22 -source 203.0.113.9
`;
const GUEST = "[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\n";
const TOPOLOGY = {
  nodes: [{ name: "pve1", ip: "192.0.2.2", network: "192.0.2.0/24" }],
  guests: [
    { vmid: 100, type: "qemu", node: "pve1", nics: { net0: "virtio=BC:24:11:00:00:64,bridge=vmbr0,firewall=1" } },
  ],
};
const PACKETS = [
  { from: "outside", to: "host", source: "198.51.100.7", dport: 22 },
  { from: "outside", to: "host", source: "203.0.113.9", dport: 22 },
  { from: "outside", to: "vm100", dport: 443 },
  { from: "outside", to: "vm100", dport: 80 },
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "policy-cli-"));
  await mkdir(join(dir, "data/firewall"), { recursive: true });
  await writeFile(join(dir, "data/firewall/cluster.fw"), CLUSTER);
  await writeFile(join(dir, "data/firewall/100.fw"), GUEST);
  await writeFile(join(dir, "topology.json"), JSON.stringify(TOPOLOGY));
  await writeFile(
    join(dir, "packets.jsonl"),
    `${PACKETS.map((p) => JSON.stringify(p)).join("\n")}\n\n{"from":"mars","to":"host"}\nnot json\n`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const emu = useEmulator({ topology: TOPOLOGY as never });

/** The environment that points the CLI at the emulator. */
function endpoint(): Record<string, string> {
  const token = emu.handle().tokens[0]!;
  return { PROXMOX_VE_ENDPOINT: emu.handle().endpoint, PROXMOX_VE_API_TOKEN: `${token.id}=${token.secret}` };
}

describe("pve-firewall simulate", () => {
  const data = () => ["--data", join(dir, "data"), "--topology", join(dir, "topology.json")];

  it("prints one JSON line per packet, in order, with an error line for a bad packet", async () => {
    const r = await cli(["simulate", ...data(), "--packets", join(dir, "packets.jsonl")]);
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.action ?? "error")).toEqual(["ACCEPT", "DROP", "ACCEPT", "DROP", "error", "error"]);
    expect(lines[1]).toEqual({
      action: "DROP",
      decidedBy: {
        kind: "rule",
        level: "cluster",
        pos: 0,
        line: 8,
        rule: "IN DROP -source 203.0.113.9 -p tcp -dport 22",
        chain: "PVEFW-HOST-IN",
      },
    });
    expect(lines[4].error).toContain("unknown zone 'mars'");
    expect(r.code).toBe(2);
  });

  it("prints a readable verdict for one packet given by flags", async () => {
    const r = await cli(["simulate", ...data(), "--from", "outside", "--to", "vm100", "--dport", "80"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        "DROP",
        "decided by: guest 100 policy_in DROP (policy) in tap100i0-IN",
        "path:",
        "  vmbr0 (PVEFW-FORWARD): ACCEPT, traffic between bridge ports passes PVEFW-FORWARD, which only checks conntrack state",
        "  fwbr100i0 (PVEFW-FORWARD): DROP, guest 100 policy_in DROP (policy) in tap100i0-IN",
        "",
      ].join("\n"),
    );
  });

  it("prints the same verdict as one JSON line with --json", async () => {
    const r = await cli(["simulate", ...data(), "--from", "outside", "--to", "vm100", "--dport", "443", "--json"]);
    expect(JSON.parse(r.out)).toMatchObject({
      action: "ACCEPT",
      decidedBy: { kind: "rule", level: "guest", vmid: 100 },
    });
  });

  it("fails with exit code 2 and the usage without --data or --endpoint", async () => {
    const r = await cli(["simulate", "--from", "outside", "--to", "host"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("give --data DIR (with --topology FILE) or --endpoint");
  });

  it("fails with exit code 2 for a node that is not in the topology", async () => {
    const r = await cli(["simulate", ...data(), "--node", "nope", "--from", "outside", "--to", "host"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("node 'nope' is not in the topology (nodes: pve1)");
  });

  it("reads a flat directory (cluster.fw, host.fw, <vmid>.fw side by side) like the /etc/pve layout", async () => {
    const flat = join(dir, "flat");
    await mkdir(flat, { recursive: true });
    await writeFile(join(flat, "cluster.fw"), CLUSTER);
    await writeFile(join(flat, "100.fw"), GUEST);
    await writeFile(join(flat, "host.fw"), "[RULES]\nIN ACCEPT -p tcp -dport 22 -source 203.0.113.9\n");
    const r = await cli([
      "simulate",
      "--data",
      flat,
      "--topology",
      join(dir, "topology.json"),
      "--packets",
      join(dir, "packets.jsonl"),
    ]);
    const actions = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).action ?? "error");
    expect(actions).toEqual(["ACCEPT", "ACCEPT", "ACCEPT", "DROP", "error", "error"]);
  });

  it("simulates a node's host.fw with a topology that gives the node as an object", async () => {
    const hosts = join(dir, "hosts");
    await mkdir(join(hosts, "nodes/pve1"), { recursive: true });
    await writeFile(join(hosts, "nodes/pve1/host.fw"), "[RULES]\nIN DROP -p tcp -dport 22 -source 198.51.100.7\n");
    await mkdir(join(hosts, "firewall"), { recursive: true });
    await writeFile(join(hosts, "firewall/cluster.fw"), "[OPTIONS]\nenable: 1\n");
    const r = await cli([
      "simulate",
      "--data",
      hosts,
      "--topology",
      join(dir, "topology.json"),
      "--from",
      "outside",
      "--to",
      "host",
      "--source",
      "198.51.100.7",
      "--dport",
      "22",
      "--json",
    ]);
    expect(JSON.parse(r.out)).toMatchObject({
      action: "DROP",
      decidedBy: { kind: "rule", level: "host", node: "pve1" },
    });
  });

  it("warns about a host or guest file that no node or guest of the topology owns: it is not simulated", async () => {
    const extra = join(dir, "extra");
    await mkdir(join(extra, "nodes/pve9"), { recursive: true });
    await mkdir(join(extra, "firewall"), { recursive: true });
    await writeFile(join(extra, "firewall/cluster.fw"), CLUSTER);
    await writeFile(join(extra, "firewall/100.fw"), GUEST);
    await writeFile(join(extra, "firewall/555.fw"), GUEST);
    await writeFile(join(extra, "nodes/pve9/host.fw"), "[RULES]\nIN ACCEPT -p tcp -dport 22\n");
    const topology = join(dir, "topology.json");
    const r = await cli(["simulate", "--data", extra, "--topology", topology, "--from", "outside", "--to", "host"]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      [
        `warning: nodes/pve9/host.fw: no node pve9 in ${topology}: not simulated`,
        `warning: firewall/555.fw: no guest 555 in ${topology}: not simulated (add it with its NICs)`,
        "",
      ].join("\n"),
    );
  });

  it("gives the same verdicts from a live endpoint as from the data directory", async () => {
    await emu.handle().editFile("firewall/cluster.fw", CLUSTER);
    await emu.handle().editFile("firewall/100.fw", GUEST);
    const fromFiles = await cli(["simulate", ...data(), "--packets", join(dir, "packets.jsonl")]);
    const live = await cli(["simulate", "--endpoint", "--packets", join(dir, "packets.jsonl")], endpoint());
    const strip = (out: string) => out.replace(/"line":\d+,/g, "");
    expect(strip(live.out)).toBe(strip(fromFiles.out));
  });
});

describe("pve-firewall lint", () => {
  it("exits 2 with an error finding for a data directory with a rule Proxmox skips", async () => {
    const bad = join(dir, "bad");
    await mkdir(join(bad, "firewall"), { recursive: true });
    await writeFile(join(bad, "firewall/cluster.fw"), "[OPTIONS]\nenable: 1\n[RULES]\nIN ACCEPT -dport 22\n");
    const r = await cli(["lint", bad]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("firewall/cluster.fw:4: error PVEFW010 invalid-rule");
    expect(r.out).toMatch(/1 errors, 0 warnings, 0 infos\n$/);
  });

  it("lints a node's host.fw with a topology that gives the node as an object", async () => {
    const hosts = join(dir, "lint-hosts");
    await mkdir(join(hosts, "nodes/pve1"), { recursive: true });
    await writeFile(join(hosts, "nodes/pve1/host.fw"), "[RULES]\nIN ACCEPT -dport 22\n");
    const r = await cli(["lint", "--topology", join(dir, "topology.json"), hosts]);
    expect(r.out).toContain("nodes/pve1/host.fw:2: error PVEFW010 invalid-rule");
    expect(r.code).toBe(2);
  });

  it("exits 1 when the worst finding is a warning", async () => {
    const path = join(dir, "warn-cluster.fw");
    await writeFile(path, "[OPTIONS]\nenable: 1\n[RULES]\nIN ACCEPT -p tcp\nIN ACCEPT -p tcp -dport 80\n");
    const r = await cli(["lint", "--json", path]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ errors: 0, warnings: 1 });
    expect(json.findings.map((f: { code: string }) => f.code)).toEqual(["PVEFW005", "PVEFW040"]);
  });

  it("exits 0 for a clean file", async () => {
    const path = join(dir, "cluster.fw");
    await writeFile(path, "[OPTIONS]\nenable: 1\n");
    expect((await cli(["lint", path])).code).toBe(0);
  });

  it("fails with exit code 2 and the usage without a path", async () => {
    const r = await cli(["lint"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("give at least one PATH, or --endpoint");
  });

  it("lints the live cluster with --endpoint", async () => {
    await emu
      .handle()
      .editFile("firewall/cluster.fw", "[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP\nIN ACCEPT -p tcp -dport 22\n");
    const r = await cli(["lint", "--endpoint", "--json"], endpoint());
    const json = JSON.parse(r.out);
    expect(json.findings.map((f: { code: string; scope: string }) => `${f.code} ${f.scope}`)).toEqual([
      "PVEFW070 cluster rules[0]",
      "PVEFW042 cluster rules[1]",
    ]);
    expect(r.code).toBe(1);
  });
});
