import { useEmulator } from "../helpers/emulator";
import { providerFor, writes } from "./helpers";

const emu = useEmulator();

describe("FirewallRules provider", () => {
  it("creates, reads back, diffs clean, edits in one call and empties on delete", async () => {
    const p = await providerFor("FirewallRules", emu.handle());
    const news = {
      scope: { node: "pve1", vmid: 100 },
      rules: [
        { action: "ACCEPT", macro: "ssh", source: "10.0.0.0/8", comment: "ssh" },
        { action: "ACCEPT", proto: "tcp", dport: 443 },
        { type: "in", action: "DROP", enable: false },
      ],
    };
    const checked = await p.check({}, news);
    expect(checked.failures).toBeUndefined();
    const created = await p.create(checked.inputs);
    expect(created.id).toBe("qemu/pve1/100");
    expect(created.outs.rules).toEqual([
      { type: "in", action: "ACCEPT", enable: true, macro: "SSH", source: "10.0.0.0/8", comment: "ssh" },
      { type: "in", action: "ACCEPT", enable: true, proto: "tcp", dport: "443" },
      { type: "in", action: "DROP", enable: false },
    ]);
    const read = await p.read(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
    expect((await p.diff(created.id, read.props, checked.inputs)).changes).toBe(false);

    emu.handle().calls.reset();
    const edited = await p.check(
      {},
      { ...news, rules: [{ ...news.rules[0], comment: "ssh from lan" }, ...news.rules.slice(1)] },
    );
    const diff = await p.diff(created.id, created.outs, edited.inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const updated = await p.update(created.id, created.outs, edited.inputs);
    expect(writes(emu.handle())).toBe(1);
    expect((updated.outs.rules as { comment?: string }[])[0]!.comment).toBe("ssh from lan");

    await p.delete(created.id, updated.outs);
    expect(await emu.handle().readFile("firewall/100.fw")).toBeUndefined();
  });

  it("fails check with one failure per bad field before any API call", async () => {
    const p = await providerFor("FirewallRules", emu.handle());
    emu.handle().calls.reset();
    const r = await p.check(
      {},
      {
        scope: { node: "pve1", vmid: 100 },
        rules: [{ action: "ACCEPT", proto: "gre", dport: 22 }, { action: "MAYBE" }],
      },
    );
    expect(r.failures?.map((f) => `${f.property}: ${f.reason}`)).toMatchInlineSnapshot(`
[
  "rules[0].dport: protocol "gre" does not support ports (use tcp, udp, udplite, dccp or sctp)",
  "rules[1].action: unknown action "MAYBE" (allowed: ACCEPT, DROP, REJECT)",
]
`);
    expect(emu.handle().calls.total()).toBe(0);
  });
});
