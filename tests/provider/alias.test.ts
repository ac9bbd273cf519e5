import { useEmulator } from "../helpers/emulator";
import { providerFor, writes } from "./helpers";

const emu = useEmulator();

describe("Alias provider", () => {
  it("creates, updates in one write, detects out-of-band drift and deletes", async () => {
    const p = await providerFor("Alias", emu.handle());
    const checked = await p.check({}, { name: "office", cidr: "192.0.2.10/32", comment: "hq" });
    const created = await p.create(checked.inputs);
    expect(created).toMatchObject({
      id: "cluster/alias/office",
      outs: { name: "office", cidr: "192.0.2.10", ref: "dc/office" },
    });
    expect((await p.diff(created.id, created.outs, checked.inputs)).changes).toBe(false);

    emu.handle().calls.reset();
    const edited = await p.check(checked.inputs, { name: "office", cidr: "192.0.2.0/24" });
    const updated = await p.update(created.id, created.outs, edited.inputs);
    expect(writes(emu.handle())).toBe(1);
    expect(updated.outs).toMatchObject({ cidr: "192.0.2.0/24" });
    expect(updated.outs["comment"]).toBeUndefined();

    await emu.handle().editFile("firewall/cluster.fw", "[ALIASES]\n\noffice 198.51.100.0/24\n");
    const drifted = await p.read(created.id, updated.outs);
    expect(drifted.inputs).toMatchObject({ cidr: "198.51.100.0/24" });
    expect(await p.diff(created.id, drifted.props!, edited.inputs)).toMatchObject({ changes: true, replaces: [] });

    await p.delete(created.id, updated.outs);
    expect((await p.read(created.id, updated.outs)).id).toBeUndefined();
  });

  it("lives in a guest scope with a guest reference", async () => {
    const p = await providerFor("Alias", emu.handle());
    const checked = await p.check(
      {},
      { name: "db", cidr: "2001:db8::5", scope: { node: "pve1", vmid: 101, guestType: "lxc" } },
    );
    const created = await p.create(checked.inputs);
    expect(created).toMatchObject({ id: "lxc/pve1/101/alias/db", outs: { ref: "guest/db" } });
    await p.delete(created.id, created.outs);
  });

  it("fails to create over an existing alias, saying what exists and how to adopt it", async () => {
    const p = await providerFor("Alias", emu.handle());
    const checked = await p.check({}, { name: "dup", cidr: "10.0.0.1" });
    const created = await p.create(checked.inputs);
    const other = await p.check({}, { name: "DUP", cidr: "10.0.0.2" });
    expect(other.failures?.map((f) => f.property)).toEqual(["adopt"]);
    await expect(p.create({ ...checked.inputs, cidr: "10.0.0.2" })).rejects.toThrow(
      "create Alias cluster/alias/dup: alias 'dup' already exists in cluster:\n  dup = 10.0.0.1\nnothing was written; set adopt: true on this Alias to take it over",
    );
    await p.delete(created.id, created.outs);
  });
});
