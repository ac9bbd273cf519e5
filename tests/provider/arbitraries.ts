/**
 * Random raw inputs for every resource kind, drawn from the whole input space users can write:
 * valid values, edge values (0, empty strings, maximum lengths, every enum value, IPv6 forms,
 * ranges, lists, host bits, mixed case), wrong types, `null`, and unknown properties. Most values
 * are valid, so that accepted inputs (the interesting ones for convergence) are common.
 *
 * References only name objects that {@link REFERENCES} creates first, and an alias reference is
 * only combined with addresses of the alias's own IP family: whether a reference exists, and its
 * family, is checked before the first write (not in `check`), which is outside what this covers.
 * Rules that mix IPv4 and IPv6 literals are drawn on their own.
 */
import fc from "fast-check";
import { CONNTRACK_HELPERS, ICMP_TYPES, ICMPV6_TYPES, LOG_LEVELS } from "../../provider/model/pve-tables";

type Arb<T> = fc.Arbitrary<T>;

/** Objects the generated inputs may reference; created before the properties run. */
export const REFERENCES = {
  alias4: "refalias4",
  alias6: "refalias6",
  ipset: "refset",
  groups: ["webgrp", "db-tier"],
} as const;

/** `value` most of the time, else left out (`undefined`) or `null`. */
export function maybe<T>(arb: Arb<T>, weight = 3): Arb<T | undefined | null> {
  return fc.oneof(
    { arbitrary: arb, weight },
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: fc.constant(null), weight: 1 },
  );
}

/** Mostly `good`, sometimes `bad`. */
function mostly<T, U>(good: Arb<T>, bad: Arb<U>, goodWeight = 12): Arb<T | U> {
  return fc.oneof({ arbitrary: good, weight: goodWeight }, { arbitrary: bad, weight: 1 });
}

/** Wrong types for any field. */
const wrongType: Arb<unknown> = fc.constantFrom(5, true, [], {}, "", -1, 1.5);

const commentUnit = fc.constantFrom(
  "a",
  "Z",
  " ",
  "é",
  "#",
  "-",
  "0",
  "1",
  "]",
  "[",
  "\\",
  '"',
  "|",
  ",",
  "\u00a0",
  "😀",
  "\u2028",
);
const badCommentUnit = fc.constantFrom("\n", "\r", "\u0000", "\t", "\u001b", "\u007f");

/** A comment: any text, edge values (blank, `0`, `-`), long text, rarely a control character. */
export const comment: Arb<unknown> = fc.oneof(
  { arbitrary: fc.string({ unit: commentUnit, maxLength: 16 }), weight: 8 },
  { arbitrary: fc.constantFrom("", " ", "0", " 0 ", "-", " - ", "x".repeat(300)), weight: 2 },
  {
    arbitrary: fc.tuple(fc.string({ unit: commentUnit, maxLength: 4 }), badCommentUnit).map(([a, b]) => `${a}${b}x`),
    weight: 1,
  },
  { arbitrary: wrongType, weight: 1 },
);

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
/** IPv6 in full, compressed, upper-case and IPv4-embedded forms. */
const ipv6 = fc.oneof(
  fc.tuple(fc.array(hex, { minLength: 8, maxLength: 8 }), fc.boolean()).map(([g, upper]) => {
    const text = g.join(":");
    return upper ? text.toUpperCase() : text;
  }),
  fc.constantFrom("2001:db8::1", "2001:DB8::5", "::1", "fe80::", "2001:db8:0:0:0:0:0:7", "::ffff:192.0.2.1", "::"),
);
const prefix = (max: number) =>
  fc.oneof(
    fc.integer({ min: 0, max }),
    fc.constantFrom(max, max - 1, 8, 16, 24, 64).filter((p) => p <= max),
  );
const cidr4 = fc.tuple(ipv4, prefix(32)).map(([ip, p]) => `${ip}/${p}`);
const cidr6 = fc.tuple(ipv6, prefix(128)).map(([ip, p]) => `${ip}/${p}`);
const range4 = fc
  .tuple(ipv4, ipv4)
  .map(([a, b]) => [a, b].sort((x, y) => Number(x.split(".")[0]) - Number(y.split(".")[0])).join("-"));

/** One IPv4 or IPv6 address or CIDR (host bits, /0, /32, /128 included). */
export function address(family: 4 | 6): Arb<string> {
  return family === 4 ? fc.oneof(ipv4, cidr4) : fc.oneof(ipv6, cidr6);
}

const badAddress = fc.constantFrom("10.0.0.300", "0", "", "+Upper", "a", "1.2.3.4/33", "10.0.0.1,,10.0.0.2", "::/129");

/** A rule `source`/`dest` of one IP family: address, list, range, alias or ipset reference. */
function addressSpec(family: 4 | 6): Arb<unknown> {
  const alias = family === 4 ? REFERENCES.alias4 : REFERENCES.alias6;
  const good = fc.oneof(
    { arbitrary: address(family), weight: 6 },
    {
      arbitrary: fc.array(address(family), { minLength: 2, maxLength: 3 }).map((l) => l.join(",")),
      weight: 2,
    },
    {
      arbitrary: fc.array(address(family), { minLength: 20, maxLength: 45 }).map((l) => l.join(",")),
      weight: 1,
    },
    { arbitrary: family === 4 ? range4 : fc.constant("2001:db8::1-2001:db8::9"), weight: 1 },
    { arbitrary: fc.constantFrom(alias, `dc/${alias}`, alias.toUpperCase()), weight: 2 },
    { arbitrary: fc.constantFrom(`+${REFERENCES.ipset}`, `+dc/${REFERENCES.ipset}`), weight: 2 },
  );
  return mostly(good, fc.oneof(badAddress, wrongType));
}

/** Names the referenced objects already use (a create of the same name would be refused). */
const TAKEN: ReadonlySet<string> = new Set(
  [REFERENCES.alias4, REFERENCES.alias6, REFERENCES.ipset, ...REFERENCES.groups].map((n) => n.toLowerCase()),
);

const names = (max: number, lower: boolean): Arb<string> =>
  fc
    .oneof(
      { arbitrary: fc.stringMatching(lower ? /^[a-z][a-z0-9_-]{1,10}$/ : /^[a-zA-Z][a-zA-Z0-9_-]{1,10}$/), weight: 8 },
      { arbitrary: fc.constantFrom(`g${"x".repeat(max - 1)}`, lower ? "ab" : "Ab"), weight: 2 },
    )
    .filter((n) => !TAKEN.has(n.toLowerCase()));
const badNames = (max: number): Arb<unknown> =>
  fc.constantFrom("a", "", "1abc", "_x", "MixedCase", "has space", `g${"x".repeat(max)}`, "na\u0000me", 7);

const ports = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 65535 }), weight: 3 },
  { arbitrary: fc.constantFrom("22", "80:90", "22,443", "ssh", "http", "1024:65535", "065"), weight: 3 },
  { arbitrary: fc.constantFrom(0, "0", "", "80:70", "70000", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"), weight: 1 },
  {
    arbitrary: fc.constantFrom("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15", "1:2,3:4,5:6,7:8,9:10,11:12,13:14,15", "65535"),
    weight: 1,
  },
);
const icmpPort = (family: 4 | 6) =>
  fc.oneof(
    fc.constantFrom(...(family === 4 ? ICMP_TYPES : ICMPV6_TYPES)),
    fc.integer({ min: 0, max: 300 }),
    fc.constantFrom("8", "80:90", "ssh", "8,9", "08"),
  );

/** Everything a rule may say about what it matches, for one IP family. */
function matchFields(family: 4 | 6) {
  const icmpProto = family === 4 ? fc.constant("icmp") : fc.constantFrom("icmpv6", "ipv6-icmp");
  const portRule = fc.record(
    {
      proto: fc.constantFrom("tcp", "udp", "6", "17", "sctp", "udplite", "dccp"),
      dport: maybe(ports),
      sport: maybe(ports),
    },
    { requiredKeys: ["proto"] },
  );
  const icmpRule = fc.oneof(
    fc.record({ proto: icmpProto, dport: maybe(icmpPort(family)) }),
    fc.record({
      proto: icmpProto,
      icmpType: maybe(fc.constantFrom(...(family === 4 ? ICMP_TYPES : ICMPV6_TYPES), "bogus", "8", "")),
    }),
  );
  const otherRule = fc.record({
    proto: maybe(fc.constantFrom("gre", "esp", "47", "0", "", "TCP", "ip", "ospf")),
    dport: fc.constantFrom(undefined, undefined, undefined, "22"),
  });
  const macroRule = fc.record({
    macro: fc.constantFrom("SSH", "ssh", "Web", "HTTPS", "DNS", "Ping", "SMB", "", "0", "Foo"),
    proto: fc.constantFrom(undefined, undefined, "tcp", "udp"),
    dport: fc.constantFrom(undefined, undefined, "22", "443"),
  });
  return fc.oneof({ arbitrary: portRule, weight: 4 }, icmpRule, otherRule, macroRule);
}

const extraKeys: Arb<Record<string, unknown>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 30 },
  fc.constantFrom({ pos: 1 }, { foo: "bar" }, { digest: "abc" }, { enabled: true }, { "icmp-type": "any" }),
);

/** Where a rule list lives; decides which types and interfaces are valid. */
export type RuleScopeKind = "cluster" | "node" | "vm" | "vnet" | "group";

/** One rule, as users write it, for a list of scope `kind`. */
export function rule(kind: RuleScopeKind): Arb<Record<string, unknown>> {
  const types = {
    cluster: ["in", "out"],
    node: ["in", "out"],
    vm: ["in", "out"],
    vnet: ["forward"],
    group: ["in", "out"],
  }[kind];
  const ifaces = kind === "vm" ? ["net0", "net1"] : ["eth0", "vmbr0", "bond0.100"];
  const matching = fc.constantFrom<4 | 6>(4, 6).chain((family) =>
    fc.record({
      type:
        kind === "vnet"
          ? mostly(fc.constant("forward"), fc.constantFrom("in", undefined, null))
          : maybe(mostly(fc.constantFrom(...types), fc.constantFrom("forward", "IN", "group", "in", "out")), 1),
      action: mostly(
        fc.constantFrom("ACCEPT", "DROP", ...(kind === "vnet" ? [] : ["REJECT"])),
        fc.constantFrom("accept", "FOO", "", 3),
      ),
      match: matchFields(family),
      source: maybe(addressSpec(family), 1),
      dest: maybe(addressSpec(family), 1),
      iface: maybe(mostly(fc.constantFrom(...ifaces), fc.constantFrom("", "0", "anything-goes", "x")), 1),
      log: maybe(mostly(fc.constantFrom(...LOG_LEVELS), fc.constantFrom("INFO", "", "loud")), 1),
      enable: maybe(mostly(fc.boolean(), fc.constantFrom("yes", 1, 0)), 2),
      comment: maybe(comment, 1),
      extra: extraKeys,
      mixed: fc.option(
        fc.tuple(address(4), address(6)).map(([a, b]) => ({ source: a, dest: b })),
        { freq: 25, nil: {} },
      ),
    }),
  );
  const group = fc.record({
    type: fc.constant("group"),
    action: mostly(fc.constantFrom(...REFERENCES.groups), fc.constantFrom("WebGrp", "x", "a-very-long-group-name-x")),
    iface: maybe(fc.constantFrom(...ifaces), 1),
    enable: maybe(fc.boolean(), 2),
    comment: maybe(comment, 1),
    proto: fc.constantFrom(undefined, undefined, undefined, undefined, "tcp"),
  });
  const matchingRule = matching.map(({ match, extra, mixed, ...rest }) => ({ ...rest, ...match, ...extra, ...mixed }));
  const arb: Arb<Record<string, unknown>> =
    kind === "group" ? matchingRule : fc.oneof({ arbitrary: matchingRule, weight: 6 }, group);
  return arb.map(dropUndefined);
}

/** A rule list for scope `kind`: usually a few rules, sometimes none, rarely not a list. */
export function rules(kind: RuleScopeKind): Arb<unknown> {
  return fc.oneof(
    { arbitrary: fc.array(rule(kind), { maxLength: 4 }), weight: 12 },
    { arbitrary: fc.constantFrom(undefined, null, "rules", [null]), weight: 1 },
  );
}

/** An IPSet entry cidr: addresses, CIDRs of both families, alias names (existing ones). */
const entryCidr: Arb<unknown> = mostly(
  fc.oneof(
    { arbitrary: address(4), weight: 4 },
    { arbitrary: address(6), weight: 3 },
    {
      arbitrary: fc.constantFrom(REFERENCES.alias4, REFERENCES.alias4.toUpperCase(), `dc/${REFERENCES.alias4}`),
      weight: 1,
    },
  ),
  fc.oneof(badAddress, wrongType, fc.constantFrom("10.0.0.1-10.0.0.5")),
);

/** One IPSet entry: a bare cidr string or an object. */
export const entry: Arb<unknown> = fc.oneof(
  { arbitrary: entryCidr, weight: 2 },
  {
    arbitrary: fc
      .record({ cidr: entryCidr, nomatch: maybe(mostly(fc.boolean(), fc.constant(1)), 2), comment: maybe(comment, 1) })
      .chain((e) => extraKeys.map((x) => dropUndefined({ ...e, ...(x["pos"] !== undefined ? {} : x) }))),
    weight: 3,
  },
);

/** The inputs of an `IpSet`. */
export const ipSetInputs: Arb<Record<string, unknown>> = fc
  .record({
    name: mostly(names(64, true), badNames(64)),
    comment: maybe(comment, 1),
    entries: maybe(mostly(fc.array(entry, { maxLength: 6 }), fc.constantFrom("10.0.0.1", [null])), 6),
    extra: fc.oneof({ arbitrary: fc.constant({}), weight: 20 }, fc.constantFrom({ ref: "+dc/x" }, { foo: 1 })),
  })
  .map(({ extra, ...rest }) => dropUndefined({ ...rest, ...extra }));

/** The inputs of an `Alias`. */
export const aliasInputs: Arb<Record<string, unknown>> = fc
  .record({
    name: mostly(names(64, false), badNames(64)),
    cidr: mostly(fc.oneof(address(4), address(6)), fc.oneof(badAddress, wrongType, fc.constant(undefined))),
    comment: maybe(comment, 1),
    extra: fc.oneof({ arbitrary: fc.constant({}), weight: 20 }, fc.constantFrom({ ipversion: 4 }, { ref: "dc/x" })),
  })
  .map(({ extra, ...rest }) => dropUndefined({ ...rest, ...extra }));

/** The inputs of a `SecurityGroup`. */
export const groupInputs: Arb<Record<string, unknown>> = fc
  .record({
    name: mostly(names(18, true), badNames(18)),
    comment: maybe(comment, 1),
    rules: rules("group"),
    extra: fc.oneof(
      { arbitrary: fc.constant({}), weight: 20 },
      fc.constantFrom({ scope: { node: "pve1" } }, { digest: "x" }),
    ),
  })
  .map(({ extra, ...rest }) => dropUndefined({ ...rest, ...extra }));

const flagValue = maybe(mostly(fc.boolean(), fc.constantFrom(1, "true", "0")), 2);
const levelValue = maybe(mostly(fc.constantFrom(...LOG_LEVELS), fc.constantFrom("INFO", "")), 2);
const policyValue = maybe(mostly(fc.constantFrom("ACCEPT", "REJECT", "DROP"), fc.constantFrom("drop", "")), 2);
const intValue = (min: number, max: number) =>
  maybe(mostly(fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max)), fc.constantFrom(min - 1, 1.5, "60")), 2);

/** The option fields of each options kind, as users write them. */
export const optionInputs: Readonly<Record<"cluster" | "node" | "vm" | "vnet", fc.Arbitrary<Record<string, unknown>>>> =
  {
    cluster: fc.record({
      enable: flagValue,
      ebtables: flagValue,
      policyIn: policyValue,
      policyOut: policyValue,
      policyForward: maybe(mostly(fc.constantFrom("ACCEPT", "DROP"), fc.constant("REJECT")), 2),
      logRatelimit: maybe(
        mostly(
          fc.record({
            enable: maybe(fc.boolean(), 2),
            rate: maybe(
              mostly(
                fc.constantFrom("1/second", "10/minute", "5/hour", "100/day"),
                fc.constantFrom("0/second", "fast"),
              ),
              2,
            ),
            burst: maybe(mostly(fc.integer({ min: 0, max: 1000 }), fc.constant(-1)), 2),
          }),
          fc.constantFrom({ enable: true, extra: 1 }, "enable=1"),
        ),
        2,
      ),
    }),
    node: fc.record({
      enable: flagValue,
      logLevelIn: levelValue,
      logLevelOut: levelValue,
      logLevelForward: levelValue,
      smurfLogLevel: levelValue,
      tcpFlagsLogLevel: levelValue,
      logNfConntrack: flagValue,
      ndp: flagValue,
      nfConntrackAllowInvalid: flagValue,
      nfConntrackHelpers: maybe(
        mostly(fc.subarray([...CONNTRACK_HELPERS]), fc.constantFrom(["http"], ["ftp", "ftp"], "ftp")),
        2,
      ),
      nfConntrackMax: intValue(32768, 2 ** 31),
      nfConntrackTcpTimeoutEstablished: intValue(7875, 10_000_000),
      nfConntrackTcpTimeoutSynRecv: intValue(30, 60),
      nftables: flagValue,
      nosmurfs: flagValue,
      protectionSynflood: flagValue,
      protectionSynfloodRate: intValue(0, 100_000),
      protectionSynfloodBurst: intValue(0, 100_000),
      tcpflags: flagValue,
    }),
    vm: fc.record({
      enable: flagValue,
      dhcp: flagValue,
      ipfilter: flagValue,
      macfilter: flagValue,
      ndp: flagValue,
      radv: flagValue,
      policyIn: policyValue,
      policyOut: policyValue,
      logLevelIn: levelValue,
      logLevelOut: levelValue,
    }),
    vnet: fc.record({
      enable: flagValue,
      policyForward: maybe(mostly(fc.constantFrom("ACCEPT", "DROP"), fc.constant("REJECT")), 2),
      logLevelForward: levelValue,
    }),
  };

/** Top-level extras of an options resource: mostly none, sometimes an output or an unknown option. */
export const optionExtras: Arb<Record<string, unknown>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 20 },
  fc.constantFrom({ digest: "x" }, { enforced: true }, { policy_in: "DROP" }, { adopt: "yes" }, { allowLockout: null }),
);

/** A copy of `value` without `undefined` members (what Pulumi sends). */
export function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
