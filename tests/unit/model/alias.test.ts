import { canonicalAlias, validateAlias } from "../../../provider/model/alias";
import { formatIssues } from "../../../provider/model/common";

describe("validateAlias", () => {
  it("keeps host bits and the display case of the name", () => {
    expect(validateAlias({ name: "Office", cidr: "192.168.1.77/24", comment: "office net" })).toEqual({
      ok: true,
      value: { name: "Office", cidr: "192.168.1.77/24", comment: "office net" },
    });
  });

  it("removes /32 and /128 but keeps IPv6 case", () => {
    expect(canonicalAlias({ name: "h", cidr: "10.0.0.1/32" }).cidr).toBe("10.0.0.1");
    expect(canonicalAlias({ name: "h", cidr: "2001:DB8::1/128" }).cidr).toBe("2001:DB8::1");
    expect(canonicalAlias({ name: "h", cidr: "2001:DB8::1/64" }).cidr).toBe("2001:DB8::1/64");
  });

  it.each([
    [{ name: "a", cidr: "10.0.0.1" }, `name: "a" must be 2+ letters, digits, '-' or '_', starting with a letter`],
    [{ name: "srv", cidr: "10.0.0.300" }, `cidr: "10.0.0.300" is not an IPv4/IPv6 address or CIDR`],
    [{ name: "srv", cidr: "+set" }, `cidr: "+set" is not an IPv4/IPv6 address or CIDR`],
    [{ name: "srv", cidr: "10.0.0.1-10.0.0.2" }, `cidr: "10.0.0.1-10.0.0.2" is not an IPv4/IPv6 address or CIDR`],
    [
      { name: "srv", cidr: "10.0.0.1", comment: "x\ny" },
      "comment: must not contain line breaks (a newline or CR corrupts the Proxmox config file)",
    ],
  ])("fails on %j", (input, expected) => {
    const result = validateAlias(input);
    expect(result.ok ? "ok" : formatIssues(result.issues)).toBe(expected);
  });
});
