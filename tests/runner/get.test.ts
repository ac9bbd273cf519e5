/**
 * `Resource.get(name, id)` through the runner as the engine runs it (a read step: the provider's
 * Read gets the program's properties as inputs and state, through the real dynamic-provider host),
 * for several kinds, against an emulator pre-seeded with a 100,000-entry IPSet: more than gRPC's
 * 4 MiB default message allows between runner, host and program.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLES_TOPOLOGY } from "../../provider/cli/demo";
import { useEmulator } from "../helpers/emulator";
import { type FixtureResource, useRunnerStack, writes } from "./helpers";

const BIG = 100_000;

/** `/etc/pve/firewall/cluster.fw` with an alias, two rules and a BIG-entry IPSet. */
function clusterFw(): string {
  const entries: string[] = [];
  for (let i = 0; i < BIG; i++) entries.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  return [
    "[ALIASES]",
    "",
    "office 192.0.2.0/24 # head office",
    "",
    "[IPSET big] # appended by cron",
    "",
    ...entries,
    "",
    "[RULES]",
    "",
    "IN ACCEPT -source dc/office -p tcp -dport 8006",
    "IN SSH(ACCEPT) -source +dc/big",
    "",
  ].join("\n");
}

const dataDir = mkdtempSync(join(tmpdir(), "runner-get-"));
mkdirSync(join(dataDir, "firewall"), { recursive: true });
writeFileSync(join(dataDir, "firewall", "cluster.fw"), clusterFw());
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const emu = useEmulator({ topology: EXAMPLES_TOPOLOGY, dataDir });
const stack = useRunnerStack(() => emu.handle());

const reads: FixtureResource[] = [
  { kind: "Alias", name: "office", get: "cluster/alias/office" },
  { kind: "FirewallRules", name: "dc", get: "cluster" },
  { kind: "IpSet", name: "big", get: "cluster/ipset/big" },
];

describe("Resource.get through the runner", () => {
  it("reads an alias, a rule list and a 100,000-entry IPSet, refreshes them, and never writes", async () => {
    const before = await emu.handle().readFile("firewall/cluster.fw");
    const up = await stack.run("up", reads, "--skip-preview");
    expect(up.err).toBe("");
    expect(up.code).toBe(0);
    expect(up.out).toContain("Resources: > 3 read, 0 unchanged");
    expect(up.out).toContain('entries: {"big":100000}');
    expect(up.out).toContain('refs: {"big":"+dc/big","office":"dc/office"}');
    const state = stack.state();
    expect(state.resources.filter((r) => r.external).map((r) => r.urn.replace(/.*::/, ""))).toEqual([
      "office",
      "dc",
      "big",
    ]);
    const big = state.resources.find((r) => r.urn.endsWith("::big"));
    expect((big?.outputs.entries as unknown[] | undefined)?.length).toBe(BIG);

    const refresh = await stack.run("refresh", reads, "--expect-no-changes");
    expect(refresh.code).toBe(0);
    expect(refresh.out).toContain("Resources: 3 unchanged");

    const destroy = await stack.run("destroy", [], "--skip-preview");
    expect(destroy.code).toBe(0);
    expect(destroy.out).toContain("Resources: - 3 discarded, 0 unchanged");
    expect(writes(emu.handle())).toEqual({});
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(before);
  }, 300_000);

  it("reads an ID not known in a preview as empty outputs", async () => {
    const r = await stack.run("preview", [
      { kind: "Alias", name: "made", args: { name: "made", cidr: "198.51.100.1" } },
      { kind: "Alias", name: "again", get: { $ref: "made.id" } },
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/> +read +pulumi-nodejs:dynamic\/proxmox-firewall:Alias {2}again/);
    expect(r.out).toContain("Resources: + 1 to create, > 1 to read, 0 unchanged");
  });

  it("fails a get() of an object that does not exist, naming its ID", async () => {
    const r = await stack.run("preview", [{ kind: "Alias", name: "gone", get: "cluster/alias/gone" }]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'error: pulumi-nodejs:dynamic/proxmox-firewall:Alias gone: read: id: Alias.get: no Alias with ID "cluster/alias/gone" exists',
    );
  });
});
