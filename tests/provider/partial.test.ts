import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { PartialApplyError } from "../../provider/errors";
import { GuardSession } from "../../provider/resources/guard-session";
import { ownerMark } from "../../provider/resources/ownership";
import { useEmulator } from "../helpers/emulator";
import { until } from "../helpers/runner-process";
import { providerFor, writes } from "./helpers";

const emu = useEmulator({
  topology: { nodes: ["pve1"], guests: [{ vmid: 101, node: "pve1", type: "qemu", name: "db", nics: {} }] },
});

const ME = "0123456789abcdef";
const OTHER = "fedcba9876543210";
const RULES_PATH = "/nodes/{node}/qemu/{vmid}/firewall/rules/{pos}";
const vm = { node: "pve1", vmid: 101 };

afterEach(async () => {
  emu.handle().faults.clear();
  for (const f of ["firewall/101.fw", "firewall/cluster.fw"]) await emu.handle().editFile(f, "");
  emu.handle().calls.reset();
});

async function failure(p: Promise<unknown>): Promise<Error & { code?: string; properties?: Record<string, unknown> }> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as Error,
  );
}

describe("a failed apply", () => {
  it("says which writes it made before failing and records the true state", async () => {
    await emu
      .handle()
      .editFile(
        "firewall/101.fw",
        "[RULES]\n\nIN ACCEPT -p tcp -dport 22 # a\nIN DROP # b\nIN ACCEPT -p tcp -dport 80 # c\n",
      );
    const p = await providerFor("FirewallRules", emu.handle());
    const old = await p.read("qemu/pve1/101");
    const news = await p.check(old.inputs!, {
      scope: vm,
      rules: [
        { action: "ACCEPT", proto: "tcp", dport: 22, comment: "a2" },
        { action: "ACCEPT", proto: "tcp", dport: 80, comment: "c" },
      ],
    });
    emu.handle().faults.add({ kind: "error500", method: "PUT", path: RULES_PATH, message: "disk full" });
    const e = await failure(p.update("qemu/pve1/101", old.props!, news.inputs));
    expect(e.message).toBe(
      "update rules of qemu/pve1/101 failed after 1 of 2 writes (deleted rule 1), then: rule 0 at qemu/pve1/101: disk full",
    );
    expect(e.code).toBe("FW_PARTIAL_APPLY");
    expect((e as PartialApplyError).reasons).toEqual([e.message]);
    const rules = (e.properties?.["rules"] ?? []) as { comment: string }[];
    expect(rules.map((r) => r.comment)).toEqual(["a", "c"]);
  });

  it("passes a failure before any write on as it is, recording nothing", async () => {
    await emu.handle().editFile("firewall/101.fw", "[RULES]\n\nIN DROP # b\n");
    const p = await providerFor("FirewallRules", emu.handle());
    const old = await p.read("qemu/pve1/101");
    const news = await p.check(old.inputs!, { scope: vm, rules: [{ action: "DROP", comment: "b2" }] });
    emu.handle().faults.add({ kind: "error500", method: "PUT", path: RULES_PATH, message: "disk full" });
    const e = await failure(p.update("qemu/pve1/101", old.props!, news.inputs));
    expect(e.message).toBe("rule 0 at qemu/pve1/101: disk full");
    expect(e.code).toBe("FW_API");
    expect(e).not.toHaveProperty("id");
  });

  it("counts the entries a failed IPSet create added", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const entries = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "dc/nosuchalias"];
    const checked = await p.check({}, { name: "blocklist", comment: "scanners", entries, __owner: ME });
    const e = await failure(p.create(checked.inputs));
    expect(e.message).toBe(
      "create ipset cluster/ipset/blocklist failed after 6 of 8 writes (created the set marked as being created by this resource; added 5 of 6 entries), then: ipset entry cluster/ipset/blocklist/dc/nosuchalias: no such alias 'nosuchalias'",
    );
    expect(e.properties).toMatchObject({ name: "blocklist", comment: ownerMark(ME) });
  });

  it("regress-13: counts a marked create's last write, which sets the real comment, among those not done", async () => {
    const p = await providerFor("SecurityGroup", emu.handle());
    const rules = [
      { action: "ACCEPT", proto: "tcp", dport: 443 },
      { action: "ACCEPT", proto: "tcp", dport: 80 },
    ];
    const checked = await p.check({}, { name: "web", comment: "web tier", rules, __owner: ME });
    emu
      .handle()
      .faults.add({ kind: "error500", method: "POST", path: "/cluster/firewall/groups/{group}", message: "full" });
    const e = await failure(p.create(checked.inputs));
    // the group, its two rules (the second never sent) and the comment that replaces the mark: 1 of 4 done
    expect(e.message).toBe(
      "create security group cluster/group/web failed after 1 of 4 writes (created the group marked as being created by this resource), then: new rule at cluster/group/web: full",
    );
    expect(e.properties).toMatchObject({ name: "web", comment: ownerMark(ME), rules: [] });
  });

  /**
   * Holds write `nth` matching `held` until an admin's edit of `file` changed the digest it carries,
   * and fails every read of `list` from then on (4 attempts: the client's retries): the write is
   * refused as stale, and the re-read a new plan needs fails.
   */
  async function staleThenUnreadable(
    apply: Promise<unknown>,
    held: { method: string; path: string; nth: number },
    edit: { file: string; text: string },
    list: string,
  ): Promise<Error> {
    const { faults } = emu.handle();
    faults.release(faults.add({ kind: "hold", method: held.method, path: held.path, count: held.nth - 1 }));
    const hold = faults.add({ kind: "hold", method: held.method, path: held.path, count: 1 });
    const outcome = failure(apply);
    await until("the write is held", () => faults.list().some((f) => f.id === hold && f.hits > 0));
    await emu.handle().editFile(edit.file, edit.text);
    faults.add({ kind: "error500", method: "GET", path: list, count: 4, message: "unreadable" });
    faults.release(hold);
    return outcome;
  }

  it("regress-13: counts the rest of a rule plan a concurrent edit stopped among the writes not done", async () => {
    const before = "[RULES]\n\nIN ACCEPT -p tcp -dport 22 # a\nIN DROP # b\nIN ACCEPT -p tcp -dport 80 # c\n";
    await emu.handle().editFile("firewall/101.fw", before);
    const p = await providerFor("FirewallRules", emu.handle());
    const old = await p.read("qemu/pve1/101");
    const news = await p.check(old.inputs!, {
      scope: vm,
      rules: [
        { action: "ACCEPT", proto: "tcp", dport: 22, comment: "a2" },
        { action: "ACCEPT", proto: "tcp", dport: 80, comment: "c2" },
      ],
    });
    // deleted rule 1, then the first PUT is refused (the admin added a rule): 2 of 3 writes not done
    const e = await staleThenUnreadable(
      p.update("qemu/pve1/101", old.props!, news.inputs),
      { method: "PUT", path: RULES_PATH, nth: 1 },
      { file: "firewall/101.fw", text: `${before}IN DROP -p tcp -dport 3306 # admin\n` },
      "/nodes/{node}/qemu/{vmid}/firewall/rules",
    );
    expect(e.message).toBe(
      "update rules of qemu/pve1/101 failed after 1 of 3 writes (deleted rule 1), then: rules of qemu/pve1/101: unreadable",
    );
  });

  it("regress-13: counts the rest of an entry plan a concurrent edit stopped among the writes not done", async () => {
    const before = "[IPSET blocklist] # scanners\n\n10.0.0.1 # a\n10.0.0.2 # b\n10.0.0.3 # c\n\n";
    await emu.handle().editFile("firewall/cluster.fw", before);
    const p = await providerFor("IpSet", emu.handle());
    const old = await p.read("cluster/ipset/blocklist");
    const news = await p.check(old.inputs!, {
      name: "blocklist",
      comment: "scanners",
      entries: [
        { cidr: "10.0.0.1", comment: "a2" },
        { cidr: "10.0.0.2", comment: "b2" },
        { cidr: "10.0.0.3", comment: "c2" },
      ],
    });
    // the first comment update lands, the second is refused (the admin added an entry): 2 of 3 not done
    const e = await staleThenUnreadable(
      p.update("cluster/ipset/blocklist", old.props!, news.inputs),
      { method: "PUT", path: "/cluster/firewall/ipset/{name}/{cidr}", nth: 2 },
      { file: "firewall/cluster.fw", text: before.replace("\n\n10.0.0.1", "\n\n10.9.9.9\n10.0.0.1") },
      "/cluster/firewall/ipset/{name}",
    );
    expect(e.message).toBe(
      "update ipset cluster/ipset/blocklist failed after 1 of 3 writes (updated 1 of 3 entries), then: ipset cluster/ipset/blocklist: unreadable",
    );
  });

  it("settles a create whose only write got no answer by reading it, creating it once", async () => {
    const p = await providerFor("Alias", emu.handle());
    const checked = await p.check({}, { name: "office", cidr: "192.0.2.1", __owner: ME });
    emu.handle().faults.add({ kind: "dropAfter", method: "POST", path: "/cluster/firewall/aliases" });
    emu.handle().calls.reset();
    const created = await p.create(checked.inputs);
    expect(created.outs).toMatchObject({ name: "office", cidr: "192.0.2.1" });
    expect(emu.handle().calls.snapshot()).toEqual({
      "GET /cluster/firewall/aliases": 2, // what exists (ownership), then the read that settles the POST
      "POST /cluster/firewall/aliases": 1,
    });
  });

  it("says what a failed delete already removed", async () => {
    await emu
      .handle()
      .editFile("firewall/cluster.fw", "[group web]\n\nIN ACCEPT -p tcp -dport 443\nIN ACCEPT -p tcp -dport 80\n");
    const p = await providerFor("SecurityGroup", emu.handle());
    const old = await p.read("cluster/group/web");
    emu
      .handle()
      .faults.add({ kind: "error500", method: "DELETE", path: "/cluster/firewall/groups/{group}", message: "busy" });
    const e = await failure(p.delete("cluster/group/web", old.props!));
    expect(e.message).toBe(
      "delete security group cluster/group/web failed after 2 of 3 writes (deleted rule 1; deleted rule 0), then: security group cluster/group/web: busy",
    );
    expect(e.code).toBe("FW_APPLY_FAILED");
  });
});

describe("references", () => {
  it("fails rules naming a missing group, alias or IPSet in preview and before any write, naming each and what exists", async () => {
    await emu
      .handle()
      .editFile(
        "firewall/cluster.fw",
        "[ALIASES]\n\noffice 192.0.2.0/24\n\n[IPSET mgmt]\n\n10.0.0.1\n\n[group webserver]\n\nIN ACCEPT -p tcp -dport 443\n",
      );
    await emu.handle().editFile("firewall/101.fw", "[ALIASES]\n\nlocal 10.1.0.0/16\n");
    const p = await providerFor("FirewallRules", emu.handle());
    const inputs = {
      scope: vm,
      rules: [
        { type: "group", action: "webservr" },
        { action: "ACCEPT", source: "dc/local" },
        { action: "ACCEPT", source: "+guest/mgmt" },
        { action: "ACCEPT", source: "office", dest: "+mgmt", comment: "fine" },
      ],
    };
    const message =
      "rules of qemu/pve1/101: " +
      "rules[0].action: security group 'webservr' does not exist (security groups: webserver); Proxmox would apply nothing for this rule; " +
      "rules[1].source: no cluster alias 'local' (cluster aliases: office); the guest has one: write 'guest/local'; Proxmox would skip this rule; " +
      "rules[2].source: no guest IPSet 'mgmt' (guest IPSets: none); the cluster has one: write '+dc/mgmt'; Proxmox would skip this rule; " +
      "nothing was written (create the missing object first, referencing it through its resource's output so that Pulumi creates it before this list)";
    // preview: the check of the new list reads (GETs only) and fails as the write would
    expect((await p.check({}, inputs)).failures).toEqual([{ property: "rules", reason: message }]);
    expect(writes(emu.handle())).toBe(0);
    emu.handle().calls.reset();
    const e = await failure(p.create(inputs));
    expect(e.code).toBe("FW_MISSING_REFERENCE");
    expect(e.message).toBe(message);
    expect(writes(emu.handle())).toBe(0);
    // one GET per list: the rule list (ownership), groups, and aliases and IPSets of the cluster and the guest
    expect(emu.handle().calls.total()).toBe(6);
    expect(await emu.handle().readFile("firewall/101.fw")).toBe("[ALIASES]\n\nlocal 10.1.0.0/16\n");
  });

  it("fails a security group rule naming a guest alias before creating the group", async () => {
    const p = await providerFor("SecurityGroup", emu.handle());
    const inputs = { name: "web", rules: [{ action: "ACCEPT", source: "guest/office" }] };
    const message =
      "security group web: rules[0].source: 'guest/office' names a guest alias, but only guest rules see guest objects (this rule sees cluster aliases only); Proxmox would skip this rule; nothing was written (create the missing object first, referencing it through its resource's output so that Pulumi creates it before this list)";
    expect((await p.check({}, inputs)).failures).toEqual([{ property: "rules", reason: message }]);
    emu.handle().calls.reset();
    const e = await failure(p.create(inputs));
    expect(e.message).toBe(message);
    expect(writes(emu.handle())).toBe(0);
  });
});

describe("references in a preview", () => {
  it("regress-D6 counts what the program declares before the list, and fails only on what neither exists nor is declared", async () => {
    const session = new GuardSession();
    const messages: string[] = [];
    const alias = await providerFor("Alias", emu.handle(), messages, { session });
    const set = await providerFor("IpSet", emu.handle(), messages, { session });
    const group = await providerFor("SecurityGroup", emu.handle(), messages, { session });
    const rules = await providerFor("FirewallRules", emu.handle(), messages, { session });
    // what a program declares (checked earlier in the run) counts, though nothing is created yet
    expect((await alias.check({}, { name: "Office", cidr: "192.0.2.0/24" })).failures).toBeUndefined();
    expect((await set.check({}, { scope: vm, name: "app", entries: ["10.0.0.1"] })).failures).toBeUndefined();
    // (a set whose entries are still unknown in the preview is declared all the same)
    expect((await set.check({}, { name: "later", entries: [unknownValue] })).failures).toBeUndefined();
    expect(
      (await group.check({}, { name: "web", rules: [{ action: "ACCEPT", source: "office" }] })).failures,
    ).toBeUndefined();
    const declared = [
      { action: "ACCEPT", source: "dc/office" },
      { action: "ACCEPT", source: "+guest/app" },
      { type: "group", action: "web" },
      { action: "DROP", source: "+later" },
    ];
    expect((await rules.check({}, { scope: vm, rules: declared })).failures).toBeUndefined();
    // an IPSet that neither exists nor is declared fails the preview, as the write would
    const missing = await rules.check({}, { rules: [{ action: "ACCEPT", source: "+nosuchset" }] });
    expect(missing.failures).toEqual([
      {
        property: "rules",
        reason: expect.stringMatching(/^rules of cluster: rules\[0\]\.source: no cluster IPSet 'nosuchset' \(/),
      },
    ]);
    // a changed list is checked too; a reference still unknown (an output of a new object) is not
    const changed = await rules.check({ rules: [] }, { rules: [{ type: "group", action: "nosuchgroup" }] });
    expect(changed.failures?.[0]?.reason).toContain("security group 'nosuchgroup' does not exist");
    emu.handle().calls.reset();
    const unknown = await rules.check({}, { rules: [{ action: "ACCEPT", source: unknownValue }] });
    expect(unknown.failures).toBeUndefined();
    expect(emu.handle().calls.total()).toBe(0);
    expect(writes(emu.handle())).toBe(0);
  });
});

describe("an interrupted create", () => {
  const desired = [
    { action: "ACCEPT", proto: "tcp", dport: 22, comment: "ssh" },
    { action: "ACCEPT", proto: "tcp", dport: 80, comment: "web" },
    { action: "DROP", comment: "rest" },
  ];

  it("is finished by the next create when the half-made list carries this resource's mark", async () => {
    const p = await providerFor("FirewallRules", emu.handle());
    const checked = await p.check({}, { scope: vm, rules: desired, __owner: ME });
    // the first move or enable keeps failing: what a kill -9 at that point leaves behind (the engine records nothing)
    emu.handle().faults.add({ kind: "error500", method: "PUT", path: RULES_PATH });
    await failure(p.create(checked.inputs));
    emu.handle().faults.clear();
    const half = (await emu.handle().readFile("firewall/101.fw")) ?? "";
    expect(half).toContain(`# ${ownerMark(ME)}`);

    const again = await p.check({}, { scope: vm, rules: desired, __owner: ME });
    expect(again.failures).toBeUndefined();
    const created = await p.create(again.inputs);
    expect(await emu.handle().readFile("firewall/101.fw")).toBe(
      "[RULES]\n\nIN ACCEPT -p tcp -dport 22 # ssh\nIN ACCEPT -p tcp -dport 80 # web\nIN DROP # rest\n\n",
    );
    expect((await p.diff(created.id, created.outs, again.inputs)).changes).toBe(false);
  });

  it("is refused to another resource, naming the mark, with nothing written", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const checked = await p.check({}, { name: "blocklist", entries: ["10.0.0.1", "dc/nosuchalias"], __owner: OTHER });
    await failure(p.create(checked.inputs));
    const half = await emu.handle().readFile("firewall/cluster.fw");
    const mine = await p.check({}, { name: "blocklist", entries: ["10.0.0.1"], __owner: ME });
    expect(mine.failures?.[0]?.reason).toContain(`it is half-made by another resource (ownership mark ${OTHER}`);
    emu.handle().calls.reset();
    const canonical = (await p.check({ previous: true }, { name: "blocklist", entries: ["10.0.0.1"] })).inputs;
    const e = await failure(p.create({ ...canonical, __owner: ME }));
    expect(e.code).toBe("FW_TAKEOVER_REFUSED");
    expect(writes(emu.handle())).toBe(0);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(half);
  });

  it("finishes its own half-made IPSet with the comment as the last write", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const bad = await p.check(
      {},
      { name: "blocklist", comment: "scanners", entries: ["10.0.0.1", "dc/nosuchalias"], __owner: ME },
    );
    await failure(p.create(bad.inputs));
    const good = await p.check(
      {},
      { name: "blocklist", comment: "scanners", entries: ["10.0.0.1", "10.0.0.2"], __owner: ME },
    );
    expect(good.failures).toBeUndefined();
    emu.handle().calls.reset();
    await p.create(good.inputs);
    expect(writes(emu.handle())).toBe(2); // the missing entry, then the comment
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(
      "[IPSET blocklist] # scanners\n\n10.0.0.1\n10.0.0.2\n\n",
    );
  });

  it("finishes its own half-made security group, its comment set last", async () => {
    const p = await providerFor("SecurityGroup", emu.handle());
    const args = { name: "web", comment: "web tier", rules: desired, __owner: ME };
    emu.handle().faults.add({ kind: "error500", method: "PUT", path: "/cluster/firewall/groups/{group}/{pos}" });
    await failure(p.create((await p.check({}, args)).inputs));
    emu.handle().faults.clear();
    expect(await emu.handle().readFile("firewall/cluster.fw")).toContain(`[group web] # ${ownerMark(ME)}`);
    const again = await p.check({}, args);
    expect(again.failures).toBeUndefined();
    await p.create(again.inputs);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(
      "[group web] # web tier\n\nIN ACCEPT -p tcp -dport 22 # ssh\nIN ACCEPT -p tcp -dport 80 # web\nIN DROP # rest\n\n",
    );
  });

  it("is refused when the object equals the declaration without a mark, naming that window", async () => {
    const p = await providerFor("Alias", emu.handle());
    const checked = await p.check({}, { name: "office", cidr: "192.0.2.1", __owner: ME });
    await p.create(checked.inputs); // a one-write create: no mark, and here the engine never recorded it
    const e = await failure(p.create(checked.inputs));
    expect(e.message).toContain("it already equals this declaration but carries no ownership mark");
    expect(e.message).toContain("set adopt: true on this Alias to take it over (no writes needed)");
  });
});
