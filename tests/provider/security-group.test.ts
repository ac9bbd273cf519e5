import { useEmulator } from "../helpers/emulator";
import { providerFor } from "./helpers";

const emu = useEmulator({
  topology: { nodes: ["pve1"], guests: [{ vmid: 100, node: "pve1", type: "qemu", name: "web", nics: {} }] },
});

describe("SecurityGroup provider", () => {
  it("creates a group with rules, renames it in place so references follow, and deletes it", async () => {
    const group = await providerFor("SecurityGroup", emu.handle());
    const rules = await providerFor("FirewallRules", emu.handle());
    const g = await group.check(
      {},
      {
        name: "webserver",
        comment: "web tier",
        rules: [
          { action: "ACCEPT", macro: "Web" },
          { action: "ACCEPT", macro: "SSH", source: "10.0.0.0/8" },
        ],
      },
    );
    expect(g.failures).toBeUndefined();
    const created = await group.create(g.inputs);
    expect(created).toMatchObject({ id: "cluster/group/webserver", outs: { name: "webserver", comment: "web tier" } });
    const vm = await rules.check(
      {},
      { scope: { node: "pve1", vmid: 100 }, rules: [{ type: "group", action: "webserver" }] },
    );
    const vmRules = await rules.create(vm.inputs);

    const renamed = await group.check(g.inputs, { ...g.inputs, name: "frontend" });
    expect(await group.diff(created.id, created.outs, renamed.inputs)).toMatchObject({ changes: true, replaces: [] });
    const updated = await group.update(created.id, created.outs, renamed.inputs);
    expect(updated.outs).toMatchObject({ name: "frontend" });
    expect(await emu.handle().readFile("firewall/100.fw")).toContain("GROUP frontend");

    await rules.delete(vmRules.id, vmRules.outs);
    await group.delete(created.id, updated.outs);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBeUndefined();
  });

  it("fails check on a rule type groups cannot hold and a long name", async () => {
    const group = await providerFor("SecurityGroup", emu.handle());
    const r = await group.check({}, { name: "a-very-long-group-name", rules: [{ type: "group", action: "other" }] });
    expect(r.failures?.map((f) => f.property)).toEqual(["name", "rules[0].type"]);
  });
});
