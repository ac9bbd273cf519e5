/**
 * Requests per write path and per refresh, counted by the emulator, and the proof that what a
 * create or update returns (derived from its writes, without a read-back) is what a separate read
 * returns, `digest` included.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EmulatorHandle } from "../../emulator/index";
import type { ResourceKind } from "../../provider/resources/index";
import { useEmulator } from "../helpers/emulator";
import { providerFor } from "./helpers";

const emu = useEmulator({
  topology: {
    nodes: ["pve1"],
    guests: [{ vmid: 100, node: "pve1", type: "qemu", name: "web", nics: { net0: "virtio,bridge=vmbr0,firewall=1" } }],
  },
});

const OWNER = "0123456789abcdef";

afterEach(async () => {
  for (const f of ["firewall/cluster.fw", "firewall/100.fw", "nodes/pve1/host.fw"]) await emu.handle().editFile(f, "");
});

/** Reads and writes the emulator served since the last reset, by `METHOD /template`. */
function served(handle: EmulatorHandle): { reads: number; writes: number; calls: Record<string, number> } {
  const calls = handle.calls.snapshot();
  let reads = 0;
  let writes = 0;
  for (const [key, n] of Object.entries(calls)) {
    if (key.startsWith("GET ")) reads += n;
    else writes += n;
  }
  return { reads, writes, calls };
}

type Provider = Required<pulumi.dynamic.ResourceProvider>;

/**
 * Runs `step` with fresh counters, then checks that a separate read returns exactly the outputs,
 * and returns what the step cost.
 */
async function measured(
  p: Provider,
  id: string,
  step: () => Promise<{ id?: string; outs?: Record<string, unknown> }>,
): Promise<{ id: string; reads: number; writes: number; outs: Record<string, unknown> }> {
  emu.handle().calls.reset();
  const result = await step();
  const cost = served(emu.handle());
  const outs = result.outs ?? {};
  const at = result.id ?? id;
  expect((await p.read(at, outs)).props).toEqual(outs);
  return { id: at, reads: cost.reads, writes: cost.writes, outs };
}

/** A create of `kind` with `args`, measured (its check, which reads what exists, is not counted). */
async function created(kind: ResourceKind, args: Record<string, unknown>) {
  const p = await providerFor(kind, emu.handle());
  const checked = await p.check({}, { ...args, __owner: OWNER });
  expect(checked.failures).toBeUndefined();
  const done = await measured(p, "", () => p.create(checked.inputs));
  return { p, inputs: checked.inputs, ...done };
}

/** `update` from `olds` (outputs) and `inputs` to new args, measured. */
async function edit(
  p: Provider,
  id: string,
  olds: Record<string, unknown>,
  inputs: Record<string, unknown>,
  args: Record<string, unknown>,
) {
  const checked = await p.check(inputs, { ...args, __owner: OWNER });
  expect(checked.failures).toBeUndefined();
  const done = await measured(p, id, () => p.update(id, olds, checked.inputs));
  return { ...done, inputs: checked.inputs };
}

const twenty = Array.from({ length: 20 }, (_, i) => ({
  action: "ACCEPT",
  proto: "tcp",
  dport: 1000 + i,
  comment: `r${i}`,
}));

describe("FirewallRules requests", () => {
  it("edits a comment with 1 write and 1 read, deletes a rule with 1 write and 1 read, refreshes with 1 read", async () => {
    const base = { scope: { node: "pve1" }, rules: twenty };
    const c = await created("FirewallRules", base);
    expect(c.reads).toBeLessThanOrEqual(2); // what exists (ownership), and a read only if the plan ends with a POST
    const seven = twenty.map((r, i) => (i === 7 ? { ...r, comment: "seven" } : r));
    const comment = await edit(c.p, "node/pve1", c.outs, c.inputs, { ...base, rules: seven });
    expect({ reads: comment.reads, writes: comment.writes }).toEqual({ reads: 1, writes: 1 });
    const removed = await edit(c.p, "node/pve1", comment.outs, comment.inputs, { ...base, rules: seven.slice(1) });
    expect({ reads: removed.reads, writes: removed.writes }).toEqual({ reads: 1, writes: 1 });
    const appended = await edit(c.p, "node/pve1", removed.outs, removed.inputs, {
      ...base,
      rules: [...seven.slice(1), { action: "DROP", comment: "last" }],
    });
    expect(appended.writes).toBeLessThanOrEqual(3);
    expect(appended.reads).toBe(1);
    const top = await edit(c.p, "node/pve1", appended.outs, appended.inputs, {
      ...base,
      rules: [
        { action: "ACCEPT", macro: "SSH", comment: "top", enable: false },
        ...seven.slice(1),
        { action: "DROP", comment: "last" },
      ],
    });
    // one POST (a disabled rule at the top), which Proxmox does not check: one read proves it
    expect({ reads: top.reads, writes: top.writes }).toEqual({ reads: 2, writes: 1 });
    emu.handle().calls.reset();
    await c.p.read("node/pve1", top.outs);
    expect(served(emu.handle()).calls).toEqual({ "GET /nodes/{node}/firewall/rules": 1 });
  });
});

const entries = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `198.18.${(from + i) >> 8}.${(from + i) & 255}`);

describe("IpSet requests", () => {
  it("creates a 500-entry set with 3 reads and edits one entry with at most 2", async () => {
    const base = { name: "blocklist", comment: "scanners", entries: entries(500) };
    const c = await created("IpSet", base);
    // the sets (ownership), the entries once filled, the sets before the comment; the set, 500 entries, the comment
    expect({ reads: c.reads, writes: c.writes }).toEqual({ reads: 3, writes: 502 });
    const id = "cluster/ipset/blocklist";
    const added = await edit(c.p, id, c.outs, c.inputs, { ...base, entries: [...entries(500), "203.0.113.7"] });
    expect({ reads: added.reads, writes: added.writes }).toEqual({ reads: 2, writes: 1 });
    const commented = await edit(c.p, id, added.outs, added.inputs, {
      ...base,
      entries: [...entries(500), { cidr: "203.0.113.7", comment: "edited" }],
    });
    expect({ reads: commented.reads, writes: commented.writes }).toEqual({ reads: 1, writes: 1 });
    const removed = await edit(c.p, id, commented.outs, commented.inputs, base);
    expect({ reads: removed.reads, writes: removed.writes }).toEqual({ reads: 1, writes: 1 });
    const moved = await edit(c.p, id, removed.outs, removed.inputs, {
      ...base,
      entries: [...entries(499), "203.0.113.8"],
    });
    // an add, then a remove carrying the digest predicted after it: no read needed at the end
    expect({ reads: moved.reads, writes: moved.writes }).toEqual({ reads: 1, writes: 2 });
    const onePercent = await edit(c.p, id, moved.outs, moved.inputs, {
      ...base,
      entries: [...entries(494), "203.0.113.8", ...entries(5, 1000)],
    });
    // 5 adds and 5 removes pipelined, then one read that proves the result
    expect({ reads: onePercent.reads, writes: onePercent.writes }).toEqual({ reads: 2, writes: 10 });
    const renamed = await edit(c.p, id, onePercent.outs, onePercent.inputs, {
      ...onePercent.inputs,
      comment: "bad actors",
    });
    expect({ reads: renamed.reads, writes: renamed.writes }).toEqual({ reads: 2, writes: 1 });
    emu.handle().calls.reset();
    await c.p.read(id, renamed.outs);
    expect(served(emu.handle()).calls).toEqual({
      "GET /cluster/firewall/ipset": 1,
      "GET /cluster/firewall/ipset/{name}": 1,
    });
  });
});

describe("options requests", () => {
  it("edits node options with 1 write and 1 read and refreshes with 1 read", async () => {
    const base = { scope: { node: "pve1" }, enable: true, logLevelIn: "info", nftables: true };
    const c = await created("NodeFirewallOptions", base);
    expect({ reads: c.reads, writes: c.writes }).toEqual({ reads: 2, writes: 1 }); // what exists (ownership), then the plan's read
    const edited = await edit(c.p, "node/pve1", c.outs, c.inputs, {
      scope: { node: "pve1" },
      enable: false,
      tcpflags: true,
    });
    expect({ reads: edited.reads, writes: edited.writes }).toEqual({ reads: 1, writes: 1 });
    emu.handle().calls.reset();
    await c.p.read("node/pve1", edited.outs);
    expect(served(emu.handle()).calls).toEqual({ "GET /nodes/{node}/firewall/options": 1 });
  });

  it("reads a guest's options, the cluster's options and the guest's config once each", async () => {
    const scope = { node: "pve1", vmid: 100 };
    const c = await created("GuestFirewallOptions", { scope, enable: true, policyIn: "DROP" });
    const edited = await edit(c.p, "qemu/pve1/100", c.outs, c.inputs, { scope, enable: true, policyIn: "REJECT" });
    expect({ reads: edited.reads, writes: edited.writes }).toEqual({ reads: 3, writes: 1 });
    emu.handle().calls.reset();
    await c.p.read("qemu/pve1/100", edited.outs);
    expect(served(emu.handle()).calls).toEqual({
      "GET /cluster/firewall/options": 1,
      "GET /nodes/{node}/qemu/{vmid}/config": 1,
      "GET /nodes/{node}/qemu/{vmid}/firewall/options": 1,
    });
  });
});

describe("SecurityGroup requests", () => {
  it("edits a rule comment with 1 write and 1 read, the group comment with 1 write and 2 reads", async () => {
    const base = { name: "web", comment: "web tier", rules: twenty.slice(0, 5) };
    const c = await created("SecurityGroup", base);
    const id = "cluster/group/web";
    const comment = await edit(c.p, id, c.outs, c.inputs, {
      ...base,
      rules: twenty.slice(0, 5).map((r, i) => (i === 2 ? { ...r, comment: "two" } : r)),
    });
    expect({ reads: comment.reads, writes: comment.writes }).toEqual({ reads: 1, writes: 1 });
    const renamed = await edit(c.p, id, comment.outs, comment.inputs, { ...comment.inputs, comment: "frontends" });
    expect({ reads: renamed.reads, writes: renamed.writes }).toEqual({ reads: 2, writes: 1 });
    emu.handle().calls.reset();
    await c.p.read(id, renamed.outs);
    expect(served(emu.handle()).calls).toEqual({
      "GET /cluster/firewall/groups": 1,
      "GET /cluster/firewall/groups/{group}": 1,
    });
  });
});

describe("Alias requests", () => {
  it("creates with 1 write, updates with 1 write and 1 read, refreshes with 1 read", async () => {
    const c = await created("Alias", { name: "Office", cidr: "192.0.2.0/24", comment: "hq" });
    expect({ reads: c.reads, writes: c.writes }).toEqual({ reads: 1, writes: 1 }); // the read: what exists
    const id = "cluster/alias/Office";
    const edited = await edit(c.p, id, c.outs, c.inputs, { name: "Office", cidr: "192.0.2.7/32" });
    expect({ reads: edited.reads, writes: edited.writes }).toEqual({ reads: 1, writes: 1 });
    emu.handle().calls.reset();
    await c.p.read(id, edited.outs);
    expect(served(emu.handle()).calls).toEqual({ "GET /cluster/firewall/aliases": 1 });
  });
});
