/**
 * `check` of every kind against the examples of issue 10: each example value is a named
 * regression with the value or message it must produce, through the real provider (and the
 * emulator where the stored value matters).
 */
import type { ResourceKind } from "../../provider/resources/index";
import { useEmulator } from "../helpers/emulator";
import { providerFor as providerWithMessages, writes } from "./helpers";

const emu = useEmulator();

/** What the providers of the current test told the user (their stderr lines). */
let messages: string[] = [];
beforeEach(() => {
  messages = [];
  emu.handle().calls.reset();
});

/** A provider of `kind` against the emulator whose messages go to {@link messages}. */
function providerFor(kind: ResourceKind, handle: ReturnType<typeof emu.handle>) {
  return providerWithMessages(kind, handle, messages);
}

/** The failures of `check` as `property: reason` lines; `[]` when accepted. */
async function failures(kind: ResourceKind, news: Record<string, unknown>): Promise<string[]> {
  const p = await providerFor(kind, emu.handle());
  const r = await p.check({}, news);
  return (r.failures ?? []).map((f) => `${f.property}: ${f.reason}`);
}

/** The warnings `check` reported. */
function warnings(): string[] {
  return messages.filter((m) => m.startsWith("warning: ")).map((m) => m.slice("warning: ".length));
}

const RULE_REQUIRED = "rules[0].action: is required: ACCEPT, DROP or REJECT, or a security group name for type group";

describe("check rejects rules Proxmox would store as something else", () => {
  it.each([
    [
      { action: "ACCEPT", proto: "tcp", dport: 0 },
      "rules[0].dport: 0 is dropped by Proxmox (a Perl-false value is not stored), so the rule would match every port; leave dport out (or null) to match every port, or give ports 1-65535",
    ],
    [
      { action: "ACCEPT", proto: "tcp", sport: 0 },
      "rules[0].sport: 0 is dropped by Proxmox (a Perl-false value is not stored), so the rule would match every port; leave sport out (or null) to match every port, or give ports 1-65535",
    ],
    [
      { action: "ACCEPT", proto: "tcp", dport: "0" },
      `rules[0].dport: "0" is dropped by Proxmox (a Perl-false value is not stored), so the rule would match every port; leave dport out (or null) to match every port, or give ports 1-65535`,
    ],
    [
      { action: "ACCEPT", proto: "0" },
      `rules[0].proto: "0" is dropped by Proxmox (a Perl-false value is not stored), so the rule would match every protocol; leave proto out (or null) to match every protocol, or name one (tcp, udp, ...)`,
    ],
    [{ action: "ACCEPT", proto: "" }, "rules[0].proto: is empty; leave proto out (or null) to match every protocol"],
    [
      { action: "ACCEPT", proto: "icmp", dport: 0 },
      `rules[0].dport: 0 is dropped by Proxmox (a Perl-false value is not stored), so the rule would match every ICMP type; for ICMP type 0 write "echo-reply"`,
    ],
  ])("regress-10 fails on %j", async (rule, message) => {
    expect(await failures("FirewallRules", { rules: [rule] })).toEqual([message]);
    expect(emu.handle().calls.total()).toBe(0);
  });

  it.each(["80:90", "ssh", "8,9", "neighbor-solicitation"])(
    "regress-10 fails on ICMP dport %j, which is not one ICMP type",
    async (dport) => {
      expect(await failures("FirewallRules", { rules: [{ action: "ACCEPT", proto: "icmp", dport }] })).toEqual([
        `rules[0].dport: "${dport}" is not one ICMP type; with proto icmp, dport is a single ICMP type: a name such as "echo-request" (one of proto icmp's types) or a number 0-255, never a list, range or service name (icmpType says the same more clearly)`,
      ]);
    },
  );

  it("accepts one ICMP type in dport, by name or number", async () => {
    expect(
      await failures("FirewallRules", { rules: [{ action: "ACCEPT", proto: "icmp", dport: "echo-request" }] }),
    ).toEqual([]);
    expect(await failures("FirewallRules", { rules: [{ action: "ACCEPT", proto: "icmpv6", dport: 135 }] })).toEqual([]);
  });
});

describe("check rejects unknown and output-only properties", () => {
  it("regress-10 fails on pos, foo and digest in a rule", async () => {
    expect(
      await failures("FirewallRules", {
        rules: [
          { action: "ACCEPT", pos: 0 },
          { action: "ACCEPT", foo: 1 },
          { action: "ACCEPT", digest: "d" },
        ],
      }),
    ).toEqual([
      "rules[0].pos: unknown property; order is the array order",
      "rules[1].foo: unknown property; a rule takes type, action, macro, proto, source, dest, sport, dport, iface, log, icmpType, enable, comment",
      "rules[2].digest: output-only",
    ]);
  });

  it("quotes property names that are not plain names in the path", async () => {
    expect(await failures("FirewallRules", { rules: [{ action: "ACCEPT", "icmp-type": "any" }] })).toEqual([
      `rules[0]["icmp-type"]: unknown property; did you mean icmpType`,
    ]);
  });

  it("regress-10 fails on an alias with an extra field", async () => {
    expect(await failures("Alias", { name: "office", cidr: "10.0.0.1", ip: "10.0.0.1" })).toEqual([
      "ip: unknown property; Alias takes name, cidr, comment, scope, cluster, adopt, allowLockout",
    ]);
  });

  it("regress-10 fails on guest options given the output enforced", async () => {
    expect(
      await failures("GuestFirewallOptions", { scope: { node: "pve1", vmid: 100 }, enable: true, enforced: true }),
    ).toEqual(["enforced: is an output of GuestFirewallOptions, not an input; remove it"]);
  });

  it("regress-10 fails on a security group given a scope", async () => {
    expect(await failures("SecurityGroup", { name: "web", scope: { node: "pve1" } })).toEqual([
      "scope: security groups live at datacenter level; remove scope",
    ]);
  });

  it("names a misspelt option and the resource an option belongs to", async () => {
    const node = { scope: { node: "pve1" } };
    expect(
      await failures("NodeFirewallOptions", { ...node, log_level_in: "info", policy_in: "DROP", policyIn: "DROP" }),
    ).toEqual([
      "log_level_in: unknown property; did you mean logLevelIn",
      "policy_in: unknown property; policy_in (policyIn) is an option of ClusterFirewallOptions and GuestFirewallOptions, not of NodeFirewallOptions",
      "policyIn: unknown property; policyIn is an option of ClusterFirewallOptions and GuestFirewallOptions, not of NodeFirewallOptions",
    ]);
  });

  it("accepts the inputs other parts of the package add: adopt, allowLockout, __owner", async () => {
    const p = await providerFor("Alias", emu.handle());
    const r = await p.check(
      {},
      { name: "office", cidr: "10.0.0.1", adopt: true, allowLockout: null, __owner: "0123456789abcdef" },
    );
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toMatchObject({ adopt: true, __owner: "0123456789abcdef" });
    expect(r.inputs).not.toHaveProperty("allowLockout");
    expect(await failures("IpSet", { name: "mgmt", adopt: "yes" })).toEqual([
      `adopt: "yes" is text, not true or false; use true to take over an existing object`,
    ]);
  });
});

describe("check rejects control characters in free text", () => {
  it("regress-10 fails on a NUL byte in a rule comment and in an alias comment", async () => {
    expect(await failures("FirewallRules", { rules: [{ action: "ACCEPT", comment: "a\u0000b" }] })).toEqual([
      `rules[0].comment: "a\\u0000b" contains the control character U+0000 (NUL) at position 2, which Proxmox would write into its config file; remove it`,
    ]);
    expect(await failures("Alias", { name: "office", cidr: "10.0.0.1", comment: "x\u007f" })).toEqual([
      `comment: "x\\u007f" contains the control character U+007F (DEL) at position 2, which Proxmox would write into its config file; remove it`,
    ]);
  });
});

describe("check reads null as left out, as Terraform does", () => {
  it("regress-10 accepts null in optional rule fields (sport, log)", async () => {
    const p = await providerFor("FirewallRules", emu.handle());
    const r = await p.check({}, { rules: [{ action: "ACCEPT", proto: "tcp", dport: 22, sport: null, log: null }] });
    expect(r.failures).toBeUndefined();
    expect(r.inputs["rules"]).toEqual([{ type: "in", action: "ACCEPT", enable: true, proto: "tcp", dport: "22" }]);
  });

  it("regress-10 fails on a missing or null action, saying what is expected", async () => {
    expect(await failures("FirewallRules", { rules: [{ proto: "tcp" }] })).toEqual([RULE_REQUIRED]);
    expect(await failures("FirewallRules", { rules: [{ action: null }] })).toEqual([RULE_REQUIRED]);
  });

  it("regress-10 explains iface on a rule inside a security group", async () => {
    expect(await failures("SecurityGroup", { name: "web", rules: [{ action: "ACCEPT", iface: "net0" }] })).toEqual([
      `rules[0].iface: "net0" is not allowed on the rules of a security group (Proxmox has no interface match inside a group); set iface on the { type: "group" } rule that inserts the group`,
    ]);
  });
});

describe("check reads a CIDR with host bits as its network, everywhere", () => {
  it("regress-10 stores alias 10.0.0.1/8 as 10.0.0.0/8, with a warning", async () => {
    const p = await providerFor("Alias", emu.handle());
    const checked = await p.check({}, { name: "hostbits", cidr: "10.0.0.1/8" });
    expect(checked.inputs).toMatchObject({ cidr: "10.0.0.0/8" });
    expect(warnings()).toEqual([
      `cluster/alias/hostbits: cidr: "10.0.0.1/8" has host bits set; using its network "10.0.0.0/8" (what iptables matches either way)`,
    ]);
    const created = await p.create(checked.inputs);
    expect(created.outs["cidr"]).toBe("10.0.0.0/8");
    await p.delete(created.id, created.outs);
  });

  it("regress-10 stores rule source 10.0.0.1/8 as 10.0.0.0/8, with a warning", async () => {
    const p = await providerFor("FirewallRules", emu.handle());
    const checked = await p.check({}, { scope: { node: "pve1" }, rules: [{ action: "ACCEPT", source: "10.0.0.1/8" }] });
    expect(checked.failures).toBeUndefined();
    expect(warnings()).toEqual([
      `node/pve1: rules[0].source: "10.0.0.1/8" has host bits set; using its network "10.0.0.0/8" (what iptables matches either way; Proxmox rejects host bits in rules)`,
    ]);
    const created = await p.create(checked.inputs);
    expect(created.outs["rules"]).toEqual([{ type: "in", action: "ACCEPT", enable: true, source: "10.0.0.0/8" }]);
    await p.delete(created.id, created.outs);
  });

  it("regress-10 stores IPSet entry 10.0.0.1/8 as 10.0.0.0/8, with a warning", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const checked = await p.check({}, { name: "hostbits", entries: ["10.0.0.1/8"] });
    expect(warnings()).toEqual([
      `cluster/ipset/hostbits: entries[0].cidr: "10.0.0.1/8" has host bits set; using its network "10.0.0.0/8" (Proxmox clears host bits in IPSet entries)`,
    ]);
    const created = await p.create(checked.inputs);
    expect(created.outs["entries"]).toEqual([{ cidr: "10.0.0.0/8", nomatch: false }]);
    await p.delete(created.id, created.outs);
  });

  it("adopts a live alias office 192.168.1.77/24 with zero writes", async () => {
    const p = await providerFor("Alias", emu.handle());
    const live = await fetch(`${emu.handle().endpoint}/api2/json/cluster/firewall/aliases`, {
      method: "POST",
      headers: { Authorization: emu.authorization(), "Content-Type": "application/json" },
      body: JSON.stringify({ name: "office", cidr: "192.168.1.77/24" }),
    });
    expect(live.status).toBe(200);
    emu.handle().calls.reset();
    const checked = await p.check({}, { name: "office", cidr: "192.168.1.77/24", adopt: true });
    expect(checked.failures).toBeUndefined();
    const adopted = await p.create(checked.inputs);
    expect(writes(emu.handle())).toBe(0);
    expect(adopted.outs).toMatchObject({ cidr: "192.168.1.0/24" });
    await p.delete(adopted.id, adopted.outs);
  });
});

describe("check applies one rule for names of every kind", () => {
  it("regress-10 accepts alias Office, keeping its case", async () => {
    const p = await providerFor("Alias", emu.handle());
    const r = await p.check({}, { name: "Office", cidr: "10.0.0.1" });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toMatchObject({ name: "Office", ref: "dc/Office" });
  });

  it("regress-10 fails on mixed-case IPSet and security-group names, saying why", async () => {
    expect(await failures("IpSet", { name: "MySet" })).toEqual([
      `name: "MySet" has upper-case letters; Proxmox lower-cases IPSet names when it reads its config, so "MySet" could not be found again: use "myset"`,
    ]);
    expect(await failures("SecurityGroup", { name: "WebServer" })).toEqual([
      `name: "WebServer" has upper-case letters; Proxmox lower-cases security group names when it reads its config, so "WebServer" could not be found again: use "webserver"`,
    ]);
  });
});
