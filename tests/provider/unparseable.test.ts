/**
 * Every resource kind against what Proxmox keeps of `.fw` lines it could not parse (BEHAVIOR.md
 * §11): the nameless alias, IPSet entries flagged with `errors` (without cidr, `!`, duplicates, a
 * missing alias, a zero prefix, a CRLF header), and rules flagged for naming a missing alias, IPSet
 * or group. Flagged IPSet entries are not the resource's (left alone, out of state, diff, drift and
 * the adopt decision, reported once); flagged rules are the list's own, kept where they are.
 */
import { useEmulator } from "../helpers/emulator";
import { providerFor, withoutGuardNotes, writes } from "./helpers";

const emu = useEmulator({
  topology: { nodes: ["pve1"], guests: [{ vmid: 102, node: "pve1", type: "qemu", name: "crlf", nics: {} }] },
});

afterEach(async () => {
  for (const f of ["firewall/cluster.fw", "firewall/102.fw"]) await emu.handle().editFile(f, "");
  emu.handle().calls.reset();
});

async function failure(p: Promise<unknown>): Promise<Error & { code?: string }> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as Error,
  );
}

const cluster = () => emu.handle().readFile("firewall/cluster.fw");

/** Only the requests that wrote (method and path template). */
function writeCalls(): Record<string, number> {
  return Object.fromEntries(Object.entries(emu.handle().calls.snapshot()).filter(([k]) => !k.startsWith("GET ")));
}

const NOT_AN_ADDRESS = "value does not look like a valid IP address or CIDR network";

describe("Alias next to the nameless alias of an unparseable line", () => {
  const file = "[ALIASES]\n\nthis line does not parse\noffice 192.0.2.1 # hq\n";

  it("adopts, reads, creates, updates and deletes named aliases, never matching the nameless one", async () => {
    await emu.handle().editFile("firewall/cluster.fw", file);
    const p = await providerFor("Alias", emu.handle());
    const adopt = await p.check({}, { name: "office", cidr: "192.0.2.1", comment: "hq", adopt: true });
    expect(adopt.failures).toBeUndefined();
    emu.handle().calls.reset();
    const office = await p.create(adopt.inputs);
    expect(writes(emu.handle())).toBe(0);
    expect((await p.read(office.id, office.outs)).props).toEqual(office.outs);
    const checked = await p.check({}, { name: "lab", cidr: "192.0.2.20" });
    const lab = await p.create(checked.inputs);
    // Proxmox writes the nameless alias back as a line holding one space (which it then reads as blank)
    expect(await cluster()).toBe("[ALIASES]\n\n \nlab 192.0.2.20\noffice 192.0.2.1 # hq\n\n");
    const edit = await p.check(adopt.inputs, { name: "office", cidr: "192.0.2.2", adopt: true });
    await p.update(office.id, office.outs, edit.inputs);
    await p.delete(lab.id, lab.outs);
    expect(await cluster()).toBe("[ALIASES]\n\noffice 192.0.2.2\n\n");
  });

  it("resolves the aliases rules name next to the nameless alias", async () => {
    await emu.handle().editFile("firewall/cluster.fw", file);
    const p = await providerFor("FirewallRules", emu.handle());
    const checked = await p.check({}, { rules: [{ action: "ACCEPT", source: "office", proto: "tcp", dport: 22 }] });
    expect(checked.failures).toBeUndefined();
    const created = await p.create(checked.inputs);
    expect((await p.read(created.id, created.outs)).props).toEqual(created.outs);
  });

  it("does not take the nameless alias for an existing target", async () => {
    await emu.handle().editFile("firewall/cluster.fw", "[ALIASES]\n\nthis line does not parse\n");
    const p = await providerFor("Alias", emu.handle());
    const checked = await p.check({}, { name: "office", cidr: "192.0.2.1" });
    expect(checked.failures).toBeUndefined();
    emu.handle().calls.reset();
    await p.create(checked.inputs);
    expect(writeCalls()).toEqual({ "POST /cluster/firewall/aliases": 1 });
  });
});

describe("IpSet with entries Proxmox flags", () => {
  const SERVERS = [
    "[ALIASES]",
    "",
    "lab 192.0.2.20",
    "",
    "[IPSET servers] # lab servers",
    "",
    "192.0.2.20 192.0.2.21",
    "192.0.2.22",
    "192.0.2.22/32",
    "dc/nosuchalias",
    "lab # by alias",
    "0.0.0.0/0",
    "",
  ].join("\n");
  const OWN = {
    name: "servers",
    comment: "lab servers",
    entries: ["192.0.2.22", { cidr: "lab", comment: "by alias" }],
  };
  const WARNING =
    "warning: ipset cluster/ipset/servers: 4 entries that Proxmox flags are not managed by this resource and left as they are: " +
    `(unparseable line) (${NOT_AN_ADDRESS}), '192.0.2.22' (duplicate ipset entry for '192.0.2.22'), ` +
    "'dc/nosuchalias' (no such alias 'nosuchalias'), '0.0.0.0/0' (a zero prefix is not allowed in ipset entries); " +
    "Proxmox skips them when it compiles the set: fix or remove them in Proxmox";

  it("adopts its own entries with zero writes, leaves the flagged ones out of its state, and reports them once", async () => {
    await emu.handle().editFile("firewall/cluster.fw", SERVERS);
    const messages: string[] = [];
    const p = await providerFor("IpSet", emu.handle(), messages);
    const checked = await p.check({}, { ...OWN, adopt: true });
    expect(checked.failures).toBeUndefined();
    emu.handle().calls.reset();
    const created = await p.create(checked.inputs);
    expect(writes(emu.handle())).toBe(0);
    expect(created.outs).toMatchObject({
      entries: [
        { cidr: "192.0.2.22", nomatch: false },
        { cidr: "lab", nomatch: false, comment: "by alias" },
      ],
    });
    const read = await p.read(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
    // the set's digest covers the flagged entries, as Proxmox's does
    expect(created.outs["digest"]).toBe("4cfed02a078a939515a0fca0bf201580b09ba809");
    expect((await p.diff(created.id, read.props!, checked.inputs)).changes).toBe(false);
    expect(withoutGuardNotes(messages)).toEqual([
      WARNING,
      "adopt IpSet cluster/ipset/servers: already as declared, no writes",
      "adopt IpSet cluster/ipset/servers: done, 0 writes",
    ]);
  });

  it("fails a takeover listing its own entries and counting the flagged ones", async () => {
    await emu.handle().editFile("firewall/cluster.fw", SERVERS);
    const p = await providerFor("IpSet", emu.handle());
    const checked = await p.check({}, OWN);
    expect(checked.failures?.[0]?.reason).toBe(
      "ipset 'servers' already exists in cluster with 2 entries (and 4 that Proxmox flags, which are left alone) (comment: lab servers):\n" +
        "  192.0.2.22\n  lab # by alias\n" +
        "it already equals this declaration but carries no ownership mark, so it cannot be told apart from an object someone else made (it may also be this resource's, when its create was interrupted after the last write, before Pulumi recorded it); nothing was written; set adopt: true on this IpSet to take it over (no writes needed)",
    );
  });

  it("adds, edits and removes its own entries with one write each, predicting every digest", async () => {
    await emu.handle().editFile("firewall/cluster.fw", SERVERS);
    const p = await providerFor("IpSet", emu.handle());
    const old = await p.read("cluster/ipset/servers");
    const news = await p.check(old.inputs!, {
      ...OWN,
      entries: ["192.0.2.50", { cidr: "lab", comment: "edited" }],
    });
    emu.handle().calls.reset();
    const updated = await p.update("cluster/ipset/servers", old.props!, news.inputs);
    // one read, then each write carries the digest Proxmox computes with the flagged entries: no re-read
    expect(emu.handle().calls.snapshot()).toEqual({
      "GET /cluster/firewall/ipset/{name}": 1,
      "POST /cluster/firewall/ipset/{name}": 1,
      "PUT /cluster/firewall/ipset/{name}/{cidr}": 1,
      "DELETE /cluster/firewall/ipset/{name}/{cidr}": 1,
    });
    expect((await p.read("cluster/ipset/servers", updated.outs)).props).toEqual(updated.outs);
    // the flagged entries stay (the duplicate went with the entry it repeated); `!` is Proxmox's
    expect(await cluster()).toBe(
      "[ALIASES]\n\nlab 192.0.2.20\n\n[IPSET servers] # lab servers\n\n!\n0.0.0.0/0\n192.0.2.50\ndc/nosuchalias\nlab # edited\n\n",
    );
  });

  it("reads a set whose rewrite it cannot predict (a CRLF header) after its first write, and finishes it", async () => {
    await emu.handle().editFile("firewall/cluster.fw", "[ALIASES]\n\nlab 192.0.2.20\n");
    await emu
      .handle()
      .editFile("firewall/102.fw", "[IPSET trusted]\r\n192.0.2.30\r\ndc/lab\r\n\r\n[RULES]\r\nIN ACCEPT -p tcp\r\n");
    const p = await providerFor("IpSet", emu.handle());
    const scope = { node: "pve1", vmid: 102 };
    const old = await p.read("qemu/pve1/102/ipset/trusted", { scope, name: "trusted" });
    expect(old.props?.["entries"]).toEqual([
      { cidr: "192.0.2.30", nomatch: false },
      { cidr: "dc/lab", nomatch: false },
    ]);
    const news = await p.check(old.inputs!, {
      scope,
      name: "trusted",
      entries: [{ cidr: "192.0.2.30", comment: "edited" }, "192.0.2.31", "dc/lab"],
    });
    emu.handle().calls.reset();
    const updated = await p.update("qemu/pve1/102/ipset/trusted", old.props!, news.inputs);
    // Proxmox's first write turns `[RULES]` into a header and `dc/lab`, sorted after it, leaves the set
    expect(emu.handle().calls.snapshot()).toEqual({
      "GET /nodes/{node}/qemu/{vmid}/firewall/ipset/{name}": 2,
      "POST /nodes/{node}/qemu/{vmid}/firewall/ipset/{name}": 2,
      "PUT /nodes/{node}/qemu/{vmid}/firewall/ipset/{name}/{cidr}": 1,
    });
    const read = await p.read("qemu/pve1/102/ipset/trusted", updated.outs);
    expect(read.props).toEqual(updated.outs);
    expect((await p.diff(read.id!, read.props!, news.inputs)).changes).toBe(false);
  });

  it("fails, before any write, an entry that only a flagged entry holds", async () => {
    await emu.handle().editFile("firewall/cluster.fw", SERVERS);
    const p = await providerFor("IpSet", emu.handle());
    const old = await p.read("cluster/ipset/servers");
    const news = await p.check(old.inputs!, {
      ...OWN,
      comment: "changed",
      entries: [...OWN.entries, "dc/nosuchalias"],
    });
    emu.handle().calls.reset();
    const e = await failure(p.update("cluster/ipset/servers", old.props!, news.inputs));
    expect(e.code).toBe("FW_MISSING_REFERENCE");
    expect(e.message).toBe(
      "ipset cluster/ipset/servers: entries: 'dc/nosuchalias' (no such alias 'nosuchalias'): is in the set already, but flagged by Proxmox, which skips it and refuses to add it again; nothing was written: create the alias first (an Alias resource, its ref or name in the entry), or leave the entry out",
    );
    expect(writes(emu.handle())).toBe(0);
  });

  it("deletes a set holding flagged entries", async () => {
    await emu.handle().editFile("firewall/cluster.fw", SERVERS);
    const p = await providerFor("IpSet", emu.handle());
    const old = await p.read("cluster/ipset/servers");
    await p.delete("cluster/ipset/servers", old.props!);
    expect(await cluster()).toBe("[ALIASES]\n\nlab 192.0.2.20\n\n");
  });
});

describe("rules Proxmox flags for naming a missing alias, IPSet or group", () => {
  const FILE = [
    "[ALIASES]",
    "",
    "lab 192.0.2.20",
    "",
    "[RULES]",
    "",
    "IN ACCEPT -p tcp -dport 22",
    "IN ACCEPT -source nosuchalias -p tcp -dport 80 # dangling",
    "GROUP nosuchgroup",
    "",
    "[group web]",
    "",
    "IN ACCEPT -dest +nosuchset -p tcp -dport 443",
    "",
  ].join("\n");
  const RULES = [
    { action: "ACCEPT", proto: "tcp", dport: 22 },
    { action: "ACCEPT", source: "nosuchalias", proto: "tcp", dport: 80, comment: "dangling" },
    { type: "group", action: "nosuchgroup" },
  ];
  const KEPT =
    "the rule is already on the server exactly as declared and is left as it is: fix the reference, or remove the rule";

  it("adopts a list holding them with zero writes, keeping them in its state, and warns about each", async () => {
    await emu.handle().editFile("firewall/cluster.fw", FILE);
    const messages: string[] = [];
    const p = await providerFor("FirewallRules", emu.handle(), messages);
    const checked = await p.check({}, { rules: RULES, adopt: true });
    expect(checked.failures).toBeUndefined();
    emu.handle().calls.reset();
    const created = await p.create(checked.inputs);
    expect(writes(emu.handle())).toBe(0);
    const read = await p.read(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
    expect((await p.diff(created.id, read.props!, checked.inputs)).changes).toBe(false);
    expect(withoutGuardNotes(messages).filter((m) => m.startsWith("warning: "))).toEqual([
      `warning: rules of cluster: rules[1].source: no cluster alias 'nosuchalias' (cluster aliases: lab); Proxmox would skip this rule; ${KEPT}`,
      `warning: rules of cluster: rules[2].action: security group 'nosuchgroup' does not exist (security groups: web); Proxmox would apply nothing for this rule; ${KEPT}`,
    ]);
  });

  it("changes other rules of the list around them with the minimal writes", async () => {
    await emu.handle().editFile("firewall/cluster.fw", FILE);
    const p = await providerFor("FirewallRules", emu.handle());
    const old = await p.read("cluster");
    const news = await p.check(old.inputs!, { rules: [...RULES.slice(1), { action: "DROP", comment: "rest" }] });
    emu.handle().calls.reset();
    await p.update("cluster", old.props!, news.inputs);
    // the new DROP is created disabled, moved to the end, then enabled; the rule above the kept ones goes
    expect(emu.handle().calls.snapshot()).toEqual({
      "DELETE /cluster/firewall/rules/{pos}": 1,
      "POST /cluster/firewall/rules": 1,
      "PUT /cluster/firewall/rules/{pos}": 2,
      // the reference check's reads (the list once), then the plan's read; every write carried a digest
      "GET /cluster/firewall/aliases": 1,
      "GET /cluster/firewall/groups": 1,
      "GET /cluster/firewall/rules": 2,
    });
    expect(await cluster()).toContain(
      "[RULES]\n\nIN ACCEPT -source nosuchalias -p tcp -dport 80 # dangling\nGROUP nosuchgroup\nIN DROP # rest\n",
    );
  });

  it("fails a write that would edit one, or add another copy, naming each, with nothing written", async () => {
    await emu.handle().editFile("firewall/cluster.fw", FILE);
    const p = await providerFor("FirewallRules", emu.handle());
    const old = await p.read("cluster");
    const edited = RULES.map((r, i) => (i === 1 ? { ...r, comment: "still dangling" } : r));
    for (const rules of [edited, [...RULES, RULES[2]]]) {
      const news = await p.check(old.inputs!, { rules });
      emu.handle().calls.reset();
      const e = await failure(p.update("cluster", old.props!, news.inputs));
      expect(e.code).toBe("FW_MISSING_REFERENCE");
      expect(writes(emu.handle())).toBe(0);
    }
    const news = await p.check(old.inputs!, { rules: edited });
    const e = await failure(p.update("cluster", old.props!, news.inputs));
    expect(e.message).toBe(
      "rules of cluster: rules[1].source: no cluster alias 'nosuchalias' (cluster aliases: lab); Proxmox would skip this rule; nothing was written (create the missing object first, referencing it through its resource's output so that Pulumi creates it before this list)",
    );
  });

  it("adopts a security group holding one with zero writes and changes its other rules", async () => {
    await emu.handle().editFile("firewall/cluster.fw", FILE);
    const messages: string[] = [];
    const p = await providerFor("SecurityGroup", emu.handle(), messages);
    const rule = { action: "ACCEPT", dest: "+nosuchset", proto: "tcp", dport: 443 };
    const checked = await p.check({}, { name: "web", rules: [rule], adopt: true });
    emu.handle().calls.reset();
    const created = await p.create(checked.inputs);
    expect(writes(emu.handle())).toBe(0);
    expect((await p.read(created.id, created.outs)).props).toEqual(created.outs);
    expect(messages).toContain(
      `warning: security group web: rules[0].dest: no cluster IPSet 'nosuchset' (cluster IPSets: none); for an SDN IPSet write '+sdn/nosuchset'; Proxmox would skip this rule; ${KEPT}`,
    );
    const news = await p.check(checked.inputs, { name: "web", rules: [{ action: "ACCEPT", macro: "SSH" }, rule] });
    emu.handle().calls.reset();
    await p.update(created.id, created.outs, news.inputs);
    expect(writes(emu.handle())).toBe(1);
    const moved = await p.check(checked.inputs, { name: "web", rules: [{ ...rule, dport: 8443 }] });
    const e = await failure(p.update(created.id, created.outs, moved.inputs));
    expect(e.code).toBe("FW_MISSING_REFERENCE");
  });
});
