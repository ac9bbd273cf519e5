import { expectFile, type Reply, useTarget } from "./target";

const target = useTarget();
const RULES = "/cluster/firewall/rules";

function paramErr(errors: Record<string, string>): Reply {
  return { status: 400, data: null, message: "Parameter verification failed.\n", errors };
}

async function create(params: Record<string, string | number>): Promise<Reply> {
  return target().call("POST", RULES, { type: "in", action: "ACCEPT", ...params });
}

async function rule0(): Promise<Record<string, unknown>> {
  return ((await target().call("GET", RULES)).data as Record<string, unknown>[])[0] ?? {};
}

describe("PUT /cluster/firewall/rules/{pos} field deletion", () => {
  beforeEach(async () => {
    await create({ source: "10.0.0.0/8", proto: "tcp", dport: "22", log: "info", comment: "ssh", enable: 1 });
  });

  it("removes the fields listed in delete", async () => {
    expect((await target().call("PUT", `${RULES}/0`, { delete: "comment,log" })).status).toBe(200);
    await expectFile(target(), "firewall/cluster.fw", "[RULES]\n\nIN ACCEPT -source 10.0.0.0/8 -p tcp -dport 22\n\n");
  });

  it("accepts semicolon lists and repeated delete keys", async () => {
    await target().call("PUT", `${RULES}/0`, { delete: "comment; log" });
    expect(await rule0()).not.toHaveProperty("log");
    await target().call("PUT", `${RULES}/0`, { delete: ["source", "dport"], proto: "" });
    expect(await rule0()).toEqual(expect.not.objectContaining({ source: expect.anything(), dport: expect.anything() }));
  });

  it("removes a field sent as an empty string or a dash", async () => {
    await target().call("PUT", `${RULES}/0`, { comment: "" });
    expect(await rule0()).not.toHaveProperty("comment");
    await target().call("PUT", `${RULES}/0`, { comment: "back" });
    await target().call("PUT", `${RULES}/0`, { comment: "-" });
    expect(await rule0()).not.toHaveProperty("comment");
    await target().call("PUT", `${RULES}/0`, { dport: "", proto: "" });
    expect(await rule0()).toEqual(expect.not.objectContaining({ proto: expect.anything() }));
  });

  it("fails when a dash is sent for an address", async () => {
    expect(await target().call("PUT", `${RULES}/0`, { source: "-" })).toEqual(
      paramErr({ source: "invalid format - invalid IP address: Invalid chars in IP -\n" }),
    );
  });

  it("fails when an empty string is sent for log", async () => {
    expect(await target().call("PUT", `${RULES}/0`, { log: "" })).toEqual(
      paramErr({
        log: "value '' does not have a value in the enumeration 'emerg, alert, crit, err, warning, notice, info, debug, nolog'",
      }),
    );
  });

  it("deletes a field that is also set in the same call", async () => {
    await target().call("PUT", `${RULES}/0`, { comment: "keep?", delete: "comment" });
    expect(await rule0()).not.toHaveProperty("comment");
  });

  it("enables a disabled rule on delete=enable", async () => {
    await target().call("PUT", `${RULES}/0`, { enable: 0 });
    expect((await rule0()).enable).toBe(0);
    await target().call("PUT", `${RULES}/0`, { delete: "enable" });
    expect((await rule0()).enable).toBe(1);
  });

  it("fails on unknown and required properties in delete", async () => {
    expect(await target().call("PUT", `${RULES}/0`, { delete: "bogus" })).toEqual(
      paramErr({ delete: "no such property ('bogus')" }),
    );
    expect(await target().call("PUT", `${RULES}/0`, { delete: "action" })).toEqual(
      paramErr({ delete: "unable to delete required property 'action'" }),
    );
    expect(await target().call("PUT", `${RULES}/0`, { delete: "type" })).toEqual(
      paramErr({ delete: "unable to delete required property 'type'" }),
    );
  });

  it("fails when the merged rule no longer validates", async () => {
    expect(await target().call("PUT", `${RULES}/0`, { delete: "proto" })).toEqual(
      paramErr({ proto: "missing property - 'dport' requires this property" }),
    );
  });

  it("fails when a path parameter is repeated with another value", async () => {
    expect(await target().call("PUT", `${RULES}/0`, { pos: 1, comment: "x" })).toEqual(
      paramErr({ pos: "duplicate parameter (already defined in URI) with conflicting values!" }),
    );
  });

  it("changes nothing on an empty PUT", async () => {
    const before = await rule0();
    expect(await target().call("PUT", `${RULES}/0`, {})).toEqual({ status: 200, data: null });
    expect(await rule0()).toEqual(before);
  });
});

describe("POST /cluster/firewall/rules validation", () => {
  const cases: [string, Record<string, string | number>, Record<string, string>][] = [
    ["an unknown alias", { source: "office" }, { source: "no such alias 'office'" }],
    ["ports on gre", { proto: "gre", dport: "22" }, { dport: "protocol 'gre' does not support ports" }],
    [
      "a macro with dport but no proto",
      { macro: "SSH", dport: "22" },
      { proto: "missing property - 'dport' requires this property" },
    ],
    [
      "a macro with a different dport",
      { macro: "SSH", proto: "tcp", dport: "23" },
      { dport: "parameter 'dport' already define in macro (value = '22')" },
    ],
    [
      "icmp-type with tcp",
      { proto: "tcp", "icmp-type": "echo-request" },
      { proto: "missing property - 'icmp-type' requires this property" },
    ],
    [
      "icmp-type without proto",
      { "icmp-type": "echo-request" },
      { proto: "missing property - 'icmp-type' requires this property" },
    ],
    [
      "an unknown icmp-type",
      { proto: "icmp", "icmp-type": "bogus" },
      { "icmp-type": "invalid format - invalid icmp-type value 'bogus'\n" },
    ],
    [
      "host bits in source",
      { source: "10.0.0.1/24" },
      { source: "invalid format - invalid IP address: Invalid prefix 00001010000000000000000000000001/24\n" },
    ],
    [
      "mixed families across fields",
      { source: "10.0.0.1", dest: "2001:db8::1" },
      { dest: "detected mixed ipv4/ipv6 addresses in rule" },
    ],
    [
      "icmp with an IPv6 dest",
      { proto: "icmp", dest: "2001:db8::1" },
      { dest: "detected mixed ipv4/ipv6 addresses in rule" },
    ],
    [
      "mixed families in a list",
      { source: "10.0.0.1,2001:db8::1" },
      { source: "invalid format - detected mixed ipv4/ipv6 addresses in address list '10.0.0.1,2001:db8::1'\n" },
    ],
    [
      "a range inside a list",
      { source: "10.0.0.1-10.0.0.5,10.0.1.1" },
      { source: "invalid format - you can't use a range in a list\n" },
    ],
    ["an unknown macro", { macro: "Foo" }, { macro: "unknown macro 'Foo'" }],
    ["a lower-case action", { action: "accept" }, { action: "unknown action 'accept'" }],
    [
      "an upper-case type",
      { type: "IN" },
      { type: "value 'IN' does not have a value in the enumeration 'in, out, forward, group'" },
    ],
    [
      "REJECT on forward",
      { type: "forward", action: "REJECT" },
      { action: "cannot define REJECT rules on forward chain" },
    ],
    ["a port above 65535", { proto: "tcp", dport: "70000" }, { dport: "invalid format - invalid port '70000'\n" }],
    [
      "a backwards port range",
      { proto: "tcp", dport: "90:80" },
      { dport: "invalid format - backwards range '90:80' not allowed, did you mean '80:90'?\n" },
    ],
    ["an unknown protocol", { proto: "bogusproto" }, { proto: "invalid format - unknown protocol 'bogusproto'\n" }],
    ["an unknown ipset", { source: "+unknownset" }, { source: "no such ipset 'unknownset'" }],
    ["sport on icmp", { proto: "icmp", sport: "22" }, { sport: "protocol 'icmp' does not support ports" }],
    [
      "an unknown parameter",
      { foo: "x" },
      { foo: "property is not defined in schema and the schema does not allow additional properties" },
    ],
    [
      "several handler errors (first only)",
      { action: "FOO", proto: "gre", dport: "22", macro: "Foo" },
      { action: "unknown action 'FOO'" },
    ],
    [
      "a host iface name with a dash",
      { iface: "anything-goes" },
      { iface: "invalid format - invalid network interface name 'anything-goes'\n" },
    ],
  ];
  it.each(cases)("fails on %s", async (_name, params, errors) => {
    expect(await create(params)).toEqual(paramErr(errors));
  });

  it("fails with a plain 500 when an alias lookup mixes address families", async () => {
    await target().call("POST", "/cluster/firewall/aliases", { name: "v6host", cidr: "2001:db8::1" });
    expect(await create({ source: "10.0.0.1", dest: "v6host" })).toEqual({
      status: 500,
      data: null,
      message: "detected mixed ipv4/ipv6 addresses in rule\n",
    });
  });

  it("derives ipversion 6 from an IPv6 alias", async () => {
    await target().call("POST", "/cluster/firewall/aliases", { name: "v6host", cidr: "2001:db8::1" });
    await create({ dest: "v6host" });
    expect((await rule0()).ipversion).toBe(6);
  });

  it("fails when type and action are missing", async () => {
    expect(await target().call("POST", RULES, {})).toEqual(
      paramErr({
        type: "property is missing and it is not optional",
        action: "property is missing and it is not optional",
      }),
    );
  });

  it("accepts a macro with only proto and writes its canonical name", async () => {
    expect((await create({ macro: "ssh", proto: "tcp" })).status).toBe(200);
    expect((await rule0()).macro).toBe("SSH");
    await expectFile(target(), "firewall/cluster.fw", "[RULES]\n\n|IN SSH(ACCEPT) -p tcp\n\n");
  });

  it("accepts the macro's own dport", async () => {
    expect((await create({ macro: "SSH", proto: "tcp", dport: "22" })).status).toBe(200);
  });

  it("accepts a group rule for a group that does not exist", async () => {
    expect((await target().call("POST", RULES, { type: "group", action: "nonexistentgroup" })).status).toBe(200);
    await expectFile(target(), "firewall/cluster.fw", "[RULES]\n\n|GROUP nonexistentgroup\n\n");
  });

  it("accepts any valid interface name at cluster scope", async () => {
    expect((await create({ iface: "net0" })).status).toBe(200);
    expect((await create({ iface: "eth0" })).status).toBe(200);
  });

  it("accepts icmp type names in dport and service names and lists", async () => {
    expect((await create({ proto: "icmp", dport: "8" })).status).toBe(200);
    expect((await create({ proto: "tcp", dport: "ssh" })).status).toBe(200);
    expect((await create({ proto: "tcp", dport: "80:85,443" })).status).toBe(200);
  });

  it("keeps only action, iface, enable and comment on group rules", async () => {
    await target().call("POST", RULES, {
      type: "group",
      action: "web",
      iface: "eth0",
      source: "10.0.0.1",
      proto: "tcp",
      comment: "c",
    });
    await expectFile(target(), "firewall/cluster.fw", "[RULES]\n\n|GROUP web -i eth0 # c\n\n");
  });
});

describe("rule booleans and integers", () => {
  it("fails on a non-integer enable in a form", async () => {
    expect(await create({ enable: "true" })).toEqual(
      paramErr({ enable: "type check ('integer') failed - got 'true'" }),
    );
    expect(await create({ enable: " 1" })).toEqual(paramErr({ enable: "type check ('integer') failed - got ' 1'" }));
  });

  it("fails on a JSON boolean or fraction for the integer enable", async () => {
    const t = target();
    expect(await t.call("POST", RULES, { type: "in", action: "ACCEPT", enable: true }, { json: true })).toEqual(
      paramErr({ enable: "type check ('integer') failed - got JSON::PP::Boolean" }),
    );
    expect(await t.call("POST", RULES, { type: "in", action: "ACCEPT", enable: 1.5 }, { json: true })).toEqual(
      paramErr({ enable: "type check ('integer') failed - got '1.5'" }),
    );
  });
});
