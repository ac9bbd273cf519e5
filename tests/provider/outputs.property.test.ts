/**
 * What a create or update returns is derived from its writes (the digest a checked write proves,
 * the prediction of what the writes leave), not read back. For random lists and random edits, a
 * separate read must return exactly the same outputs, `digest` included.
 */
import type * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { useEmulator } from "../helpers/emulator";
import { providerFor } from "./helpers";

const emu = useEmulator();

const CLUSTER = "[ALIASES]\n\noffice 192.0.2.0/24\nlab6 2001:db8::/64\n\n[IPSET mgmt]\n\n10.0.0.1\n\n";

beforeEach(async () => {
  await emu.handle().editFile("firewall/cluster.fw", CLUSTER);
  await emu.handle().editFile("nodes/pve1/host.fw", "");
});

type Provider = Required<pulumi.dynamic.ResourceProvider>;

/** Creates `first`, then updates to each of `next` in turn; after each, a read equals the outputs. */
async function outputsMatchReads(p: Provider, first: Record<string, unknown>, next: Record<string, unknown>[]) {
  let checked = await p.check({}, first);
  if (checked.failures !== undefined) return false;
  const created = await p.create(checked.inputs);
  let outs = created.outs;
  expect((await p.read(created.id, outs)).props).toEqual(outs);
  for (const args of next) {
    const again = await p.check(checked.inputs, args);
    if (again.failures !== undefined) continue;
    const updated = await p.update(created.id, outs, again.inputs);
    outs = updated.outs ?? {};
    expect((await p.read(created.id, outs)).props).toEqual(outs);
    checked = again;
  }
  await p.delete(created.id, outs);
  return true;
}

const comment = fc.option(fc.constantFrom("a", "b c", "é", "x#y"), { nil: undefined });
const rule = fc.record({
  action: fc.constantFrom("ACCEPT", "DROP", "REJECT"),
  proto: fc.constantFrom("tcp", "udp"),
  dport: fc.integer({ min: 1, max: 6 }).map((n) => 1000 + n),
  source: fc.option(fc.constantFrom("office", "dc/office", "+mgmt", "10.0.0.0/8", "lab6"), { nil: undefined }),
  enable: fc.boolean(),
  log: fc.option(fc.constantFrom("info", "nolog"), { nil: undefined }),
  comment,
});
const rules = fc.array(rule, { maxLength: 7 });

describe("outputs equal a separate read", () => {
  it("for a rule list after random creates and edits", async () => {
    const p = await providerFor("FirewallRules", emu.handle());
    const scope = { node: "pve1" };
    await fc.assert(
      fc.asyncProperty(rules, fc.array(rules, { minLength: 1, maxLength: 3 }), async (first, next) => {
        const ran = await outputsMatchReads(
          p,
          { scope, rules: first },
          next.map((r) => ({ scope, rules: r })),
        );
        fc.pre(ran);
      }),
      { numRuns: 30, seed: 20261130 },
    );
  });

  it("for an IPSet after random creates and edits", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const entry = fc.record({
      cidr: fc.integer({ min: 0, max: 40 }).map((n) => `198.18.0.${n}`),
      nomatch: fc.boolean(),
      comment,
    });
    const entries = fc.uniqueArray(entry, { selector: (e) => e.cidr, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        entries,
        fc.array(fc.tuple(entries, comment), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(undefined, "0123456789abcdef"),
        async (first, next, owner) => {
          const ran = await outputsMatchReads(
            p,
            { name: "prop", entries: first, __owner: owner },
            next.map(([e, c]) => ({ name: "prop", comment: c, entries: e, __owner: owner })),
          );
          fc.pre(ran);
        },
      ),
      { numRuns: 30, seed: 20261130 },
    );
  });

  it("for node options after random creates and edits", async () => {
    const p = await providerFor("NodeFirewallOptions", emu.handle());
    const options = fc.record(
      {
        enable: fc.boolean(),
        logLevelIn: fc.constantFrom("info", "nolog", "warning"),
        nftables: fc.boolean(),
        nfConntrackMax: fc.integer({ min: 32768, max: 999999 }),
        tcpflags: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(options, fc.array(options, { minLength: 1, maxLength: 3 }), async (first, next) => {
        const scope = { node: "pve1" };
        const ran = await outputsMatchReads(
          p,
          { scope, ...first },
          next.map((o) => ({ scope, ...o })),
        );
        fc.pre(ran);
      }),
      { numRuns: 30, seed: 20261130 },
    );
  });
});
