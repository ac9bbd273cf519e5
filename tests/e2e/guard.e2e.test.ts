/**
 * The lockout guard end to end, with `proxmox:managementSources` set to an operator outside the
 * nodes' network (the emulator itself is on loopback, which the guard never checks):
 * - through Pulumi's real dynamic-provider host, driven as the engine drives it (check alone is
 *   `preview`; check then create is `up`);
 * - through the local runner (`pve-firewall preview|up`) on a small program, safe and unsafe.
 * Needs `dist/` (`npm test` builds it first).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProviderCallError } from "../../provider/runner/provider-host";
import { ownerId, type ResourceKind } from "../../sdk/shim";
import { useEmulator } from "../helpers/emulator";
import { emulatorEnv } from "../provider/helpers";
import { snapshotFiles, urnOf, useE2e, withProvider } from "./harness";

const OPERATOR = "203.0.113.7";
const ADMINS = { name: "admins", entries: ["203.0.113.0/24"] };
const ENABLE_DROP = { enable: true, policyIn: "DROP" };

describe("lockout guard through the dynamic-provider host", () => {
  const fx = useE2e({}, { "proxmox:managementSources": OPERATOR });

  async function registration(kind: ResourceKind, name: string, args: Record<string, unknown>) {
    return withProvider(fx, kind, { ...args, __owner: ownerId("test", "dev", kind, name) });
  }

  // One test: the host keeps the guard's session (planned results, cached lists) for its whole
  // life, as a provider process does for one run, and the harness restores files between tests.
  it("fails the unsafe program in preview, refuses it at apply time untouched, and applies the safe one", async () => {
    const { host, emu, logs } = fx.env();
    const initial = await snapshotFiles(emu.dataDir);

    // preview of the unsafe program: the admins set, then DROP without a rule for them
    const ipsetUrn = urnOf("IpSet", "admins");
    const ipsetArgs = await registration("IpSet", "admins", ADMINS);
    expect((await host.check(ipsetUrn, {}, ipsetArgs)).failures).toEqual([]);
    const optionsUrn = urnOf("ClusterFirewallOptions", "cluster");
    const optionsArgs = await registration("ClusterFirewallOptions", "cluster", ENABLE_DROP);
    const refused = await host.check(optionsUrn, {}, optionsArgs);
    expect(refused.failures).toHaveLength(1);
    expect(refused.failures[0]?.property).toBe("enable");
    expect(refused.failures[0]?.reason).toContain("ClusterFirewallOptions cluster: this create would lock you out");
    expect(refused.failures[0]?.reason).toContain(
      `${OPERATOR} -> node pve1 (192.0.2.2) tcp/8006: cluster policy_in DROP (policy) in PVEFW-HOST-IN`,
    );

    // the engine would stop there; the create of the same inputs refuses too, writing nothing
    emu.calls.reset();
    const error = await host.create(optionsUrn, optionsArgs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderCallError);
    expect((error as ProviderCallError).id).toBeUndefined();
    expect((error as Error).message).toContain("refusing to create ClusterFirewallOptions cluster");
    expect((error as Error).message).toContain("would lock you out");
    expect(Object.keys(emu.calls.snapshot()).every((k) => k.startsWith("GET "))).toBe(true);
    expect(await snapshotFiles(emu.dataDir)).toEqual(initial);

    // allowLockout: the check passes and says so on the host's stderr
    const seen = logs.length;
    const allowed = await host.check(
      optionsUrn,
      {},
      await registration("ClusterFirewallOptions", "cluster", { ...ENABLE_DROP, allowLockout: true }),
    );
    expect(allowed.failures).toEqual([]);
    const said = "ClusterFirewallOptions cluster: allowLockout is set, so the lockout guard does not check this create";
    const deadline = Date.now() + 10_000;
    while (!logs.slice(seen).some((l) => l.message === said) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(logs.slice(seen).map((l) => l.message)).toContain(said);

    // the safe program: preview (checks in dependency order) and up
    const rulesUrn = urnOf("FirewallRules", "cluster-rules");
    const rulesArgs = await registration("FirewallRules", "cluster-rules", {
      rules: [
        { action: "ACCEPT", proto: "tcp", dport: 8006, source: "+dc/admins", comment: "api" },
        { action: "ACCEPT", proto: "tcp", dport: 22, source: "+dc/admins", comment: "ssh" },
      ],
    });
    const checks = [
      await host.check(ipsetUrn, {}, ipsetArgs),
      await host.check(rulesUrn, {}, rulesArgs),
      await host.check(optionsUrn, {}, optionsArgs),
    ];
    expect(checks.map((c) => c.failures)).toEqual([[], [], []]);
    await host.create(ipsetUrn, checks[0]!.inputs);
    await host.create(rulesUrn, checks[1]!.inputs);
    const options = await host.create(optionsUrn, checks[2]!.inputs);
    expect(options.props).toMatchObject({ enable: true, policyIn: "DROP" });
    expect(await emu.readFile("firewall/cluster.fw")).toMatch(/enable: 1\n/);
  });
});

describe("lockout guard through the local runner", () => {
  const emu = useEmulator();
  const repoRoot = join(__dirname, "..", "..");
  const bin = join(repoRoot, "dist", "provider", "cli", "main.js");
  const program = join(__dirname, "fixtures", "guard");

  function runner(
    stateDir: string,
    command: string,
    variant: string,
  ): Promise<{ code: number | null; output: string }> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(PROXMOX_VE_|PM_|PULUMI_)/.test(k)) env[k] = v;
    Object.assign(env, emulatorEnv(emu.handle()));
    const flags = ["--state-dir", stateDir, "-c", `program=${variant}`, "-c", `proxmox:managementSources=${OPERATOR}`];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, command, program, ...flags], { env, cwd: repoRoot });
      let output = "";
      for (const stream of [child.stdout, child.stderr]) stream.on("data", (d: Buffer) => (output += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, output }));
    });
  }

  it("fails preview and up of the unsafe program with the server untouched, and applies and destroys the safe one", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "guard-e2e-"));
    try {
      const initial = await snapshotFiles(emu.handle().dataDir);
      for (const command of ["preview", "up"]) {
        const unsafe = await runner(stateDir, command, "unsafe");
        expect({ command, code: unsafe.code }).toEqual({ command, code: 1 });
        expect(unsafe.output).toContain("would lock you out");
        expect(unsafe.output).toContain(`${OPERATOR} -> node pve1 (192.0.2.2) tcp/22: cluster policy_in DROP`);
        expect(await snapshotFiles(emu.handle().dataDir)).toEqual(initial);
      }
      expect(Object.keys(emu.handle().calls.snapshot()).every((k) => k.startsWith("GET "))).toBe(true);

      const up = await runner(stateDir, "up", "safe");
      expect(up.code).toBe(0);
      expect(up.output).toContain("Resources: + 3 created");
      expect(await emu.handle().readFile("firewall/cluster.fw")).toMatch(/enable: 1\n/);

      const destroy = await runner(stateDir, "destroy", "safe");
      expect(destroy.code).toBe(0);
      expect(await snapshotFiles(emu.handle().dataDir)).toEqual(initial);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 180_000);
});
