import { parseIp } from "../../../provider/model/ip";
import { KernelSet, listMatcher, parseAddressList, parseNet, type SetEntry } from "../../../provider/policy/address";
import { icmpCondition, icmpMatches, packetIcmp, parsePortSpec, portIn } from "../../../provider/policy/ports";

const ip = (text: string) => parseIp(text)!;
const entry = (cidr: string, nomatch = false): SetEntry => ({ ...parseNet(cidr)!, nomatch, text: cidr });

describe("KernelSet", () => {
  const set = new KernelSet([
    entry("10.0.0.0/8"),
    entry("10.1.0.0/16", true),
    entry("10.1.2.0/24"),
    entry("2001:db8::/32"),
  ]);

  it.each([
    ["10.9.9.9", true],
    ["10.1.9.9", false],
    ["10.1.2.3", true],
    ["11.0.0.1", false],
    ["2001:db8::1", true],
    ["2001:db9::1", false],
  ])("decides %s by the most specific containing entry: %s", (addr, expected) => {
    expect(set.has(ip(addr))).toBe(expected);
  });

  it("clears host bits and lets the last add of a network win, as the kernel stores them", () => {
    const s = new KernelSet([{ ...entry("192.0.2.0/24"), value: ip("192.0.2.77").value }, entry("192.0.2.0/24", true)]);
    expect(s.entries).toEqual([expect.objectContaining({ value: ip("192.0.2.0").value, nomatch: true })]);
    expect(s.has(ip("192.0.2.1"))).toBe(false);
  });
});

describe("parseAddressList", () => {
  it.each([
    ["+office", { ok: true, kind: "ipset" }],
    ["dc/office", { ok: true, kind: "alias" }],
    ["10.0.0.1,10.0.0.0/24", { ok: true, kind: "literal", version: 4 }],
    ["10.0.0.1/24", { ok: false, error: "invalid IP address: 10.0.0.1/24" }],
    ["10.0.0.1,", { ok: false, error: "extraneous commas in list" }],
    [
      "10.0.0.1,2001:db8::1",
      { ok: false, error: "detected mixed ipv4/ipv6 addresses in address list '10.0.0.1,2001:db8::1'" },
    ],
    ["10.0.0.1-10.0.0.5,10.0.0.9", { ok: false, error: "you can't use a range in a list" }],
    ["10.0.0.5-10.0.0.1", { ok: false, error: "invalid IP address: 10.0.0.5-10.0.0.1" }],
  ])("reads %s as Proxmox's parse_address_list does", (spec, expected) => {
    expect(parseAddressList(spec)).toMatchObject(expected);
  });

  it("matches a range inclusively and a network by its prefix", () => {
    const list = parseAddressList("10.0.0.1-10.0.0.5");
    const has = listMatcher(list.ok && list.kind === "literal" ? list.items : []);
    expect([has(ip("10.0.0.1")), has(ip("10.0.0.5")), has(ip("10.0.0.6"))]).toEqual([true, true, false]);
  });
});

describe("ports and ICMP types", () => {
  it.each([
    ["22", { ok: true, multi: false }],
    ["80,443,8000:8080", { ok: true, multi: true }],
    ["ssh", { ok: true, ranges: [{ lo: 22, hi: 22 }] }],
    ["443:80", { ok: false, error: "backwards range '443:80' not allowed, did you mean '80:443'?" }],
    ["70000", { ok: false, error: "invalid port '70000'" }],
    ["1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16", { ok: false, error: "too many entries in port list (> 15 numbers)" }],
    ["22,", { ok: false, error: "extraneous commas in list" }],
  ])("parses port spec %s", (spec, expected) => {
    expect(parsePortSpec(spec, false)).toMatchObject(expected);
  });

  it("matches a port against ranges and never matches a packet without that port", () => {
    expect(portIn([{ lo: 20, hi: 22 }], 21)).toBe(true);
    expect(portIn([{ lo: 20, hi: 22 }], undefined)).toBe(false);
  });

  it("matches ICMP by type, by type and code, by number, and 'any'", () => {
    const unreachable = icmpCondition("destination-unreachable", 4)!;
    expect(icmpMatches(unreachable, packetIcmp("port-unreachable", 4)!)).toBe(true);
    expect(icmpMatches(icmpCondition("port-unreachable", 4)!, packetIcmp("3/1", 4)!)).toBe(false);
    expect(icmpMatches(icmpCondition("8", 4)!, packetIcmp("echo-request", 4)!)).toBe(true);
    expect(icmpMatches(icmpCondition("any", 4)!, packetIcmp("13", 4)!)).toBe(true);
    expect(icmpCondition("any", 6)).toBeUndefined();
    expect(packetIcmp("neighbour-solicitation", 6)).toEqual({ type: 135, code: 0 });
  });
});
