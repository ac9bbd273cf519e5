import fc from "fast-check";
import { encodeParams, pathSegment } from "../../../provider/client/encode";
import { REDACTED, redact, Secret } from "../../../provider/client/redact";

describe("encodeParams", () => {
  it("round-trips every string value through a standard form decoder", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (params) => {
        const decoded = new URLSearchParams(encodeParams(params));
        expect(Object.fromEntries(decoded)).toEqual(params);
      }),
    );
  });
});

describe("pathSegment", () => {
  it("yields one segment that decodes back to the value", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (value) => {
        const seg = pathSegment(value);
        expect(seg).not.toMatch(/[/?#]/);
        expect(decodeURIComponent(seg)).toBe(value);
      }),
    );
  });
});

describe("redact", () => {
  it("removes a known secret wherever it appears in any text", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.stringMatching(/^[A-Za-z0-9+/_-]{8,40}$/).filter((s) => !REDACTED.includes(s)),
        fc.string(),
        (before, secret, after) => {
          const out = redact(`${before}${secret}${after}${secret}`, [new Secret(secret)]);
          expect(out).not.toContain(secret);
          expect(out).toContain(REDACTED);
        },
      ),
    );
  });
});
