import { formatIssues } from "../../../provider/model/common";
import {
  canonicalRule,
  checkRule,
  inertRuleIssues,
  ruleFromWire,
  ruleToWire,
  validateRule,
  validateRules,
} from "../../../provider/model/rule";
import type { Scope } from "../../../provider/model/scope";

const cluster: Scope = { kind: "cluster" };
const vm: Scope = { kind: "vm", node: "pve1", vmid: 100, guestType: "qemu" };
const vnet: Scope = { kind: "vnet", vnet: "v1" };
const group: Scope = { kind: "group", group: "web" };

function reasons(input: unknown, scope: Scope = cluster): string {
  const result = validateRule(input, scope, 2);
  return result.ok ? "ok" : formatIssues(result.issues);
}

describe("validateRule", () => {
  it("returns the canonical wire form of a valid rule", () => {
    expect(validateRule({ action: "ACCEPT", macro: "ssh", source: "+mgmt", comment: " hi " }, cluster)).toEqual({
      ok: true,
      value: { type: "in", action: "ACCEPT", enable: 1, macro: "SSH", source: "+mgmt", comment: "hi" },
      warnings: [],
    });
  });

  it("accepts numeric ports and stores them as strings", () => {
    const result = validateRule({ action: "ACCEPT", proto: "tcp", dport: 443, sport: "1024:65535" }, cluster);
    expect(result.ok && result.value.dport).toBe("443");
  });

  it.each([
    [
      { action: "ACCEPT", proto: "tcp", dport: "80:70" },
      "rules[2].dport: port range 80:70 is reversed; did you mean 70:80",
    ],
    [
      { action: "ACCEPT", proto: "gre", dport: "22" },
      `rules[2].dport: "22" needs a port protocol, but proto "gre" has no ports (use tcp, udp, udplite, dccp or sctp)`,
    ],
    [{ action: "ACCEPT", dport: "22" }, `rules[2].dport: "22" requires proto (for example tcp or udp)`],
    [
      { action: "ACCEPT", proto: "icmp", sport: "22" },
      `rules[2].sport: "22" needs a port protocol, but proto "icmp" has no ports (use tcp, udp, udplite, dccp or sctp)`,
    ],
    [
      { action: "ACCEPT", proto: "tcp", icmpType: "echo-request" },
      `rules[2].icmpType: "echo-request" requires proto icmp, icmpv6 or ipv6-icmp`,
    ],
    [
      { action: "ACCEPT", proto: "icmp", icmpType: "bogus" },
      `rules[2].icmpType: "bogus" is not an ICMP type name for icmp`,
    ],
    [
      { action: "ACCEPT", macro: "SSH", proto: "tcp", dport: "23" },
      `rules[2].dport: "23" conflicts with macro SSH, which sets dport "22"`,
    ],
    [{ action: "ACCEPT", macro: "Foo" }, `rules[2].macro: unknown macro "Foo"`],
    [
      { action: "accept" },
      `rules[2].action: unknown action "accept" (allowed: ACCEPT, DROP, REJECT); did you mean ACCEPT`,
    ],
    [
      { type: "forward", action: "REJECT" },
      "rules[2].action: REJECT is not allowed on forward rules (Proxmox has no reject on the forward chain); use DROP",
    ],
    [
      { action: "ACCEPT", source: "10.0.0.1,2001:db8::1" },
      `rules[2].source: "10.0.0.1,2001:db8::1" mixes IPv4 and IPv6 addresses`,
    ],
    [
      { action: "ACCEPT", source: "10.0.0.1", dest: "2001:db8::1" },
      `rules[2].dest: "2001:db8::1" is IPv6 but the rule is IPv4 elsewhere; a rule matches one IP family, so split it in two`,
    ],
    [
      { action: "ACCEPT", source: "10.0.0.1-10.0.0.5,10.0.0.9" },
      `rules[2].source: "10.0.0.1-10.0.0.5,10.0.0.9" has a range inside a list`,
    ],
    [
      { action: "ACCEPT", source: "10.0.0.300" },
      `rules[2].source: "10.0.0.300" is not an IPv4/IPv6 address, CIDR, range, ipset or alias reference`,
    ],
    [
      { action: "ACCEPT", source: "+MySet" },
      `rules[2].source: ipset reference "+MySet" has upper-case letters; Proxmox lower-cases ipset names, so it would never match: use "+myset"`,
    ],
    [
      { action: "ACCEPT", proto: "bogusproto" },
      `rules[2].proto: unknown protocol "bogusproto" (use a name or number from /etc/protocols)`,
    ],
    [{ action: "ACCEPT", proto: "tcp", dport: "70000" }, "rules[2].dport: port 70000 is above 65535"],
    [
      { action: "ACCEPT", proto: "tcp", dport: "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16" },
      `rules[2].dport: "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16" has more than 15 ports (a range counts as 2)`,
    ],
    [
      { action: "ACCEPT", comment: "a\nb" },
      `rules[2].comment: "a\\nb" contains a line break, which corrupts the Proxmox config file (the text after it becomes a broken line); keep it on one line`,
    ],
    [
      { type: "group", action: "Web" },
      `rules[2].action: security group name "Web" must be 2-18 lower-case letters, digits, '-' or '_', starting with a letter; Proxmox lower-cases group names, so use "web"`,
    ],
    [
      { type: "group", action: "web", proto: "tcp" },
      `rules[2].proto: "tcp" is not allowed on a type "group" rule (Proxmox drops it when it writes the rule); set it on the rules inside the security group`,
    ],
    [
      { action: "ACCEPT", iface: "anything-goes" },
      `rules[2].iface: "anything-goes" is not a network interface name (letter first, 2-20 characters, optional .N or :N)`,
    ],
  ])("fails on %j", (input, expected) => {
    expect(reasons(input)).toBe(expected);
  });

  it("fails on a type the scope does not allow", () => {
    expect(reasons({ type: "forward", action: "ACCEPT" }, vm)).toBe(
      `rules[2].type: rule type "forward" is not allowed in vm scope (allowed: in, out, group)`,
    );
  });

  it("fails on a guest iface that is not netN", () => {
    expect(reasons({ action: "ACCEPT", iface: "eth0" }, vm)).toBe(
      `rules[2].iface: "eth0" must be a guest interface key like net0`,
    );
  });

  it("fails on any iface in group and vnet scope", () => {
    expect(reasons({ type: "forward", action: "ACCEPT", iface: "net0" }, vnet)).toBe(
      `rules[2].iface: "net0" is not allowed on VNet rules (a VNet's rules apply to the VNet's bridge); remove iface`,
    );
    expect(reasons({ action: "ACCEPT", iface: "net0" }, group)).toBe(
      `rules[2].iface: "net0" is not allowed on the rules of a security group (Proxmox has no interface match inside a group); set iface on the { type: "group" } rule that inserts the group`,
    );
  });

  it("accepts a macro port equal to the macro's and icmp names in dport", () => {
    expect(reasons({ action: "ACCEPT", macro: "SSH", proto: "tcp", dport: "22" })).toBe("ok");
    expect(reasons({ action: "ACCEPT", proto: "icmp", dport: "echo-request" })).toBe("ok");
    expect(reasons({ action: "ACCEPT", proto: "tcp", dport: "ssh,80:85" })).toBe("ok");
  });

  it("accepts alias and ipset references syntactically", () => {
    expect(reasons({ action: "ACCEPT", source: "dc/office", dest: "+guest/web" })).toBe("ok");
  });

  it("fails on a wrong field type, naming the value and what is expected", () => {
    expect(reasons({ action: "ACCEPT", enable: "yes" })).toBe(`rules[2].enable: "yes" is text, not true or false`);
  });

  it("uses the network of a source or dest with host bits, with a warning naming the field", () => {
    expect(validateRule({ action: "ACCEPT", source: "10.0.0.1/24,2001:db8::1/64" }, cluster)).toEqual({
      ok: false,
      issues: [{ path: "source", reason: `"10.0.0.1/24,2001:db8::1/64" mixes IPv4 and IPv6 addresses` }],
    });
    expect(
      validateRule({ action: "ACCEPT", source: "10.0.0.1/24,10.1.0.0/16", dest: "2001:DB8::1/64" }, cluster),
    ).toEqual({
      ok: false,
      issues: [
        {
          path: "dest",
          reason: `"2001:DB8::1/64" is IPv6 but the rule is IPv4 elsewhere; a rule matches one IP family, so split it in two`,
        },
      ],
    });
    expect(validateRule({ action: "ACCEPT", dest: "2001:DB8::1/64" }, cluster)).toEqual({
      ok: true,
      value: { type: "in", action: "ACCEPT", enable: 1, dest: "2001:db8::/64" },
      warnings: [
        {
          path: "dest",
          reason: `"2001:DB8::1/64" has host bits set; using its network "2001:db8::/64" (what iptables matches either way; Proxmox rejects host bits in rules)`,
        },
      ],
    });
  });

  it("treats a comment Proxmox does not store as no comment, with a warning", () => {
    for (const comment of ["-", " ", "0"]) {
      const result = validateRule({ action: "ACCEPT", comment }, cluster);
      expect(result.ok && result.value).toEqual({ type: "in", action: "ACCEPT", enable: 1 });
      expect(result.ok && result.warnings.map((w) => w.path)).toEqual(["comment"]);
    }
  });
});

describe("validateRules", () => {
  it("reports the issues of every rule with its index", () => {
    const result = validateRules([{ action: "ACCEPT" }, { action: "X1" }, { action: "DROP", log: "loud" }], cluster);
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(["rules[1].action", "rules[2].log"]);
  });
});

describe("inertRuleIssues", () => {
  const rule = (fields: Record<string, string | number>) =>
    canonicalRule({ type: "in", action: "ACCEPT", ...fields } as Parameters<typeof canonicalRule>[0]);

  it("finds the issues that make Proxmox skip a rule or apply it as nothing", () => {
    expect(inertRuleIssues(rule({ action: "FROBNICATE", proto: "tcp" }), cluster).map((i) => i.path)).toEqual([
      "action",
    ]);
    expect(inertRuleIssues(rule({ proto: "tcp", dport: "99999" }), cluster).map((i) => i.path)).toEqual(["dport"]);
    expect(inertRuleIssues(rule({ type: "group", action: "WebTier" }), cluster).map((i) => i.path)).toEqual(["action"]);
    expect(inertRuleIssues(rule({ iface: "eth0", proto: "tcp", dport: "22" }), vm).map((i) => i.path)).toEqual([
      "iface",
    ]);
    expect(inertRuleIssues(rule({ proto: "icmp", dport: "99999" }), cluster).map((i) => i.path)).toEqual(["dport"]);
  });

  it("finds none in a rule Proxmox applies, even one the provider rejects (an ICMP type list in dport)", () => {
    const list = rule({ proto: "icmp", dport: "8,0" });
    expect(checkRule(list, cluster).map((i) => i.path)).toEqual(["dport"]);
    expect(inertRuleIssues(list, cluster)).toEqual([]);
    expect(inertRuleIssues(rule({ proto: "icmp", dport: "echo-request" }), cluster)).toEqual([]);
    expect(inertRuleIssues(rule({ source: "nosuchalias", proto: "tcp", dport: "22" }), cluster)).toEqual([]);
  });
});

describe("canonicalRule", () => {
  it("keeps only action, iface, enable and comment on group rules", () => {
    expect(canonicalRule({ type: "group", action: "web", proto: "tcp", log: "info", enable: 5 })).toEqual({
      type: "group",
      action: "web",
      enable: 1,
    });
  });

  it("treats an absent enable as enabled and drops empty fields", () => {
    expect(canonicalRule({ type: "in", action: "DROP", source: "", comment: "0" })).toEqual({
      type: "in",
      action: "DROP",
      enable: 1,
    });
  });
});

describe("ruleFromWire", () => {
  it("maps icmp-type and enable back to the input shape", () => {
    expect(
      ruleFromWire({ type: "in", action: "ACCEPT", enable: 0, proto: "icmp", "icmp-type": "echo-request" }),
    ).toEqual({
      type: "in",
      action: "ACCEPT",
      enable: false,
      proto: "icmp",
      icmpType: "echo-request",
    });
  });

  it("round-trips through ruleToWire", () => {
    const input = { type: "out" as const, action: "DROP", proto: "udp", dport: "53", enable: false, comment: "dns" };
    expect(ruleFromWire(ruleToWire(input))).toEqual(input);
  });
});
