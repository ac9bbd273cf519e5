import { resolveClientConfig } from "../../provider/client/config";
import { FirewallApi } from "../../provider/client/firewall";
import { PveHttpClient } from "../../provider/client/http";
import { applyRuleList } from "../../provider/resources/apply-rules";
import { useEmulator } from "../helpers/emulator";
import { emulatorEnv, providerFor, writes } from "./helpers";

// Two nodes: applyRuleList races on node pve2's file (a node the cluster must have: host rules run on it).
const emu = useEmulator({ topology: { nodes: ["pve1", "pve2"] } });

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
    const edited = await p.check(checked.inputs, {
      ...news,
      rules: [{ ...news.rules[0], comment: "ssh from lan" }, ...news.rules.slice(1)],
    });
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
  "rules[0].dport: "22" needs a port protocol, but proto "gre" has no ports (use tcp, udp, udplite, dccp or sctp)",
  "rules[1].action: unknown action "MAYBE" (allowed: ACCEPT, DROP, REJECT)",
]
`);
    expect(emu.handle().calls.total()).toBe(0);
  });
});

describe("FirewallRules call counts", () => {
  const twenty = Array.from({ length: 20 }, (_, i) => ({
    action: "ACCEPT",
    proto: "tcp",
    dport: 1000 + i,
    comment: `r${i}`,
  }));

  it("edits one comment in 20 rules with 1 write and appends one rule with at most 3", async () => {
    const p = await providerFor("FirewallRules", emu.handle());
    const base = await p.check({}, { scope: { node: "pve1" }, rules: twenty });
    const created = await p.create(base.inputs);
    emu.handle().calls.reset();
    const comment = await p.check(base.inputs, {
      scope: { node: "pve1" },
      rules: twenty.map((r, i) => (i === 7 ? { ...r, comment: "seven" } : r)),
    });
    const afterComment = await p.update(created.id, created.outs, comment.inputs);
    expect(writes(emu.handle())).toBe(1);
    emu.handle().calls.reset();
    const appended = await p.check(comment.inputs, {
      scope: { node: "pve1" },
      rules: [...(comment.inputs.rules as object[]), { action: "DROP" }],
    });
    const afterAppend = await p.update(created.id, afterComment.outs, appended.inputs);
    expect(writes(emu.handle())).toBeLessThanOrEqual(3);
    expect((afterAppend.outs.rules as unknown[]).length).toBe(21);
    await p.delete(created.id, afterAppend.outs);
  });

  it("re-reads and re-plans when someone edits the list concurrently", async () => {
    const p = await providerFor("FirewallRules", emu.handle());
    const base = await p.check({}, { scope: { node: "pve1" }, rules: twenty.slice(0, 3) });
    const created = await p.create(base.inputs);
    // an admin adds a rule in the GUI between our read and our writes
    await emu
      .handle()
      .editFile(
        "nodes/pve1/host.fw",
        "[RULES]\n\nIN DROP -p udp -dport 53 # gui\nIN ACCEPT -p tcp -dport 1000 # r0\nIN ACCEPT -p tcp -dport 1001 # r1\nIN ACCEPT -p tcp -dport 1002 # r2\n",
      );
    const desired = await p.check(base.inputs, { scope: { node: "pve1" }, rules: twenty.slice(0, 4) });
    const updated = await p.update(created.id, created.outs, desired.inputs);
    expect((updated.outs.rules as { comment?: string }[]).map((r) => r.comment)).toEqual(["r0", "r1", "r2", "r3"]);
    await p.delete(created.id, updated.outs);
  });
});

describe("applyRuleList", () => {
  it("never overwrites a concurrent edit: the stale write fails, the list is re-read and re-planned", async () => {
    const http = new PveHttpClient(resolveClientConfig({}, emulatorEnv(emu.handle())));
    const scope = { kind: "node", node: "pve2" } as const;
    await emu
      .handle()
      .editFile("nodes/pve2/host.fw", "[RULES]\n\nIN ACCEPT -p tcp -dport 22 # a\nIN ACCEPT -p tcp -dport 80 # b\n");
    let edited = false;
    class RacingApi extends FirewallApi {
      override async updateRule(...args: Parameters<FirewallApi["updateRule"]>) {
        if (!edited) {
          edited = true; // an admin's GUI edit lands between our read and our first PUT
          await emu
            .handle()
            .editFile(
              "nodes/pve2/host.fw",
              "[RULES]\n\nIN ACCEPT -p tcp -dport 22 # a\nIN DROP -p udp -dport 53 # gui\nIN ACCEPT -p tcp -dport 80 # b\n",
            );
        }
        return super.updateRule(...args);
      }
    }
    const racing = new RacingApi(http);
    emu.handle().calls.reset();
    const desired = [
      { type: "in", action: "ACCEPT", enable: 1, proto: "tcp", dport: "22", comment: "a2" },
      { type: "in", action: "ACCEPT", enable: 1, proto: "tcp", dport: "80", comment: "b" },
    ] as const;
    const result = await applyRuleList(
      racing,
      scope,
      desired.map((r) => ({ ...r })),
      () => undefined,
    );
    expect(edited).toBe(true);
    expect(result.rules.map((r) => r.comment)).toEqual(["a2", "b"]);
    // the first PUT was refused (stale digest), the re-planned one succeeded; the GUI rule is gone
    expect(emu.handle().calls.get("PUT /nodes/{node}/firewall/rules/{pos}")).toBeGreaterThanOrEqual(2);
    expect(await emu.handle().readFile("nodes/pve2/host.fw")).not.toContain("gui");
    await http.close();
  });
});
