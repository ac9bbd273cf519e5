import { expectFile, type Reply, type SendParams, useTarget } from "./target";

const target = useTarget();
const IPSET = "/cluster/firewall/ipset";

function paramErr(errors: Record<string, string>): Reply {
  return { status: 400, data: null, message: "Parameter verification failed.\n", errors };
}

function plain(status: number, message: string): Reply {
  return { status, data: null, message };
}

async function cidrs(name: string): Promise<string[]> {
  return ((await target().call("GET", `${IPSET}/${name}`)).data as { cidr: string }[]).map((e) => e.cidr);
}

describe("POST /cluster/firewall/ipset", () => {
  it("writes the name as typed and reads it back lower-cased", async () => {
    const t = target();
    expect(await t.call("POST", IPSET, { name: "Management", comment: "mgmt hosts" })).toEqual({
      status: 200,
      data: null,
    });
    await expectFile(t, "firewall/cluster.fw", "[IPSET Management] # mgmt hosts\n\n\n");
    const list = (await t.call("GET", IPSET)).data as Record<string, unknown>[];
    expect(list).toEqual([
      { comment: "mgmt hosts", digest: expect.stringMatching(/^[0-9a-f]{40}$/), name: "management" },
    ]);
    expect(await t.call("POST", `${IPSET}/Management`, { cidr: "10.0.0.1" })).toEqual(
      plain(500, "no such IPSet 'Management'\n"),
    );
    expect((await t.call("POST", `${IPSET}/management`, { cidr: "10.0.0.1" })).status).toBe(200);
    await expectFile(t, "firewall/cluster.fw", "[IPSET management] # mgmt hosts\n\n10.0.0.1\n\n");
  });

  it("accepts a case-variant duplicate and merges it on read", async () => {
    const t = target();
    await t.call("POST", IPSET, { name: "management" });
    expect((await t.call("POST", IPSET, { name: "MANAGEMENT" })).status).toBe(200);
    await expectFile(t, "firewall/cluster.fw", "[IPSET MANAGEMENT]\n\n\n[IPSET management]\n\n\n");
    expect(((await t.call("GET", IPSET)).data as unknown[]).length).toBe(1);
  });

  it("fails on an exact duplicate", async () => {
    await target().call("POST", IPSET, { name: "mgmt" });
    expect(await target().call("POST", IPSET, { name: "mgmt" })).toEqual(
      paramErr({ name: "IPSet 'mgmt' already exists" }),
    );
  });

  it("fails on names that break the pattern or the length limit", async () => {
    expect(await target().call("POST", IPSET, { name: "1abc" })).toEqual(
      paramErr({ name: "value does not match the regex pattern" }),
    );
    expect(await target().call("POST", IPSET, { name: `a${"b".repeat(64)}` })).toEqual(
      paramErr({ name: "value may only be 64 characters long" }),
    );
  });
});

describe("POST /cluster/firewall/ipset/{name}", () => {
  beforeEach(async () => {
    await target().call("POST", IPSET, { name: "management", comment: "mgmt hosts" });
  });

  it("normalises entries and keeps them sorted by text", async () => {
    const t = target();
    const adds: SendParams[] = [
      { cidr: "10.0.0.5/32" },
      { cidr: "10.0.0.0/8", nomatch: 1 },
      { cidr: "192.168.1.77/24" },
      { cidr: "2001:db8::1/128", comment: "v6 host" },
    ];
    for (const p of adds) {
      expect((await t.call("POST", `${IPSET}/management`, p)).status).toBe(200);
    }
    const entries = (await t.call("GET", `${IPSET}/management`)).data as Record<string, unknown>[];
    const digest = entries[0]?.digest;
    expect(entries).toEqual([
      { cidr: "10.0.0.0/8", nomatch: 1, digest },
      { cidr: "10.0.0.5", digest },
      { cidr: "192.168.1.0/24", digest },
      { cidr: "2001:db8::1", comment: "v6 host", digest },
    ]);
    await expectFile(
      t,
      "firewall/cluster.fw",
      "[IPSET management] # mgmt hosts\n\n!10.0.0.0/8\n10.0.0.5\n192.168.1.0/24\n2001:db8::1 # v6 host\n\n",
    );
  });

  it("compresses IPv6 prefixes and keeps bare IPv6 addresses as typed", async () => {
    await target().call("POST", `${IPSET}/management`, { cidr: "2001:DB8:0:0::1/64" });
    await target().call("POST", `${IPSET}/management`, { cidr: "2001:DB8::1" });
    expect(await cidrs("management")).toEqual(["2001:DB8::1", "2001:db8::/64"]);
  });

  it("sorts by text, not numerically", async () => {
    for (const c of ["10.0.0.2", "10.0.0.10"]) await target().call("POST", `${IPSET}/management`, { cidr: c });
    expect(await cidrs("management")).toEqual(["10.0.0.10", "10.0.0.2"]);
  });

  it("fails on duplicates after normalisation", async () => {
    await target().call("POST", `${IPSET}/management`, { cidr: "10.0.0.5" });
    await target().call("POST", `${IPSET}/management`, { cidr: "192.168.1.0/24" });
    expect(await target().call("POST", `${IPSET}/management`, { cidr: "10.0.0.5/32" })).toEqual(
      paramErr({ cidr: "address '10.0.0.5' already exists" }),
    );
    expect(await target().call("POST", `${IPSET}/management`, { cidr: "192.168.1.77/24" })).toEqual(
      paramErr({ cidr: "address '192.168.1.0/24' already exists" }),
    );
  });

  it("accepts an IPv6 case variant as a second entry", async () => {
    await target().call("POST", `${IPSET}/management`, { cidr: "2001:db8::1" });
    expect((await target().call("POST", `${IPSET}/management`, { cidr: "2001:DB8::1" })).status).toBe(200);
  });

  it("fails on a zero prefix", async () => {
    expect(await target().call("POST", `${IPSET}/management`, { cidr: "0.0.0.0/0" })).toEqual(
      paramErr({ cidr: "a zero prefix is not allowed in ipset entries" }),
    );
  });

  it("accepts alias names as entries and fails with 500 on an unknown alias", async () => {
    const t = target();
    await t.call("POST", "/cluster/firewall/aliases", { name: "srv", cidr: "10.1.1.1" });
    for (const c of ["srv", "SRV", "dc/srv"])
      expect((await t.call("POST", `${IPSET}/management`, { cidr: c })).status).toBe(200);
    expect(await cidrs("management")).toEqual(["SRV", "dc/srv", "srv"]);
    expect(await t.call("POST", `${IPSET}/management`, { cidr: "nosuchalias" })).toEqual(
      plain(500, "no such alias 'nosuchalias'\n"),
    );
    expect(await t.call("POST", `${IPSET}/management`, { cidr: "dc/nosuchalias" })).toEqual(
      plain(500, "no such alias 'nosuchalias'\n"),
    );
  });

  it("accepts JSON booleans and rejects 'true' in a form", async () => {
    const t = target();
    expect(
      (await t.call("POST", `${IPSET}/management`, { cidr: "10.0.0.50", nomatch: true }, { json: true })).status,
    ).toBe(200);
    expect(await t.call("POST", `${IPSET}/management`, { cidr: "10.0.0.51", nomatch: "true" })).toEqual(
      paramErr({ nomatch: "type check ('boolean') failed - got 'true'" }),
    );
    await expectFile(t, "firewall/cluster.fw", "[IPSET management] # mgmt hosts\n\n!10.0.0.50\n\n");
  });
});

describe("/cluster/firewall/ipset/{name}/{cidr}", () => {
  beforeEach(async () => {
    await target().call("POST", IPSET, { name: "management" });
    await target().call("POST", `${IPSET}/management`, { cidr: "10.0.0.5" });
    await target().call("POST", `${IPSET}/management`, { cidr: "10.0.0.0/8", nomatch: 1 });
  });

  it("finds entries only by their stored text, with a raw or encoded slash", async () => {
    const t = target();
    const r = await t.call("GET", `${IPSET}/management/10.0.0.5`);
    expect(r.data).toEqual({ cidr: "10.0.0.5", digest: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(await t.call("GET", `${IPSET}/management/10.0.0.5/32`)).toEqual(paramErr({ cidr: "no such IP/Network" }));
    expect((await t.call("GET", `${IPSET}/management/10.0.0.0/8`)).status).toBe(200);
    expect((await t.call("GET", `${IPSET}/management/10.0.0.0%2F8`)).status).toBe(200);
  });

  it("replaces nomatch and comment on PUT", async () => {
    expect((await target().call("PUT", `${IPSET}/management/10.0.0.0/8`, { comment: "updated" })).status).toBe(200);
    await expectFile(target(), "firewall/cluster.fw", "[IPSET management]\n\n10.0.0.0/8 # updated\n10.0.0.5\n\n");
  });

  it("fails on PUT of a missing entry", async () => {
    expect(await target().call("PUT", `${IPSET}/management/10.9.9.9`, { comment: "x" })).toEqual(
      paramErr({ cidr: "no such IP/Network" }),
    );
  });

  it("succeeds on DELETE of a missing entry", async () => {
    expect(await target().call("DELETE", `${IPSET}/management/10.9.9.9`)).toEqual({ status: 200, data: null });
  });

  it("fails on a stale digest", async () => {
    expect(await target().call("DELETE", `${IPSET}/management/10.0.0.5`, { digest: "abc" })).toEqual(
      plain(500, "detected modified configuration - file changed by other user? Try again.\n"),
    );
  });
});

describe("DELETE /cluster/firewall/ipset/{name}", () => {
  it("fails on a non-empty set without force and deletes it with force", async () => {
    const t = target();
    await t.call("POST", IPSET, { name: "management" });
    await t.call("POST", `${IPSET}/management`, { cidr: "10.0.0.5" });
    expect(await t.call("DELETE", `${IPSET}/management`)).toEqual(plain(500, "IPSet 'management' is not empty\n"));
    expect(await t.call("DELETE", `${IPSET}/management`, { force: "true" })).toEqual(
      paramErr({ force: "type check ('boolean') failed - got 'true'" }),
    );
    expect((await t.call("DELETE", `${IPSET}/management`, { force: 1 })).status).toBe(200);
    await expectFile(t, "firewall/cluster.fw", undefined);
  });

  it("fails with 500 on a missing set", async () => {
    expect(await target().call("DELETE", `${IPSET}/nope`)).toEqual(plain(500, "no such IPSet 'nope'\n"));
    expect(await target().call("DELETE", `${IPSET}/nope/10.0.0.1`)).toEqual(plain(500, "no such IPSet 'nope'\n"));
  });
});

describe("POST /cluster/firewall/ipset rename", () => {
  beforeEach(async () => {
    await target().call("POST", IPSET, { name: "management", comment: "c" });
    await target().call("POST", "/cluster/firewall/rules", { type: "in", action: "ACCEPT", source: "+management" });
  });

  it("renames without rewriting references", async () => {
    const t = target();
    expect((await t.call("POST", IPSET, { name: "Mgmt2", rename: "management" })).status).toBe(200);
    await expectFile(t, "firewall/cluster.fw", "[IPSET Mgmt2] # c\n\n\n[RULES]\n\n|IN ACCEPT -source +management\n\n");
    const rules = (await t.call("GET", "/cluster/firewall/rules")).data as Record<string, unknown>[];
    expect(rules[0]?.errors).toEqual({ source: "no such ipset 'management'" });
  });

  it("fails when the old name is not the stored lower-case name", async () => {
    expect(await target().call("POST", IPSET, { name: "x2", rename: "Management" })).toEqual(
      paramErr({ name: "IPSet 'Management' does not exist" }),
    );
  });

  it("fails when the new name is taken", async () => {
    await target().call("POST", IPSET, { name: "other" });
    expect(await target().call("POST", IPSET, { name: "other", rename: "management" })).toEqual(
      paramErr({ name: "IPSet 'other' does already exist" }),
    );
  });

  it("updates only the comment when name equals rename", async () => {
    await target().call("POST", IPSET, { name: "management", rename: "management", comment: "new" });
    expect((await target().call("GET", IPSET)).data).toEqual([
      { name: "management", comment: "new", digest: expect.any(String) },
    ]);
  });

  it("fails on a stale list digest on rename", async () => {
    expect(await target().call("POST", IPSET, { name: "m2", rename: "management", digest: "0".repeat(40) })).toEqual(
      plain(500, "detected modified configuration - file changed by other user? Try again.\n"),
    );
  });
});
