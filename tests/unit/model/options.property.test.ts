import fc from "fast-check";
import { canonicalOptions, optionsFromWire, optionsToWire, validateOptions } from "../../../provider/model/options";

const nodeOptions = fc.record(
  {
    enable: fc.boolean(),
    logLevelIn: fc.constantFrom("info" as const, "nolog" as const),
    nfConntrackMax: fc.integer({ min: 32768, max: 1 << 22 }),
    nfConntrackHelpers: fc.subarray(["ftp", "sip", "tftp"] as ("ftp" | "sip" | "tftp")[]),
    nosmurfs: fc.boolean(),
  },
  { requiredKeys: [] },
);
const clusterOptions = fc.record(
  {
    enable: fc.boolean(),
    policyIn: fc.constantFrom("ACCEPT" as const, "DROP" as const, "REJECT" as const),
    logRatelimit: fc.record(
      { enable: fc.boolean(), burst: fc.nat(100), rate: fc.constantFrom("1/second", "5/minute") },
      { requiredKeys: ["enable"] },
    ),
  },
  { requiredKeys: [] },
);

describe("canonicalOptions", () => {
  it("is idempotent and unchanged by a fromWire/toWire round trip (node)", () => {
    fc.assert(
      fc.property(nodeOptions, (input) => {
        const wire = optionsToWire("node", input);
        const once = canonicalOptions("node", wire);
        expect(canonicalOptions("node", once)).toEqual(once);
        expect(canonicalOptions("node", optionsToWire("node", optionsFromWire("node", wire)))).toEqual(once);
      }),
    );
  });

  it("is idempotent and unchanged by a fromWire/toWire round trip (cluster)", () => {
    fc.assert(
      fc.property(clusterOptions, (input) => {
        const result = validateOptions("cluster", input);
        expect(result.ok).toBe(true);
        const wire = optionsToWire("cluster", input);
        const once = canonicalOptions("cluster", wire);
        expect(canonicalOptions("cluster", once)).toEqual(once);
        expect(canonicalOptions("cluster", optionsToWire("cluster", optionsFromWire("cluster", wire)))).toEqual(once);
      }),
    );
  });
});
