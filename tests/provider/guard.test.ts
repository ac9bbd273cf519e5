/**
 * The lockout guard against the emulator: the check of a planned write (what `preview` calls) and
 * the write itself simulate management access from the configured sources to every node, refuse
 * what would lock the operator out with nothing written, let the safe order through, and say so
 * when `allowLockout` skips them.
 */
import { GuardSession } from "../../provider/resources/guard-session";
import type { ResourceKind } from "../../sdk/shim";
import { useEmulator } from "../helpers/emulator";
import { providerFor, writes } from "./helpers";

const emu = useEmulator({
  topology: {
    nodes: [
      { name: "pve1", ip: "192.0.2.2", network: "192.0.2.0/24" },
      { name: "pve2", ip: "192.0.2.3", network: "192.0.2.0/24" },
    ],
  },
});

/** The operator's address: outside the nodes' local network, so only rules can let it in. */
const OPERATOR = "203.0.113.7";
const CONFIG = { "proxmox:managementSources": OPERATOR };

const ADMINS = { name: "admins", entries: ["203.0.113.0/24"] };
const ALLOW = {
  rules: [
    { action: "ACCEPT", proto: "tcp", dport: 8006, source: "+dc/admins", comment: "api" },
    { action: "ACCEPT", proto: "tcp", dport: 22, source: "+dc/admins", comment: "ssh" },
  ],
};
const ENABLE_DROP = { enable: true, policyIn: "DROP" };

/** Providers of one simulated provider process: they share one lockout-guard session. */
function run(messages: string[] = [], config: Record<string, unknown> = CONFIG) {
  const session = new GuardSession();
  return (kind: ResourceKind) => providerFor(kind, emu.handle(), messages, { config, session });
}

/** The canonical inputs of `args` (as an update's `check` returns them), from a provider with no sources. */
async function canonical(kind: ResourceKind, args: Record<string, unknown>) {
  const p = await providerFor(kind, emu.handle());
  const checked = await p.check({ previous: true }, args);
  expect(checked.failures).toBeUndefined();
  return checked.inputs;
}

beforeEach(async () => {
  emu.handle().faults.clear();
  await emu.handle().editFile("firewall/cluster.fw", "");
  for (const node of ["pve1", "pve2"]) await emu.handle().editFile(`nodes/${node}/host.fw`, "");
  emu.handle().calls.reset();
});

describe("lockout guard", () => {
  it("fails the check of enabling DROP without a rule for the operator, naming source, node, port and policy", async () => {
    const options = await run()("ClusterFirewallOptions");
    const checked = await options.check({}, ENABLE_DROP);
    expect(checked.failures).toHaveLength(1);
    const [failure] = checked.failures!;
    expect(failure?.property).toBe("enable");
    expect(failure?.reason).toContain("ClusterFirewallOptions cluster: this create would lock you out");
    for (const node of ["pve1", "pve2"])
      for (const port of [8006, 22])
        expect(failure?.reason).toContain(
          `${OPERATOR} -> node ${node} (${node === "pve1" ? "192.0.2.2" : "192.0.2.3"}) tcp/${port}: cluster policy_in DROP (policy) in PVEFW-HOST-IN`,
        );
    expect(failure?.reason).toContain("accept tcp/8006 and tcp/22 from 203.0.113.7");
    expect(failure?.reason).toContain("or the address in the cluster IPSet 'management'"); // a policy drops
    expect(failure?.reason).toContain("dependsOn");
    expect(failure?.reason).toContain("allowLockout: true");
    expect(writes(emu.handle())).toBe(0);
  });

  it("refuses the same create before any write, so nothing is recorded", async () => {
    const inputs = await canonical("ClusterFirewallOptions", ENABLE_DROP);
    const options = await run()("ClusterFirewallOptions");
    emu.handle().calls.reset();
    const error = await options.create(inputs).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FW_LOCKOUT_REFUSED", ruleId: "LOCKOUT_MGMT_DROP" });
    expect(error).not.toHaveProperty("id");
    expect((error as Error).message).toMatch(
      /^refusing to create ClusterFirewallOptions cluster: .*would lock you out/,
    );
    expect((error as Error).message).toContain(`${OPERATOR} -> node pve2 (192.0.2.3) tcp/22: cluster policy_in DROP`);
    expect((error as Error).message).toContain(
      "\nnothing was written; fix: accept tcp/8006 and tcp/22 from 203.0.113.7",
    );
    expect(writes(emu.handle())).toBe(0);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBeUndefined();
  });

  it("passes the safe program in preview (checks only, in dependency order) and applies it", async () => {
    const messages: string[] = [];
    const provider = run(messages);
    const [ipset, rules, options] = await Promise.all([
      provider("IpSet"),
      provider("FirewallRules"),
      provider("ClusterFirewallOptions"),
    ]);
    // preview: the engine calls check alone, the options' after the rules' (dependsOn)
    const planned = [await ipset.check({}, ADMINS), await rules.check({}, ALLOW), await options.check({}, ENABLE_DROP)];
    expect(planned.map((c) => c.failures)).toEqual([undefined, undefined, undefined]);
    expect(writes(emu.handle())).toBe(0);
    // the options' check passed only because it overlaid the rules planned before it
    expect((await run()("ClusterFirewallOptions").then((p) => p.check({}, ENABLE_DROP))).failures).toHaveLength(1);

    // up: each write checks the live configuration with its own result, and passes in this order
    await ipset.create(planned[0]!.inputs);
    await rules.create(planned[1]!.inputs);
    await options.create(planned[2]!.inputs);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toMatch(/enable: 1\n/);
    expect(messages.filter((m) => !m.startsWith("adopt"))).toEqual([]);
  });

  it("fails the program without the allow rule in preview and refuses it at apply time, the server untouched", async () => {
    const provider = run();
    const [ipset, options] = await Promise.all([provider("IpSet"), provider("ClusterFirewallOptions")]);
    const planned = await ipset.check({}, ADMINS);
    expect(planned.failures).toBeUndefined();
    const refused = await options.check({}, ENABLE_DROP);
    expect(refused.failures?.[0]?.reason).toContain("would lock you out");

    await ipset.create(planned.inputs);
    const before = await emu.handle().readFile("firewall/cluster.fw");
    emu.handle().calls.reset();
    const error = await options.create(await canonical("ClusterFirewallOptions", ENABLE_DROP)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FW_LOCKOUT_REFUSED" });
    expect(writes(emu.handle())).toBe(0);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(before);
  });

  it("refuses at apply time when the rules a preview counted on were not written first (no dependsOn)", async () => {
    const provider = run();
    const [ipset, rules, options] = await Promise.all([
      provider("IpSet"),
      provider("FirewallRules"),
      provider("ClusterFirewallOptions"),
    ]);
    const planned = [await ipset.check({}, ADMINS), await rules.check({}, ALLOW), await options.check({}, ENABLE_DROP)];
    expect(planned.map((c) => c.failures)).toEqual([undefined, undefined, undefined]);
    await ipset.create(planned[0]!.inputs);
    emu.handle().calls.reset();
    // without dependsOn, the engine may run the options' create before the rules'
    const error = await options.create(planned[2]!.inputs).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FW_LOCKOUT_REFUSED", ruleId: "LOCKOUT_MGMT_DROP" });
    expect(writes(emu.handle())).toBe(0);
  });

  it("re-reads the lists its own process wrote, and reads each list once otherwise", async () => {
    const provider = run();
    const [ipset, rules, options] = await Promise.all([
      provider("IpSet"),
      provider("FirewallRules"),
      provider("ClusterFirewallOptions"),
    ]);
    expect((await options.check({}, ENABLE_DROP)).failures).toHaveLength(1);
    emu.handle().calls.reset();
    expect((await options.check({}, ENABLE_DROP)).failures).toHaveLength(1);
    // the second check reads nothing the guard read before: only the create's own survey
    expect(emu.handle().calls.snapshot()).toEqual({ "GET /cluster/firewall/options": 1 });

    await ipset.create((await ipset.check({}, ADMINS)).inputs);
    await rules.create(await canonical("FirewallRules", ALLOW));
    // these writes made the cached cluster lists stale: the options' create sees the new rules
    await options.create(await canonical("ClusterFirewallOptions", ENABLE_DROP));
    expect(await emu.handle().readFile("firewall/cluster.fw")).toMatch(/enable: 1\n/);
  });

  it("lets allowLockout: true skip the check and says so", async () => {
    const messages: string[] = [];
    const options = await run(messages)("ClusterFirewallOptions");
    const checked = await options.check({}, { ...ENABLE_DROP, allowLockout: true });
    expect(checked.failures).toBeUndefined();
    expect(checked.inputs["allowLockout"]).toBe(true);
    const created = await options.create(checked.inputs);
    expect(created.outs["allowLockout"]).toBe(true);
    expect(messages).toEqual([
      "ClusterFirewallOptions cluster: allowLockout is set, so the lockout guard does not check this create",
      "ClusterFirewallOptions cluster: allowLockout is set, so the lockout guard does not check this create",
    ]);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toMatch(/policy_in: DROP/);
  });

  it("refuses a change of the management IPSet that removes the operator's address", async () => {
    const text = "[OPTIONS]\n\nenable: 1\npolicy_in: DROP\n\n[IPSET management]\n\n203.0.113.0/24\n\n";
    await emu.handle().editFile("firewall/cluster.fw", text);
    const ipset = await run()("IpSet");
    const olds = await canonical("IpSet", { name: "management", entries: ["203.0.113.0/24"] });
    const news = { name: "management", entries: ["198.51.100.0/24"] };
    const checked = await ipset.check(olds, news);
    expect(checked.failures?.[0]?.property).toBe("entries");
    expect(checked.failures?.[0]?.reason).toContain("IpSet cluster/ipset/management: this update would lock you out");
    expect(checked.failures?.[0]?.reason).toContain(
      `${OPERATOR} -> node pve1 (192.0.2.2) tcp/8006: cluster policy_in DROP`,
    );

    emu.handle().calls.reset();
    const error = await ipset
      .update("cluster/ipset/management", olds, await canonical("IpSet", news))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FW_LOCKOUT_REFUSED" });
    expect(writes(emu.handle())).toBe(0);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(text);

    // a change that keeps the operator in passes
    const kept = await ipset.check(olds, { name: "management", entries: ["203.0.113.0/24", "198.51.100.0/24"] });
    expect(kept.failures).toBeUndefined();
  });

  it("names the node rule that would drop SSH on one node only", async () => {
    await emu.handle().editFile("firewall/cluster.fw", "[OPTIONS]\n\nenable: 1\npolicy_in: ACCEPT\n\n");
    const rules = await run()("FirewallRules");
    const checked = await rules.check({}, { scope: { node: "pve2" }, rules: [{ action: "DROP", macro: "SSH" }] });
    const reason = checked.failures?.[0]?.reason ?? "";
    expect(reason).toContain(`${OPERATOR} -> node pve2 (192.0.2.3) tcp/22: host pve2 rule 0 \`IN SSH(DROP)\``);
    expect(reason).not.toContain("node pve1");
    expect(reason).not.toContain("tcp/8006");
    // regress-12 (tryout C F2): the 'management' IPSet is accepted after the rules, so it is no fix here
    expect(reason).toContain("the cluster IPSet 'management' does not help");
  });

  it("refuses a security group change that drops the access its cluster rule inserts", async () => {
    const text = [
      "[OPTIONS]",
      "",
      "enable: 1",
      "policy_in: DROP",
      "",
      "[RULES]",
      "",
      "GROUP mgmt",
      "",
      "[group mgmt]",
      "",
      "IN ACCEPT -source 203.0.113.0/24 -p tcp -dport 8006",
      "IN ACCEPT -source 203.0.113.0/24 -p tcp -dport 22",
      "",
    ].join("\n");
    await emu.handle().editFile("firewall/cluster.fw", text);
    const group = await run()("SecurityGroup");
    const olds = await canonical("SecurityGroup", {
      name: "mgmt",
      rules: [
        { action: "ACCEPT", source: "203.0.113.0/24", proto: "tcp", dport: 8006 },
        { action: "ACCEPT", source: "203.0.113.0/24", proto: "tcp", dport: 22 },
      ],
    });
    const checked = await group.check(olds, {
      name: "mgmt",
      rules: [{ action: "ACCEPT", source: "203.0.113.0/24", proto: "tcp", dport: 8006 }],
    });
    const reason = checked.failures?.[0]?.reason ?? "";
    expect(reason).toContain(`${OPERATOR} -> node pve1 (192.0.2.2) tcp/22: cluster policy_in DROP`);
    expect(reason).not.toContain("tcp/8006:");
  });

  it("does not hold a packet already dropped against a write, and reports it once", async () => {
    await emu.handle().editFile("firewall/cluster.fw", "[OPTIONS]\n\nenable: 1\npolicy_in: DROP\n\n");
    const messages: string[] = [];
    const rules = await run(messages)("FirewallRules");
    const allow8006 = { rules: [{ action: "ACCEPT", proto: "tcp", dport: 8006, source: OPERATOR }] };
    expect((await rules.check({}, allow8006)).failures).toBeUndefined();
    expect(messages).toContain(
      `lockout guard: ${OPERATOR} -> node pve1 (192.0.2.2) tcp/22: cluster policy_in DROP (policy) in PVEFW-HOST-IN is dropped already, before this change (not held against it)`,
    );
  });

  it("checks nothing from loopback when no sources are configured, and says so once", async () => {
    const messages: string[] = [];
    const options = await run(messages, {})("ClusterFirewallOptions");
    expect((await options.check({}, ENABLE_DROP)).failures).toBeUndefined();
    expect((await options.check({}, ENABLE_DROP)).failures).toBeUndefined();
    expect(messages).toEqual([
      "lockout guard: proxmox:managementSources is not set and this provider reaches the cluster from 127.0.0.1, a loopback address, which Proxmox never filters: there is nothing to check (set proxmox:managementSources to the addresses you manage the cluster from)",
    ]);
  });

  it("regress-12: learns nothing by a read when the endpoint is loopback (updates of a fresh provider)", async () => {
    // tryout C F4: each fresh client read /cluster/status to learn its source address, then said there was nothing to check
    await emu.handle().editFile("firewall/cluster.fw", "[ALIASES]\n\noffice 192.0.2.10\n");
    const alias = await run([], {})("Alias");
    emu.handle().calls.reset();
    const olds = { name: "office", cidr: "192.0.2.10" };
    await alias.update("cluster/alias/office", olds, { ...olds, cidr: "192.0.2.11" });
    expect(emu.handle().calls.get("GET /cluster/status")).toBe(0);
    expect(emu.handle().calls.get("PUT /cluster/firewall/aliases/{name}")).toBe(1);
  });

  it("leaves guest objects alone: they never filter a node's own address", async () => {
    const messages: string[] = [];
    const rules = await run(messages)("FirewallRules");
    emu.handle().calls.reset();
    const checked = await rules.check(
      { scope: { node: "pve1", vmid: 100, guestType: "qemu" }, rules: [] },
      { scope: { node: "pve1", vmid: 100 }, rules: [{ action: "DROP" }] },
    );
    expect(checked.failures).toBeUndefined();
    expect(emu.handle().calls.total()).toBe(0);
    expect(messages).toEqual([]);
  });

  it("reads aliases and IPSets holding lines Proxmox could not parse, skipping them as Proxmox does", async () => {
    await emu
      .handle()
      .editFile(
        "firewall/cluster.fw",
        "[ALIASES]\n\nthis line does not parse\n\n[IPSET admins]\n\n203.0.113.0/24\n192.0.2.1 192.0.2.9\n\n" +
          "[RULES]\n\nIN ACCEPT -source +dc/admins -p tcp -dport 8006\nIN ACCEPT -source +dc/admins -p tcp -dport 22\n",
      );
    const options = await run()("ClusterFirewallOptions");
    const checked = await options.check({}, ENABLE_DROP);
    expect(checked.failures).toBeUndefined();
  });
});
