/**
 * The invariant of issue 10, for all eight resource kinds: if `check` accepts an input, then
 * create → read → diff is empty, and what Proxmox (the emulator) stores equals the canonical form
 * `check` returned. Inputs are drawn from the whole input space (see `arbitraries.ts`); an input
 * that could not converge must be rejected by `check`, with no write (a new resource's `check` only
 * reads what exists at its target) and a message in our words. Fixed seeds, bounded runs.
 */
import fc from "fast-check";
import type { ResourceKind } from "../../provider/resources/index";
import { useEmulator } from "../helpers/emulator";
import {
  aliasInputs,
  groupInputs,
  ipSetInputs,
  optionExtras,
  optionInputs,
  REFERENCES,
  type RuleScopeKind,
  rules,
} from "./arbitraries";
import { providerFor, writes, ZOD_DEFAULT_PHRASES } from "./helpers";

const emu = useEmulator({ topology: { nodes: ["pve1"], vnets: [{ vnet: "v1", zone: "z1" }] } });
const SEED = 20261123;

type Provider = Awaited<ReturnType<typeof providerFor>>;
type Props = Record<string, unknown>;

/** The properties whose stored value must equal the canonical input (options: every option field). */
const COMPARED = {
  FirewallRules: ["scope", "rules"],
  SecurityGroup: ["name", "comment", "rules"],
  Alias: ["scope", "name", "cidr", "comment"],
  IpSet: ["scope", "name", "comment", "entries"],
} as const;

const GUEST = { node: "pve1", vmid: 100 };

beforeAll(async () => {
  const alias = await providerFor("Alias", emu.handle());
  const ipset = await providerFor("IpSet", emu.handle());
  for (const scope of [undefined, GUEST]) {
    for (const [name, cidr] of [
      [REFERENCES.alias4, "198.51.100.0/24"],
      [REFERENCES.alias6, "2001:db8:9::/48"],
    ] as const) {
      const checked = await alias.check({}, { scope, name, cidr });
      await alias.create(checked.inputs);
    }
    await ipset.create((await ipset.check({}, { scope, name: REFERENCES.ipset, entries: ["192.0.2.1"] })).inputs);
  }
  const group = await providerFor("SecurityGroup", emu.handle());
  for (const name of REFERENCES.groups) await group.create((await group.check({}, { name })).inputs);
});

/** The fields `keys` of `props` that are set, as a comparable object. */
function pick(props: Props | undefined, keys: readonly string[]): Props {
  return Object.fromEntries(keys.map((k) => [k, props?.[k]]).filter(([, v]) => v !== undefined));
}

/**
 * Runs one input through check and, when accepted, create → read → diff, then deletes what was
 * created. Returns whether check accepted it.
 */
async function converges(p: Provider, news: Props, keys: readonly string[]): Promise<boolean> {
  const before = writes(emu.handle());
  const checked = await p.check({}, news);
  expect(writes(emu.handle())).toBe(before);
  if (checked.failures && checked.failures.length > 0) {
    for (const f of checked.failures) {
      expect(f.property).not.toBe("");
      for (const phrase of ZOD_DEFAULT_PHRASES) expect(`${f.property}: ${f.reason}`).not.toMatch(phrase);
    }
    return false;
  }
  const again = await p.check({}, checked.inputs);
  expect(again.failures ?? []).toEqual([]);
  expect(pick(again.inputs, keys)).toEqual(pick(checked.inputs, keys));
  const created = await p.create(checked.inputs);
  try {
    expect(pick(created.outs, keys)).toEqual(pick(checked.inputs, keys));
    const read = await p.read(created.id, created.outs);
    expect(pick(read.inputs, keys)).toEqual(pick(checked.inputs, keys));
    expect(await p.diff(created.id, read.props ?? {}, checked.inputs)).toMatchObject({ changes: false });
  } finally {
    await p.delete(created.id, created.outs);
  }
  return true;
}

/** Asserts the property over `arb` and that a fair share of the inputs was accepted. */
async function property(kind: ResourceKind, arb: fc.Arbitrary<Props>, keys: readonly string[], numRuns: number) {
  const p = await providerFor(kind, emu.handle());
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (news) => {
      if (await converges(p, news, keys)) accepted++;
    }),
    { numRuns, seed: SEED },
  );
  expect(accepted).toBeGreaterThan(numRuns / 5);
}

const scopes: Readonly<Record<Exclude<RuleScopeKind, "group">, fc.Arbitrary<unknown>>> = {
  cluster: fc.constantFrom(undefined, {}, null),
  node: fc.constant({ node: "pve1" }),
  vm: fc.constantFrom(GUEST, { ...GUEST, vmid: 101, guestType: "lxc" }),
  vnet: fc.constant({ vnet: "v1" }),
};

describe("check accepts only inputs that converge (create → read → diff is empty)", () => {
  it.each(Object.keys(scopes) as (keyof typeof scopes)[])("for FirewallRules at %s scope", async (kind) => {
    const arb = fc
      .record({ scope: scopes[kind], rules: rules(kind) })
      .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
    await property("FirewallRules", arb, COMPARED.FirewallRules, 60);
  });

  it("for SecurityGroup", async () => {
    await property("SecurityGroup", groupInputs, COMPARED.SecurityGroup, 80);
  });

  it("for Alias at datacenter and guest scope", async () => {
    const arb = fc
      .tuple(aliasInputs, fc.constantFrom(undefined, GUEST))
      .map(([a, scope]) => (scope ? { ...a, scope } : a));
    await property("Alias", arb, COMPARED.Alias, 120);
  });

  it("for IpSet at datacenter and guest scope", async () => {
    const arb = fc
      .tuple(ipSetInputs, fc.constantFrom(undefined, GUEST))
      .map(([s, scope]) => (scope ? { ...s, scope } : s));
    await property("IpSet", arb, COMPARED.IpSet, 120);
  });

  const optionScopes = {
    ClusterFirewallOptions: ["cluster", fc.constantFrom(undefined, {})],
    NodeFirewallOptions: ["node", fc.constant({ node: "pve1" })],
    GuestFirewallOptions: ["vm", fc.constantFrom(GUEST, { ...GUEST, guestType: "lxc" })],
    VnetFirewallOptions: ["vnet", fc.constant({ vnet: "v1" })],
  } as const;

  it.each(Object.keys(optionScopes) as (keyof typeof optionScopes)[])("for %s", async (resource) => {
    const [kind, scope] = optionScopes[resource];
    const fields: fc.Arbitrary<Props> = optionInputs[kind];
    const arb = fc
      .tuple(fields, scope, optionExtras)
      .map(([f, s, extra]) =>
        Object.fromEntries(Object.entries({ ...f, scope: s, ...extra }).filter(([, v]) => v !== undefined)),
      );
    const keys = ["scope", ...Object.keys(fc.sample(fields, { numRuns: 1, seed: SEED })[0] ?? {})];
    await property(resource, arb, keys, 60);
  });
});
