/**
 * Ownership through Pulumi's real dynamic-provider host, as the engine drives it: the check of a new
 * resource (what `preview` calls) and its create refuse to take over what already exists, with
 * nothing written and no partial state reported; with `adopt: true` the plan reaches the user as
 * the host's stderr lines; missing references fail before the first write.
 */
import { ProviderCallError } from "../../provider/runner/provider-host";
import { ownerId, type ResourceKind } from "../../sdk/shim";
import { snapshotFiles, urnOf, useE2e, withProvider } from "./harness";

const fx = useE2e({
  topology: { nodes: ["pve1"], guests: [{ vmid: 101, node: "pve1", type: "qemu", name: "db", nics: {} }] },
});

/** What the SDK class registers: the args plus the hidden ownership input, with the serialized provider. */
async function registration(kind: ResourceKind, name: string, args: Record<string, unknown>) {
  return withProvider(fx, kind, { ...args, __owner: ownerId("test", "dev", kind, name) });
}

const CLUSTER_FW = [
  "[ALIASES]",
  "",
  "office 192.0.2.0/24",
  "",
  "[IPSET blocklist]",
  "",
  "198.18.0.1",
  "",
  "[group webserver]",
  "",
  "IN ACCEPT -p tcp -dport 443",
  "",
].join("\n");

const EXISTING: readonly (readonly [ResourceKind, string, Record<string, unknown>, string])[] = [
  [
    "FirewallRules",
    "firewall/101.fw",
    { scope: { node: "pve1", vmid: 101 }, rules: [{ action: "DROP" }] },
    "the rule list of qemu/pve1/101 is not empty: it has 1 rule:\n  0: IN ACCEPT -p tcp -dport 22 # ssh\n",
  ],
  [
    "GuestFirewallOptions",
    "firewall/101.fw",
    { scope: { node: "pve1", vmid: 101 }, enable: true },
    "options of qemu/pve1/101 are already set (1 option):\n  policy_in: ACCEPT\n",
  ],
  ["Alias", "firewall/cluster.fw", { name: "office", cidr: "192.0.2.1" }, "  office = 192.0.2.0/24\n"],
  ["IpSet", "firewall/cluster.fw", { name: "blocklist" }, "  198.18.0.1\n"],
  ["SecurityGroup", "firewall/cluster.fw", { name: "webserver" }, "  0: IN ACCEPT -p tcp -dport 443\n"],
];

describe("ownership through the host", () => {
  it.each(EXISTING)(
    "fails %s over an existing object in check and in create, with nothing written or recorded",
    async (kind, file, args, listed) => {
      const { host, emu } = fx.env();
      await emu.editFile(
        "firewall/101.fw",
        "[OPTIONS]\n\npolicy_in: ACCEPT\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 22 # ssh\n",
      );
      await emu.editFile("firewall/cluster.fw", CLUSTER_FW);
      const text = await emu.readFile(file);
      const urn = urnOf(kind, "taken");
      const news = await registration(kind, "taken", args);
      const checked = await host.check(urn, {}, news);
      expect(checked.failures).toHaveLength(1);
      expect(checked.failures[0]?.property).toBe("adopt");
      expect(checked.failures[0]?.reason).toContain(listed);
      expect(checked.failures[0]?.reason).toContain(`set adopt: true on this ${kind} to take it over`);

      // the engine would stop at the check failure; a create with the same inputs refuses too
      const canonical = await host.check(urn, { ...news, previous: true }, news);
      emu.calls.reset();
      const error = await host.create(urn, canonical.inputs).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderCallError);
      expect((error as ProviderCallError).id).toBeUndefined(); // nothing for the engine to record
      expect((error as ProviderCallError).message).toContain(listed);
      expect(Object.keys(emu.calls.snapshot()).every((k) => k.startsWith("GET "))).toBe(true);
      expect(await emu.readFile(file)).toBe(text);
    },
  );

  it("reports an adoption's plan on the host's stderr in check and takes the list over in create", async () => {
    const { host, emu, logs } = fx.env();
    await emu.editFile(
      "firewall/101.fw",
      "[RULES]\n\nIN ACCEPT -p tcp -dport 22 # ssh\nIN DROP -p udp -dport 53 # dns\n",
    );
    const urn = urnOf("FirewallRules", "adopted");
    const args = {
      scope: { node: "pve1", vmid: 101 },
      rules: [{ action: "ACCEPT", proto: "tcp", dport: 22, comment: "ssh" }],
      adopt: true,
    };
    const seen = logs.length;
    const checked = await host.check(urn, {}, await registration("FirewallRules", "adopted", args));
    expect(checked.failures).toEqual([]);
    // stderr lines travel apart from the gRPC answer: wait for them
    const planLines = () => logs.slice(seen).map((l) => l.message);
    const deadline = Date.now() + 10_000;
    while (planLines().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(planLines()).toEqual([
      "adopt FirewallRules qemu/pve1/101: 1 write to make it equal the declaration:",
      "adopt FirewallRules qemu/pve1/101:   delete rule 1: IN DROP -p udp -dport 53 # dns",
    ]);
    emu.calls.reset();
    const created = await host.create(urn, checked.inputs);
    expect(created.id).toBe("qemu/pve1/101");
    expect(Object.entries(emu.calls.snapshot()).filter(([k]) => !k.startsWith("GET "))).toEqual([
      ["DELETE /nodes/{node}/qemu/{vmid}/firewall/rules/{pos}", 1],
    ]);
    expect(await emu.readFile("firewall/101.fw")).toBe("[RULES]\n\nIN ACCEPT -p tcp -dport 22 # ssh\n\n");
  });

  it("fails a GROUP rule naming a missing security group in preview and before any write", async () => {
    const { host, emu } = fx.env();
    const before = await snapshotFiles(emu.dataDir);
    const urn = urnOf("FirewallRules", "typo");
    const inputs = await registration("FirewallRules", "typo", { rules: [{ type: "group", action: "webservr" }] });
    const reason =
      "rules of cluster: rules[0].action: security group 'webservr' does not exist (security groups: none); Proxmox would apply nothing for this rule; nothing was written (create the missing object first, referencing it through its resource's output so that Pulumi creates it before this list)";
    // what `preview` calls: the check already fails, so an `up` stops before any resource is written
    // (its list of groups also names those declared by resources this host process checked before)
    const [failure] = (await host.check(urn, {}, inputs)).failures;
    expect(failure?.property).toBe("rules");
    expect(failure?.reason.replace(/\(security groups: [^)]*\)/, "(security groups: none)")).toBe(reason);
    emu.calls.reset();
    const error = await host.create(urn, inputs).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`create: ${reason}`);
    expect((error as ProviderCallError).id).toBeUndefined();
    expect(Object.keys(emu.calls.snapshot()).every((k) => k.startsWith("GET "))).toBe(true);
    expect(await snapshotFiles(emu.dataDir)).toEqual(before);
  });
});
