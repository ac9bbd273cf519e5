/**
 * `pve-firewall import` end to end: the program it writes, run unmodified through the built bin's
 * local runner (Pulumi's own language runtime and dynamic-provider host), recreates the imported
 * firewall on an empty cluster exactly, and a refresh then finds no drift: every generated argument
 * is valid and canonical-equal to what Proxmox holds. Needs `dist/` (`npm test` builds it first).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { answers, cli, fixtureDir, serve, tempDir } from "../cli/helpers";

const repoRoot = join(__dirname, "..", "..");
const bin = join(repoRoot, "dist", "provider", "cli", "main.js");

function runBin(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PROXMOX_VE_|PM_|PULUMI_)/.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...base, ...env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    for (const stream of [child.stdout, child.stderr]) stream.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** API answers without digests, IPSet entries sorted: what does not depend on the order entries were added in. */
function semantic(all: Map<string, unknown>): Map<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "digest")
        .map(([k, v]) => [k, strip(v)]),
    );
  };
  return new Map(
    [...all].map(([path, answer]) => {
      const clean = strip(answer) as { data: unknown };
      if (/\/ipset\/[^/]+$/.test(path) && Array.isArray(clean.data))
        clean.data = [...clean.data].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      return [path, clean];
    }),
  );
}

/** Write calls (anything but GET) the emulator has answered so far. */
function writes(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(calls).filter(([key]) => !key.startsWith("GET ")));
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error("dist/provider/cli/main.js is missing: run `npm run build` first");
});

describe("an imported program", () => {
  it("recreates the imported firewall on an empty cluster and finds no drift on refresh", async () => {
    const work = await tempDir("fw-import-e2e-");
    await symlink(join(repoRoot, "node_modules"), join(work.path, "node_modules"), "dir");
    const program = join(work.path, "program");
    const source = await serve(fixtureDir("all-scopes"));
    let before: Map<string, unknown>;
    try {
      expect((await cli(["import", "--out", program], source.env)).code).toBe(0);
      before = await answers(source.emulator, source.topology);
    } finally {
      await source.emulator.stop();
    }
    const empty = await tempDir("fw-empty-");
    const fresh = await serve(empty.path, source.topology);
    try {
      const flags = [program, "--state-dir", join(work.path, "state")];
      const up = await runBin(["up", ...flags, "--yes"], fresh.env);
      expect({ code: up.code, tail: up.output.slice(-2000) }).toMatchObject({ code: 0 });
      expect(up.output).toContain("Resources: + 19 created, 0 unchanged");
      expect(semantic(await answers(fresh.emulator, fresh.topology))).toEqual(semantic(before));
      const check = await runBin(["preview", ...flags, "--refresh", "--expect-no-changes"], fresh.env);
      expect({ code: check.code, tail: check.output.slice(-2000) }).toMatchObject({ code: 0 });
    } finally {
      await fresh.emulator.stop();
      await empty.remove();
      await work.remove();
    }
  }, 300_000);
});

/** The warning lines of a run's output, each cut before its first ` (`, sorted. */
function warningHeads(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("warning: "))
    .map((line) => line.split(" (")[0]!)
    .sort();
}

/** The rule lines of a `.fw` file (`IN ...`, `OUT ...`, `GROUP ...`, disabled ones too), in order. */
function ruleLines(text: string | undefined): string[] {
  return (text ?? "").split("\n").filter((line) => /^\|?(IN|OUT|FORWARD|GROUP) /.test(line));
}

describe("an imported program over a firewall with rules Proxmox never applies (flagged-rules)", () => {
  it("deletes exactly those rules on the first up, which the preview lists, then finds no drift", async () => {
    const work = await tempDir("fw-import-flagged-");
    await symlink(join(repoRoot, "node_modules"), join(work.path, "node_modules"), "dir");
    const program = join(work.path, "program");
    const live = await serve(fixtureDir("flagged-rules"));
    try {
      expect((await cli(["import", "--out", program], live.env)).code).toBe(0);
      const before = {
        cluster: ruleLines(await live.emulator.readFile("firewall/cluster.fw")),
        guest: ruleLines(await live.emulator.readFile("firewall/100.fw")),
      };
      live.emulator.calls.reset();
      const flags = [program, "--state-dir", join(work.path, "state")];
      const preview = await runBin(["preview", ...flags], live.env);
      expect({ code: preview.code, tail: preview.output.slice(-2000) }).toMatchObject({ code: 0 });
      expect(writes(live.emulator.calls.snapshot())).toEqual({});
      const planned = preview.output.split("\n").filter((line) => /^adopt \S+ \S+: {3}/.test(line));
      expect(planned.sort()).toEqual([
        "adopt FirewallRules cluster:   delete rule 1: IN FROBNICATE -p tcp",
        "adopt FirewallRules cluster:   delete rule 3: IN ACCEPT -p tcp -dport 99999 # no such port",
        "adopt FirewallRules cluster:   delete rule 4: GROUP WebTier # the group is webtier",
        "adopt FirewallRules qemu/pve1/100:   delete rule 0: IN ACCEPT -i eth0 -p tcp -dport 22 # not a guest NIC",
        "adopt SecurityGroup cluster/group/webtier:   delete rule 1: IN FROBNICATE -p tcp -dport 443",
      ]);
      const up = await runBin(["up", ...flags, "--yes"], live.env);
      expect({ code: up.code, tail: up.output.slice(-2000) }).toMatchObject({ code: 0 });
      expect(writes(live.emulator.calls.snapshot())).toEqual({
        "DELETE /cluster/firewall/rules/{pos}": 3,
        "DELETE /cluster/firewall/groups/{group}/{pos}": 1,
        "DELETE /nodes/{node}/qemu/{vmid}/firewall/rules/{pos}": 1,
      });
      const flagged = /FROBNICATE|99999|WebTier|eth0/;
      expect(ruleLines(await live.emulator.readFile("firewall/cluster.fw"))).toEqual(
        before.cluster.filter((line) => !flagged.test(line)),
      );
      expect(ruleLines(await live.emulator.readFile("firewall/100.fw"))).toEqual(
        before.guest.filter((line) => !flagged.test(line)),
      );
      live.emulator.calls.reset();
      const check = await runBin(["preview", ...flags, "--refresh", "--expect-no-changes"], live.env);
      expect({ code: check.code, tail: check.output.slice(-2000) }).toMatchObject({ code: 0 });
      expect(writes(live.emulator.calls.snapshot())).toEqual({});
    } finally {
      await live.emulator.stop();
      await work.remove();
    }
  }, 300_000);
});

/**
 * What each fixture's adoption warns about, each line once (the start of each line): in
 * `unparseable`, the entries Proxmox flags in each IPSet (left alone), and each rule naming a
 * missing alias, IPSet or group (kept as it is, see `verifyReferences`).
 */
const ADOPTION_WARNINGS: Readonly<Record<string, readonly string[]>> = {
  "all-scopes": [],
  large: [],
  unparseable: [
    "warning: ipset cluster/ipset/servers: 4 entries that Proxmox flags are not managed by this resource and left as they are:",
    "warning: ipset qemu/pve1/102/ipset/trusted: 2 entries that Proxmox flags are not managed by this resource and left as they are: '[RULES]'",
    "warning: rules of cluster: rules[2].source: no cluster alias 'nosuchalias'",
    "warning: rules of cluster: rules[3].source: no cluster IPSet 'nosuchset'",
    "warning: rules of cluster: rules[4].action: security group 'nosuchgroup' does not exist",
    "warning: security group web: rules[0].dest: no cluster alias 'nosuchalias'",
  ],
};

describe.each(["all-scopes", "large", "unparseable"])(
  "an imported program over the live firewall it came from (%s)",
  (fixture) => {
    it("adopts every object with zero writes, then a refresh finds no drift", async () => {
      const work = await tempDir("fw-import-adopt-");
      await symlink(join(repoRoot, "node_modules"), join(work.path, "node_modules"), "dir");
      const program = join(work.path, "program");
      const live = await serve(fixtureDir(fixture));
      try {
        expect((await cli(["import", "--out", program], live.env)).code).toBe(0);
        const before = await answers(live.emulator, live.topology);
        live.emulator.calls.reset();
        const flags = [program, "--state-dir", join(work.path, "state")];
        const up = await runBin(["up", ...flags, "--yes"], live.env);
        expect({ code: up.code, tail: up.output.slice(-2000) }).toMatchObject({ code: 0 });
        expect(writes(live.emulator.calls.snapshot())).toEqual({});
        expect(warningHeads(up.output)).toEqual(ADOPTION_WARNINGS[fixture]);
        expect(await answers(live.emulator, live.topology)).toEqual(before);
        const check = await runBin(["preview", ...flags, "--refresh", "--expect-no-changes"], live.env);
        expect({ code: check.code, tail: check.output.slice(-2000) }).toMatchObject({ code: 0 });
        expect(writes(live.emulator.calls.snapshot())).toEqual({});
      } finally {
        await live.emulator.stop();
        await work.remove();
      }
    }, 300_000);
  },
);
