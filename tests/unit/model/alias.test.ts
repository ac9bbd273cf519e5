import { canonicalAlias, validateAlias } from "../../../provider/model/alias";
import { formatIssues } from "../../../provider/model/common";

describe("validateAlias", () => {
  it("keeps the display case of the name and uses the network of a CIDR with host bits, with a warning", () => {
    expect(validateAlias({ name: "Office", cidr: "192.168.1.77/24", comment: "office net" })).toEqual({
      ok: true,
      value: { name: "Office", cidr: "192.168.1.0/24", comment: "office net" },
      warnings: [
        {
          path: "cidr",
          reason: `"192.168.1.77/24" has host bits set; using its network "192.168.1.0/24" (what iptables matches either way)`,
        },
      ],
    });
  });

  it("treats null as left out and warns about a comment Proxmox does not store", () => {
    expect(validateAlias({ name: "srv", cidr: "10.0.0.1", comment: null })).toEqual({
      ok: true,
      value: { name: "srv", cidr: "10.0.0.1" },
      warnings: [],
    });
    const zero = validateAlias({ name: "srv", cidr: "10.0.0.1", comment: "0" });
    expect(zero.ok && zero.warnings.map((w) => `${w.path}: ${w.reason}`)).toEqual([
      `comment: "0" is Perl-false, so Proxmox does not store it; the object gets no comment (leave comment out to say so)`,
    ]);
  });

  it("removes /32 and /128, keeps IPv6 case, and equates host bits with the network", () => {
    expect(canonicalAlias({ name: "h", cidr: "10.0.0.1/32" }).cidr).toBe("10.0.0.1");
    expect(canonicalAlias({ name: "h", cidr: "2001:DB8::1/128" }).cidr).toBe("2001:DB8::1");
    expect(canonicalAlias({ name: "h", cidr: "2001:DB8::/64" }).cidr).toBe("2001:DB8::/64");
    expect(canonicalAlias({ name: "h", cidr: "2001:DB8::1/64" }).cidr).toBe("2001:db8::/64");
    expect(canonicalAlias({ name: "h", cidr: "192.168.1.77/24" }).cidr).toBe("192.168.1.0/24");
  });

  it.each([
    [
      { name: "a", cidr: "10.0.0.1" },
      `name: "a" is 1 character long; alias names are 2 to 64 letters, digits, '-' or '_', starting with a letter`,
    ],
    [
      { name: "srv", cidr: "10.0.0.300" },
      `cidr: "10.0.0.300" is not an IPv4/IPv6 address or CIDR (an alias holds one address or network; use an IpSet for ranges and lists)`,
    ],
    [
      { name: "srv", cidr: "+set" },
      `cidr: "+set" is not an IPv4/IPv6 address or CIDR (an alias holds one address or network; use an IpSet for ranges and lists)`,
    ],
    [
      { name: "srv", cidr: "10.0.0.1-10.0.0.2" },
      `cidr: "10.0.0.1-10.0.0.2" is not an IPv4/IPv6 address or CIDR (an alias holds one address or network; use an IpSet for ranges and lists)`,
    ],
    [
      { name: "srv", cidr: "10.0.0.1", comment: "x\ny" },
      `comment: "x\\ny" contains a line break, which corrupts the Proxmox config file (the text after it becomes a broken line); keep it on one line`,
    ],
    [{ name: "srv" }, "cidr: is required: an IPv4/IPv6 address or CIDR such as 192.0.2.0/24"],
    [{ name: "srv", cidr: null }, "cidr: is required: an IPv4/IPv6 address or CIDR such as 192.0.2.0/24"],
    [{ name: "srv", cidr: "10.0.0.1", address: "x" }, "address: unknown property; an alias takes name, cidr, comment"],
  ])("fails on %j", (input, expected) => {
    const result = validateAlias(input);
    expect(result.ok ? "ok" : formatIssues(result.issues)).toBe(expected);
  });
});
