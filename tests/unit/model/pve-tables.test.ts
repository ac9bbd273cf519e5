import {
  CONNTRACK_HELPERS,
  ICMP_TYPES,
  ICMPV6_TYPES,
  isIcmpProto,
  isIcmpProtoName,
  isProtocolSpec,
  LOG_LEVELS,
  lookupMacro,
  PVE_MACROS,
  portProtocol,
  protocolNumber,
  servicePort,
} from "../../../provider/model/pve-tables";

describe("PVE_MACROS", () => {
  it("holds every Proxmox macro including the IPv6-only ones", () => {
    expect(PVE_MACROS).toHaveLength(86);
    expect(PVE_MACROS.map((m) => m.name)).toEqual(
      expect.arrayContaining(["SSH", "NeighborDiscovery", "DHCPv6", "Ceph"]),
    );
  });

  it("has unique case-insensitive names", () => {
    const lower = PVE_MACROS.map((m) => m.name.toLowerCase());
    expect(new Set(lower).size).toBe(lower.length);
  });

  it("carries the IPv6 variant of Ping", () => {
    expect(lookupMacro("Ping")?.ipv6Rules).toEqual([{ action: "PARAM", proto: "icmpv6", dport: "echo-request" }]);
  });
});

describe("lookupMacro", () => {
  it("finds a macro case-insensitively and returns its canonical spelling", () => {
    expect(lookupMacro("ssh")?.name).toBe("SSH");
    expect(lookupMacro("pptp")?.name).toBe("PPtP");
  });

  it("returns the macro's rules", () => {
    expect(lookupMacro("SSH")?.rules).toEqual([{ action: "PARAM", proto: "tcp", dport: "22" }]);
  });

  it("returns undefined for an unknown macro", () => {
    expect(lookupMacro("Foo")).toBeUndefined();
  });
});

describe("protocolNumber", () => {
  it.each([
    ["tcp", 6],
    ["udp", 17],
    ["icmp", 1],
    ["icmpv6", 58],
    ["ipv6-icmp", 58],
    ["gre", 47],
    ["47", 47],
    ["0", 0],
    ["255", 255],
  ])("maps %s to %d", (input, expected) => {
    expect(protocolNumber(input)).toBe(expected);
  });

  it.each(["bogusproto", "256", "TCP", "", "-1"])("returns undefined for %j", (input) => {
    expect(protocolNumber(input)).toBeUndefined();
  });
});

describe("isProtocolSpec", () => {
  it("accepts names and numbers listed in /etc/protocols", () => {
    expect(["tcp", "icmpv6", "6", "47", "gre"].every(isProtocolSpec)).toBe(true);
  });

  it("rejects numbers that /etc/protocols does not list and unknown names", () => {
    expect(["200", "bogusproto", "06", "TCP"].some(isProtocolSpec)).toBe(false);
  });
});

describe("portProtocol", () => {
  it("accepts the protocols with ports and their numbers", () => {
    expect(["tcp", "udp", "udplite", "dccp", "sctp", "6", "17", "136", "33", "132"].every(portProtocol)).toBe(true);
  });

  it("rejects protocols without ports", () => {
    expect(["gre", "icmp", "47", "esp"].some(portProtocol)).toBe(false);
  });
});

describe("isIcmpProto", () => {
  it.each([
    ["icmp", "icmp"],
    ["1", "icmp"],
    ["icmpv6", "icmpv6"],
    ["ipv6-icmp", "icmpv6"],
    ["58", "icmpv6"],
    ["tcp", undefined],
  ])("classifies %s as %s", (proto, family) => {
    expect(isIcmpProto(proto)).toBe(family);
  });

  it("treats only the names as ICMP for rule checks", () => {
    expect(isIcmpProtoName("icmp")).toBe(true);
    expect(isIcmpProtoName("1")).toBe(false);
  });
});

describe("ICMP_TYPES", () => {
  it("holds iptables' icmp type names", () => {
    expect(ICMP_TYPES.has("echo-request")).toBe(true);
    expect(ICMP_TYPES.has("any")).toBe(true);
    expect(ICMP_TYPES.has("neighbor-solicitation")).toBe(false);
  });

  it("holds ip6tables' icmpv6 type names with both spellings", () => {
    expect(ICMPV6_TYPES.has("neighbour-solicitation")).toBe(true);
    expect(ICMPV6_TYPES.has("neighbor-solicitation")).toBe(true);
    expect(ICMPV6_TYPES.has("any")).toBe(false);
  });
});

describe("servicePort", () => {
  it("resolves /etc/services names", () => {
    expect(servicePort("ssh")).toBe(22);
    expect(servicePort("https")).toBe(443);
    expect(servicePort("domain")).toBe(53);
  });

  it("returns undefined for unknown names", () => {
    expect(servicePort("nosuchservice")).toBeUndefined();
  });
});

describe("LOG_LEVELS and CONNTRACK_HELPERS", () => {
  it("list Proxmox's values in order", () => {
    expect(LOG_LEVELS).toEqual(["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "nolog"]);
    expect(CONNTRACK_HELPERS).toContain("netbios-ns");
  });
});
