import fc from "fast-check";
import { canonicalAlias } from "../../../provider/model/alias";
import { parseCidr } from "../../../provider/model/ip";
import { canonicalIpSet, canonicalIpSetCidr, ipSetFromWire, ipSetToWire } from "../../../provider/model/ipset";

const v4 = fc
  .ipV4()
  .chain((ip) =>
    fc.option(fc.integer({ min: 1, max: 32 }), { nil: undefined }).map((p) => (p === undefined ? ip : `${ip}/${p}`)),
  );
const v6 = fc
  .ipV6()
  .chain((ip) =>
    fc.option(fc.integer({ min: 1, max: 128 }), { nil: undefined }).map((p) => (p === undefined ? ip : `${ip}/${p}`)),
  );
const cidr = fc.oneof(v4, v6, fc.constantFrom("dc/office", "srv"));
const entries = fc.array(
  fc.record({
    cidr,
    nomatch: fc.boolean(),
    comment: fc.option(fc.constantFrom("a", " b ", "0", ""), { nil: undefined }),
  }),
  { maxLength: 8 },
);

describe("canonicalIpSetCidr", () => {
  it("is idempotent and keeps the address parseable", () => {
    fc.assert(
      fc.property(cidr, (c) => {
        const once = canonicalIpSetCidr(c);
        expect(canonicalIpSetCidr(once)).toBe(once);
        if (parseCidr(c)) expect(parseCidr(once)).toBeDefined();
      }),
    );
  });
});

describe("canonicalIpSet", () => {
  it("is idempotent and unchanged by a fromWire/toWire round trip", () => {
    fc.assert(
      fc.property(entries, (list) => {
        const wire = ipSetToWire({ name: "set", entries: list });
        const once = canonicalIpSet(wire);
        expect(canonicalIpSet(once)).toEqual(once);
        expect(canonicalIpSet(ipSetToWire(ipSetFromWire(wire)))).toEqual(once);
      }),
    );
  });
});

describe("canonicalAlias", () => {
  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.oneof(v4, v6), (c) => {
        const once = canonicalAlias({ name: "a1", cidr: c });
        expect(canonicalAlias(once)).toEqual(once);
      }),
    );
  });
});
