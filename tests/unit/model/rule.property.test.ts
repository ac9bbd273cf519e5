import fc from "fast-check";
import { canonicalRule, ruleFromWire, ruleToWire, validateRule } from "../../../provider/model/rule";
import type { Scope } from "../../../provider/model/scope";

const cluster: Scope = { kind: "cluster" };
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const ruleArb = fc.record(
  {
    type: opt(fc.constantFrom("in" as const, "out" as const, "forward" as const)),
    action: fc.constantFrom("ACCEPT", "DROP"),
    macro: opt(fc.constantFrom("ssh", "HTTPS", "web", "Ping")),
    proto: opt(fc.constantFrom("tcp", "udp", "icmp", "6")),
    source: opt(fc.constantFrom("10.0.0.0/8", "+mgmt", "dc/office", "192.0.2.1,192.0.2.2")),
    dport: opt(fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constantFrom("80:85,443", "ssh"))),
    log: opt(fc.constantFrom("info" as const, "nolog" as const)),
    enable: opt(fc.boolean()),
    comment: opt(fc.string({ maxLength: 12 }).filter((s) => !/[\r\n]/.test(s) && s !== "-")),
  },
  { requiredKeys: ["action"] },
);

describe("canonicalRule", () => {
  it("is idempotent", () => {
    fc.assert(
      fc.property(ruleArb, (input) => {
        const once = canonicalRule(ruleToWire(input));
        expect(canonicalRule(once)).toEqual(once);
      }),
    );
  });

  it("is unchanged by a fromWire/toWire round trip", () => {
    fc.assert(
      fc.property(ruleArb, (input) => {
        const wire = ruleToWire(input);
        expect(canonicalRule(ruleToWire(ruleFromWire(wire)))).toEqual(canonicalRule(wire));
      }),
    );
  });

  it("matches the value of a successful validation", () => {
    fc.assert(
      fc.property(ruleArb, (input) => {
        const result = validateRule(input, cluster);
        if (result.ok) expect(canonicalRule(result.value)).toEqual(result.value);
      }),
    );
  });
});

describe("ruleFromWire", () => {
  it("preserves the meaning of ruleToWire", () => {
    fc.assert(
      fc.property(ruleArb, (input) => {
        const back = ruleFromWire(ruleToWire(input));
        expect(back.type).toBe(input.type ?? "in");
        expect(back.enable).toBe(input.enable ?? true);
        expect(back.dport).toBe(input.dport === undefined ? undefined : String(input.dport));
        expect(back.action).toBe(input.action);
      }),
    );
  });
});
