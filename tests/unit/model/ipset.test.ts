import { formatIssues } from "../../../provider/model/common";
import {
  canonicalIpSet,
  canonicalIpSetCidr,
  ipSetEntryFromWire,
  ipSetEntryToWire,
  validateIpSet,
} from "../../../provider/model/ipset";

describe("canonicalIpSetCidr", () => {
  it.each([
    ["192.168.1.155/24", "192.168.1.0/24"],
    ["10.1.2.3/8", "10.0.0.0/8"],
    ["10.0.0.1/32", "10.0.0.1"],
    ["2001:DB8:0:0::1/64", "2001:db8::/64"],
    ["2001:db8::1/128", "2001:db8::1"],
    ["2001:DB8::1", "2001:DB8::1"],
    ["dc/office", "dc/office"],
    ["10.0.0.5", "10.0.0.5"],
  ])("normalises %s to %s as Proxmox does", (input, expected) => {
    expect(canonicalIpSetCidr(input)).toBe(expected);
  });
});

describe("validateIpSet", () => {
  it("returns the canonical set with entries sorted by cidr text", () => {
    expect(
      validateIpSet({
        name: "management",
        comment: "mgmt hosts",
        entries: [{ cidr: "10.0.0.5/32" }, { cidr: "10.0.0.0/8", nomatch: true }, { cidr: "192.168.1.77/24" }],
      }),
    ).toEqual({
      ok: true,
      value: {
        name: "management",
        comment: "mgmt hosts",
        entries: [{ cidr: "10.0.0.0/8", nomatch: 1 }, { cidr: "10.0.0.5" }, { cidr: "192.168.1.0/24" }],
      },
      warnings: [
        {
          path: "entries[2].cidr",
          reason: `"192.168.1.77/24" has host bits set; using its network "192.168.1.0/24" (Proxmox clears host bits in IPSet entries)`,
        },
      ],
    });
  });

  it("takes bare cidr strings as entries and null as left out", () => {
    const result = validateIpSet({
      name: "mgmt",
      comment: null,
      entries: ["10.0.0.1", { cidr: "10.0.0.2", comment: null }],
    });
    expect(result).toEqual({
      ok: true,
      value: { name: "mgmt", entries: [{ cidr: "10.0.0.1" }, { cidr: "10.0.0.2" }] },
      warnings: [],
    });
  });

  it.each([
    [
      { name: "mgmt", entries: [{ cidr: "10.0.0.300" }] },
      `entries[0].cidr: "10.0.0.300" is not an IPv4/IPv6 address, CIDR or alias name`,
    ],
    [
      { name: "mgmt", entries: [{ cidr: "0.0.0.0/0" }] },
      `entries[0].cidr: "0.0.0.0/0" has a zero prefix, which Proxmox does not allow in ipsets (split it, e.g. 0.0.0.0/1 and 128.0.0.0/1)`,
    ],
    [
      { name: "mgmt", entries: [{ cidr: "::/0" }] },
      `entries[0].cidr: "::/0" has a zero prefix, which Proxmox does not allow in ipsets (split it, e.g. ::/1 and 8000::/1)`,
    ],
    [
      { name: "mgmt", entries: [{ cidr: "10.0.0.5" }, { cidr: "10.0.0.5/32" }] },
      `entries[1].cidr: "10.0.0.5/32" duplicates entries[0] (both are 10.0.0.5)`,
    ],
    [
      { name: "MySet" },
      `name: "MySet" has upper-case letters; Proxmox lower-cases IPSet names when it reads its config, so "MySet" could not be found again: use "myset"`,
    ],
    [
      { name: "mgmt", comment: "a\rb" },
      `comment: "a\\rb" contains a line break, which corrupts the Proxmox config file (the text after it becomes a broken line); keep it on one line`,
    ],
    [{ name: "mgmt", entries: [{ cidr: "10.0.0.1", digest: "x" }] }, "entries[0].digest: output-only"],
    [
      { name: "mgmt", entries: [null] },
      "entries[0]: is null; give an IPSet entry: an address/CIDR string or { cidr, nomatch?, comment? }, or remove it",
    ],
  ])("fails on %j", (input, expected) => {
    const result = validateIpSet(input);
    expect(result.ok ? "ok" : formatIssues(result.issues)).toBe(expected);
  });
});

describe("canonicalIpSet", () => {
  it("sorts in byte order and drops duplicates", () => {
    expect(
      canonicalIpSet({
        name: "Set",
        entries: [{ cidr: "10.0.0.2" }, { cidr: "10.0.0.10" }, { cidr: "10.0.0.2", comment: "x" }],
      }),
    ).toEqual({
      name: "set",
      entries: [{ cidr: "10.0.0.10" }, { cidr: "10.0.0.2", comment: "x" }],
    });
  });
});

describe("ipSetEntryToWire", () => {
  it("encodes nomatch as 1 or absent and round-trips", () => {
    expect(ipSetEntryToWire({ cidr: "10.0.0.0/8", nomatch: false })).toEqual({ cidr: "10.0.0.0/8" });
    expect(ipSetEntryFromWire(ipSetEntryToWire({ cidr: "10.0.0.0/8", nomatch: true, comment: "c" }))).toEqual({
      cidr: "10.0.0.0/8",
      nomatch: true,
      comment: "c",
    });
  });
});
