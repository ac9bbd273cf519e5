import fc from "fast-check";
import { checkNetIp, cleanCidr, formatIp, parseIp, stripHostPrefix } from "../../emulator/net";

const v6Value = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const v6Sparse = fc
  .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n));

describe("formatIp", () => {
  it("compresses IPv6 exactly as the WHATWG URL serializer does", () => {
    fc.assert(
      fc.property(fc.oneof(v6Value, v6Sparse), (value) => {
        const text = formatIp(6, value);
        expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
        expect(parseIp(text)?.value).toBe(value);
      }),
    );
  });

  it("round-trips IPv4 addresses", () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const parsed = parseIp(ip);
        expect(parsed?.version).toBe(4);
        expect(formatIp(4, parsed?.value ?? 0n)).toBe(ip);
      }),
    );
  });
});

describe("cleanCidr", () => {
  it("yields a network Net::IP accepts, for any address and prefix", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 1, max: 32 }), (ip, len) => {
        const clean = cleanCidr(`${ip}/${len}`);
        expect(checkNetIp(clean)).toEqual({ ok: true, version: 4 });
        expect(cleanCidr(clean)).toBe(clean);
      }),
    );
  });

  it("clears host bits, compresses IPv6 and keeps bare addresses as typed", () => {
    expect(cleanCidr("192.168.1.155/24")).toBe("192.168.1.0/24");
    expect(cleanCidr("10.1.2.3/8")).toBe("10.0.0.0/8");
    expect(cleanCidr("2001:DB8:0:0::1/64")).toBe("2001:db8::/64");
    expect(cleanCidr("2001:DB8::1")).toBe("2001:DB8::1");
    expect(stripHostPrefix("10.0.0.1/32")).toBe("10.0.0.1");
    expect(stripHostPrefix("2001:db8::1/128")).toBe("2001:db8::1");
  });
});

describe("checkNetIp", () => {
  it("reports host bits with Net::IP's binary prefix message", () => {
    expect(checkNetIp("10.0.0.1/24")).toEqual({
      ok: false,
      error: "Invalid prefix 00001010000000000000000000000001/24",
    });
    expect(checkNetIp("2001:db8::1/64")).toEqual({
      ok: false,
      error: `Invalid prefix ${((0x20010db8n << 96n) | 1n).toString(2).padStart(128, "0")}/64`,
    });
  });

  it("fails on malformed addresses", () => {
    expect(checkNetIp("-")).toEqual({ ok: false, error: "Invalid chars in IP -" });
    expect(checkNetIp("10.0.0.300").ok).toBe(false);
    expect(checkNetIp("10.0.0.9-10.0.0.1").ok).toBe(false);
    expect(checkNetIp("1::2::3").ok).toBe(false);
  });
});
