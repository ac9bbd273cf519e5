import { unknownValue } from "../../provider/runner/props";
import { ProviderCallError } from "../../provider/runner/provider-host";
import { LIFECYCLE_CASES } from "./cases";
import { snapshotFiles, urnOf, useE2e, withProvider } from "./harness";
import { bare, runLifecycle } from "./lifecycle";

const fx = useE2e({
  topology: {
    nodes: ["pve1", "pve2"],
    guests: [
      {
        vmid: 100,
        node: "pve1",
        type: "qemu",
        name: "web",
        nics: { net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1" },
      },
      { vmid: 101, node: "pve1", type: "qemu", name: "db", nics: {} },
    ],
    vnets: [{ vnet: "v1", zone: "z1" }],
  },
});

describe("every resource through the dynamic-provider host", () => {
  it.each(LIFECYCLE_CASES.map((c) => [c.title, c] as const))(
    "runs %s through check, create, read, diff, update, drift and delete",
    async (_title, c) => {
      await runLifecycle(fx, c);
    },
  );
});

const BAD_INPUTS = [
  ["cluster options", "ClusterFirewallOptions", { policyIn: "MAYBE" }, ["policyIn"]],
  ["node options", "NodeFirewallOptions", { scope: { node: "pve1" }, nfConntrackMax: 10 }, ["nfConntrackMax"]],
  [
    "guest options",
    "GuestFirewallOptions",
    { scope: { node: "pve1", vmid: 7 }, enable: "yes" },
    ["scope.vmid", "enable"],
  ],
  ["vnet options", "VnetFirewallOptions", { scope: { vnet: "v1" }, policyForward: "REJECT" }, ["policyForward"]],
  [
    "rules",
    "FirewallRules",
    {
      scope: { vnet: "v1" },
      rules: [
        { type: "in", action: "ACCEPT" },
        { type: "forward", action: "MAYBE" },
      ],
    },
    ["rules[0].type", "rules[1].action"],
  ],
  [
    "group",
    "SecurityGroup",
    { name: "a-very-long-group-name", rules: [{ type: "group", action: "other" }] },
    ["name", "rules[0].type"],
  ],
  ["alias", "Alias", { name: "office", cidr: "10.0.0.300" }, ["cidr"]],
  ["ipset name", "IpSet", { name: "MySet" }, ["name"]],
  [
    "ipset entries",
    "IpSet",
    { name: "myset", entries: ["10.0.0.1", "0.0.0.0/0", "10.0.0.1/32"] },
    ["entries[1].cidr", "entries[2].cidr"],
  ],
] as const;

describe("check through the host", () => {
  it.each(BAD_INPUTS)("fails %s input naming each bad field, with no API call", async (_what, kind, inputs, fields) => {
    const { host, emu } = fx.env();
    const news = await withProvider(fx, kind, inputs);
    const before = emu.calls.total();
    const r = await host.check(urnOf(kind, "bad"), {}, news);
    expect(r.failures.map((f) => f.property).sort()).toEqual([...fields].sort());
    for (const f of r.failures) expect(f.reason).toMatch(/^[a-z"'0-9]/);
    expect(r.inputs).toEqual(news);
    expect(emu.calls.total()).toBe(before);
  });
});

describe("preview through the host", () => {
  it("checks unknown values in scope.vmid and in one rule without failing, and diff reports changes", async () => {
    const { host, emu } = fx.env();
    const urn = urnOf("FirewallRules", "preview");
    const ssh = { action: "ACCEPT", macro: "ssh", source: "10.0.0.0/8" };
    const known = await host.check(
      urn,
      {},
      await withProvider(fx, "FirewallRules", { scope: { node: "pve1", vmid: 100 }, rules: [ssh] }),
    );
    const created = await host.create(urn, known.inputs);
    const before = emu.calls.total();
    const preview = await host.check(
      urn,
      known.inputs,
      await withProvider(fx, "FirewallRules", {
        scope: { node: "pve1", vmid: unknownValue },
        rules: [{ action: "ACCEPT", proto: "tcp", dport: unknownValue }, ssh],
      }),
    );
    expect(preview.failures).toEqual([]);
    expect(bare(preview.inputs)).toEqual({
      scope: { node: "pve1", vmid: unknownValue },
      rules: [
        { action: "ACCEPT", proto: "tcp", dport: unknownValue },
        { type: "in", action: "ACCEPT", enable: true, macro: "SSH", source: "10.0.0.0/8" },
      ],
    });
    const diff = await host.diff(created.id, urn, created.props, preview.inputs);
    expect(diff).toEqual({ changes: true, replaces: ["scope"], deleteBeforeReplace: false });
    expect(emu.calls.total()).toBe(before);
    await host.delete(created.id, urn, created.props);
  });
});

describe("partial failure through the host", () => {
  it("fails an update whose later write fails with the id, the real server state and the reasons", async () => {
    const { host, emu } = fx.env();
    const urn = urnOf("FirewallRules", "partial");
    const before = await snapshotFiles(emu.dataDir);
    const a = { action: "ACCEPT", proto: "tcp", dport: "22", comment: "a" };
    const b = { action: "ACCEPT", proto: "tcp", dport: "80", comment: "b" };
    const drop = { action: "DROP", proto: "udp", dport: "53", comment: "dns" };
    const base = await host.check(urn, {}, await withProvider(fx, "FirewallRules", { rules: [a, b] }));
    const created = await host.create(urn, base.inputs);
    const wanted = await host.check(urn, base.inputs, await withProvider(fx, "FirewallRules", { rules: [a, drop, b] }));

    // inserting in the middle is: create disabled (POST), move (PUT), enable (PUT); every PUT fails
    emu.faults.add({ kind: "error500", method: "PUT", path: "/cluster/firewall/rules/{pos}", message: "disk full" });
    emu.calls.reset();
    const err = await host.update(created.id, urn, created.props, wanted.inputs).catch((e: unknown) => e);
    expect(emu.calls.get("POST /cluster/firewall/rules")).toBe(1);
    // a 500 may or may not have been applied: each is settled by reading the list, 5 in a row at most
    expect(emu.calls.get("PUT /cluster/firewall/rules/{pos}")).toBe(5);
    expect(err).toBeInstanceOf(ProviderCallError);
    const failure = err as ProviderCallError;
    expect(failure.id).toBe("cluster");
    expect(failure.reasons).toHaveLength(1);
    expect(failure.reasons[0]).toContain("disk full");
    // only `message` crosses gRPC: it says what was already changed
    expect(failure.message).toMatch(
      /^update rules of cluster failed after 1 of \d+ writes \(created rule 0 disabled\), then: .*disk full$/,
    );
    const state = (failure.properties?.rules ?? []) as { comment?: string; enable?: boolean }[];
    // Proxmox inserts a new rule at the top; it is still disabled, so it filters nothing
    expect(state.map((r) => [r.comment, r.enable])).toEqual([
      ["dns", false],
      ["a", true],
      ["b", true],
    ]);
    const truth = await host.read("cluster", urn, created.props, base.inputs);
    expect(failure.properties).toEqual(bare(truth.props));

    // the engine records the reported state; the next update finishes the job
    emu.faults.clear();
    const recorded = { ...failure.properties, __provider: created.props.__provider };
    expect((await host.diff("cluster", urn, recorded, wanted.inputs)).changes).toBe(true);
    const finished = await host.update("cluster", urn, recorded, wanted.inputs);
    expect(bare(finished.props).rules).toEqual(bare(wanted.inputs).rules);
    await host.delete("cluster", urn, finished.props);
    expect(await snapshotFiles(emu.dataDir)).toEqual(before);
  });
});

describe("requests and in-run convergence through the host", () => {
  it("edits a rule comment with 1 write and 1 read and returns what a read returns", async () => {
    const { host, emu } = fx.env();
    const urn = urnOf("FirewallRules", "counted");
    const rules = Array.from({ length: 20 }, (_, i) => ({
      action: "ACCEPT",
      proto: "tcp",
      dport: 1000 + i,
      comment: `r${i}`,
    }));
    const base = await host.check(urn, {}, await withProvider(fx, "FirewallRules", { rules }));
    const created = await host.create(urn, base.inputs);
    const edited = rules.map((r, i) => (i === 7 ? { ...r, comment: "seven" } : r));
    const wanted = await host.check(urn, base.inputs, await withProvider(fx, "FirewallRules", { rules: edited }));
    emu.calls.reset();
    const updated = await host.update(created.id, urn, created.props, wanted.inputs);
    expect(emu.calls.snapshot()).toEqual({ "GET /cluster/firewall/rules": 1, "PUT /cluster/firewall/rules/{pos}": 1 });
    emu.calls.reset();
    const read = await host.read(created.id, urn, updated.props, wanted.inputs);
    expect(emu.calls.snapshot()).toEqual({ "GET /cluster/firewall/rules": 1 });
    expect(read.props).toEqual(updated.props);
    await host.delete(created.id, urn, updated.props);
  });

  it("creates and changes an IPSet under injected write faults, each in one call, exactly", async () => {
    const { host, emu } = fx.env();
    const urn = urnOf("IpSet", "faulty");
    const cidr = (i: number) => `198.18.${i >> 8}.${i & 255}`;
    const first = { name: "faulty", comment: "scanners", entries: Array.from({ length: 200 }, (_, i) => cidr(i)) };
    const second = { ...first, entries: Array.from({ length: 200 }, (_, i) => cidr(i + 20)) };
    emu.faults.reseed(13);
    for (const method of ["POST", "PUT", "DELETE"])
      for (const kind of ["error500", "dropBefore", "dropAfter", "lockTimeout"] as const)
        emu.faults.add({ kind, method, probability: 0.03 });
    const a = await host.check(urn, {}, await withProvider(fx, "IpSet", first));
    const created = await host.create(urn, a.inputs);
    const b = await host.check(urn, a.inputs, await withProvider(fx, "IpSet", second));
    const updated = await host.update(created.id, urn, created.props, b.inputs);
    const hits = emu.faults.list().reduce((n, f) => n + f.hits, 0);
    emu.faults.clear();
    expect(hits).toBeGreaterThan(0);
    const lines = second.entries.map(String).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    expect(await emu.readFile("firewall/cluster.fw")).toBe(`[IPSET faulty] # scanners\n\n${lines.join("\n")}\n\n`);
    const read = await host.read(created.id, urn, updated.props, b.inputs);
    expect(read.props).toEqual(updated.props);
    await host.delete(created.id, urn, updated.props);
  });
});

describe("secret stack config", () => {
  it("keeps the api token out of every property, log line and error the host returned", async () => {
    const { host, emu, apiToken, logs, transcript } = fx.env();
    const urn = urnOf("Alias", "secret");
    const checked = await host.check(urn, {}, await withProvider(fx, "Alias", { name: "office", cidr: "10.0.0.1" }));
    const created = await host.create(urn, checked.inputs);
    await expect(host.create(urn, checked.inputs)).rejects.toThrow("alias 'office' already exists in cluster");
    emu.faults.add({ kind: "error500", method: "PUT", message: "server exploded" });
    await expect(host.update(created.id, urn, created.props, { ...checked.inputs, cidr: "10.0.0.2" })).rejects.toThrow(
      "server exploded",
    );
    emu.faults.clear();
    await host.delete(created.id, urn, created.props);

    const secretPart = apiToken.slice(apiToken.indexOf("=") + 1);
    expect(secretPart.length).toBeGreaterThan(8);
    expect(transcript.join("\n")).toContain("already exists");
    expect(transcript.join("\n")).toContain("server exploded");
    const everything = JSON.stringify({ transcript, logs });
    expect(everything).not.toContain(secretPart);
    expect(everything).not.toContain(apiToken);
  });
});
