import { useEmulator } from "../helpers/emulator";
import { providerFor, writes } from "./helpers";

const emu = useEmulator();

const entries = (n: number) => Array.from({ length: n }, (_, i) => `198.18.${Math.floor(i / 256)}.${i % 256}`);

describe("IpSet provider", () => {
  it("creates a set with normalised entries and exposes its reference", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const checked = await p.check(
      {},
      {
        name: "management",
        comment: "admins",
        entries: ["10.0.0.5/32", { cidr: "192.168.1.77/24", comment: "lan" }, { cidr: "10.0.0.0/8", nomatch: true }],
      },
    );
    expect(checked.failures).toBeUndefined();
    const created = await p.create(checked.inputs);
    expect(created.id).toBe("cluster/ipset/management");
    expect(created.outs).toMatchObject({
      name: "management",
      comment: "admins",
      ref: "+dc/management",
      entries: [
        { cidr: "10.0.0.0/8", nomatch: true },
        { cidr: "10.0.0.5", nomatch: false },
        { cidr: "192.168.1.0/24", nomatch: false, comment: "lan" },
      ],
    });
    expect((await p.diff(created.id, created.outs, checked.inputs)).changes).toBe(false);
    const read = await p.read(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
    await p.delete(created.id, created.outs);
    expect((await p.read(created.id, created.outs)).id).toBeUndefined();
  });

  it("adopts a 10,000-entry set and adds or changes one entry with one write each", async () => {
    const p = await providerFor("IpSet", emu.handle());
    await emu.handle().editFile("firewall/cluster.fw", `[IPSET blocklist]\n\n${entries(10_000).join("\n")}\n`);
    const adopted = await p.read("cluster/ipset/blocklist");
    expect(adopted.props?.["entries"]).toHaveLength(10_000);
    emu.handle().calls.reset();
    const more = await p.check(adopted.inputs!, { name: "blocklist", entries: [...entries(10_000), "203.0.113.7"] });
    const updated = await p.update("cluster/ipset/blocklist", adopted.props!, more.inputs);
    expect(writes(emu.handle())).toBe(1);
    expect((updated.outs.entries as unknown[]).length).toBe(10_001);
    emu.handle().calls.reset();
    const edited = await p.check(more.inputs, {
      name: "blocklist",
      entries: [...entries(10_000), "203.0.113.7/32"].map((cidr) => ({
        cidr,
        comment: cidr === "198.18.0.1" ? "edited" : undefined,
      })),
    });
    expect(edited.failures).toBeUndefined();
    await p.update("cluster/ipset/blocklist", updated.outs, edited.inputs);
    expect(writes(emu.handle())).toBe(1);
    await p.delete("cluster/ipset/blocklist", updated.outs);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBeUndefined();
  });

  it("replaces on rename, create before delete", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const a = await p.check({}, { name: "office" });
    const b = await p.check({}, { name: "office2" });
    expect(await p.diff("cluster/ipset/office", { ...a.inputs, ref: "+dc/office" }, b.inputs)).toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
  });

  it("fails check on a mixed-case name", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const r = await p.check({}, { name: "MySet" });
    expect(r.failures?.map((f) => f.property)).toEqual(["name"]);
  });

  it("fails check naming both a bad name and a bad entry", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const r = await p.check({}, { name: "MySet", entries: ["0.0.0.0/0"] });
    expect(r.failures?.map((f) => f.property)).toEqual(["name", "entries[0].cidr"]);
  });

  it("fails check on a zero prefix entry", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const r = await p.check({}, { name: "myset", entries: ["10.0.0.1", "0.0.0.0/0"] });
    expect(r.failures?.map((f) => f.property)).toEqual(["entries[1].cidr"]);
  });
});
