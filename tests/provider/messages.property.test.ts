/**
 * Every failure `check` reports is in our words: for many invalid inputs of every kind (a valid
 * input with one thing broken at a random depth: a wrong type, a required field missing or
 * `null`, an unknown property, a list element that is not an object), `check` fails, each failure
 * names a property path that starts at an input property, and no reason contains zod's own texts.
 * `check` makes no API call, so no emulator is needed.
 */
import type * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { createProvider, type ResourceKind } from "../../provider/resources/index";
import { ZOD_DEFAULT_PHRASES } from "./helpers";

type Json = Record<string, unknown>;

const rule = { action: "ACCEPT", proto: "tcp", dport: "22", source: "10.0.0.0/8", comment: "ssh", log: "info" };
const group = { type: "group", action: "web", iface: "eth0", enable: true };

/** A valid input of each kind, with nested objects to break. */
const VALID: Readonly<Record<ResourceKind, Json>> = {
  ClusterFirewallOptions: {
    enable: true,
    policyIn: "DROP",
    logRatelimit: { enable: true, rate: "1/second", burst: 5 },
  },
  NodeFirewallOptions: { scope: { node: "pve1" }, nfConntrackMax: 65536, nfConntrackHelpers: ["ftp"], ndp: true },
  GuestFirewallOptions: { scope: { node: "pve1", vmid: 100 }, enable: true, policyIn: "DROP", logLevelIn: "info" },
  VnetFirewallOptions: { scope: { vnet: "v1" }, enable: true, policyForward: "DROP" },
  FirewallRules: { scope: { node: "pve1" }, rules: [rule, group] },
  SecurityGroup: { name: "web", comment: "web tier", rules: [rule] },
  Alias: { name: "office", cidr: "192.0.2.0/24", comment: "hq", scope: { node: "pve1", vmid: 100 } },
  IpSet: {
    name: "mgmt",
    comment: "admins",
    entries: ["192.0.2.1", { cidr: "192.0.2.0/24", nomatch: true, comment: "x" }],
  },
};

/** A value no field accepts: not a scalar, not a list, and an object with an unknown key. */
const NOTHING_VALID: unknown[] = [{ "\u0000": 1 }];

/** Every path to a property or list element inside `value`, with the container it is in. */
function slots(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...path, i], ...slots(v, [...path, i])]);
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => [[...path, k], ...slots(v, [...path, k])]);
  return [];
}

/** Containers (objects) inside `value`, as paths. */
function objects(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => objects(v, [...path, i]));
  if (value !== null && typeof value === "object")
    return [path, ...Object.entries(value).flatMap(([k, v]) => objects(v, [...path, k]))];
  return [];
}

function setAt(
  root: Json,
  path: (string | number)[],
  update: (container: Json | unknown[], key: string | number) => void,
) {
  const copy = structuredClone(root);
  let at: unknown = copy;
  for (const key of path.slice(0, -1)) at = (at as Record<string | number, unknown>)[key];
  update(at as Json, path[path.length - 1]!);
  return copy;
}

const REQUIRED: Readonly<Partial<Record<ResourceKind, readonly string[]>>> = {
  SecurityGroup: ["name"],
  Alias: ["name", "cidr"],
  IpSet: ["name"],
};

/** One way to break a valid input of `kind`. */
function broken(kind: ResourceKind): fc.Arbitrary<Json> {
  const base = VALID[kind];
  const wrongValue = fc
    .constantFrom(...slots(base))
    .chain((path) =>
      fc.constantFrom(...NOTHING_VALID).map((v) => setAt(base, path, (c, k) => ((c as Json)[k as string] = v))),
    );
  const unknownKey = fc
    .tuple(fc.constantFrom(...objects(base)), fc.constantFrom("pos", "foo", "digest", "Name", "x-y"))
    .map(([path, key]) => {
      const copy = structuredClone(base);
      let at: unknown = copy;
      for (const k of path) at = (at as Record<string | number, unknown>)[k];
      (at as Json)[key] = 1;
      return copy;
    });
  const variants = [wrongValue, unknownKey];
  const required = REQUIRED[kind];
  if (required)
    variants.push(
      fc
        .tuple(fc.constantFrom(...required), fc.constantFrom(undefined, null))
        .map(([key, v]) => ({ ...base, [key]: v })),
    );
  if (kind === "FirewallRules" || kind === "SecurityGroup") {
    variants.push(
      fc
        .tuple(fc.constantFrom(null, 5, "x", [], true), fc.constantFrom(undefined, null))
        .map(([element, action]) => ({ ...base, rules: [element, { ...rule, action }] })),
    );
  }
  return fc.oneof(...variants);
}

const KINDS = Object.keys(VALID) as ResourceKind[];

/** The input property a Pulumi property path starts at (`rules` of `rules[0].pos`, `x-y` of `["x-y"]`). */
function firstKey(path: string): string {
  const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(path);
  return quoted ? (JSON.parse(quoted[1]!) as string) : (path.split(/[.[]/)[0] ?? "");
}

describe("check failures are worded by us", () => {
  it.each(KINDS)("for every broken %s input", async (kind) => {
    // No endpoint: a new resource's check cannot read its target, and says so on the notify channel.
    const p = createProvider(kind, {}, { notify: () => {} }) as Required<pulumi.dynamic.ResourceProvider>;
    expect((await p.check({}, VALID[kind])).failures).toBeUndefined();
    await fc.assert(
      fc.asyncProperty(broken(kind), async (news) => {
        const { failures = [] } = await p.check({}, news);
        expect(failures.length).toBeGreaterThan(0);
        for (const f of failures) {
          expect(Object.keys(news)).toContain(firstKey(f.property));
          expect(f.reason).not.toBe("");
          for (const phrase of ZOD_DEFAULT_PHRASES) expect(f.reason).not.toMatch(phrase);
        }
      }),
      { numRuns: 150, seed: 20261124 },
    );
  });
});
