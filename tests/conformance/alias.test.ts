import { expectFile, type Reply, useTarget } from "./target";

const target = useTarget();
const ALIASES = "/cluster/firewall/aliases";

function paramErr(errors: Record<string, string>): Reply {
  return { status: 400, data: null, message: "Parameter verification failed.\n", errors };
}

describe("POST /cluster/firewall/aliases", () => {
  it("keeps host bits and the display case", async () => {
    const t = target();
    expect(
      (await t.call("POST", ALIASES, { name: "Office", cidr: "192.168.1.77/24", comment: "office net" })).status,
    ).toBe(200);
    await expectFile(t, "firewall/cluster.fw", "[ALIASES]\n\nOffice 192.168.1.77/24 # office net\n\n");
    const list = (await t.call("GET", ALIASES)).data as Record<string, unknown>[];
    expect(list).toEqual([
      {
        cidr: "192.168.1.77/24",
        comment: "office net",
        digest: expect.stringMatching(/^[0-9a-f]{40}$/),
        ipversion: 4,
        name: "Office",
      },
    ]);
  });

  it("finds aliases case-insensitively and returns no digest for one alias", async () => {
    await target().call("POST", ALIASES, { name: "Office", cidr: "192.168.1.77/24" });
    for (const n of ["Office", "office", "OFFICE"]) {
      expect((await target().call("GET", `${ALIASES}/${n}`)).data).toEqual({
        cidr: "192.168.1.77/24",
        ipversion: 4,
        name: "Office",
      });
    }
  });

  it("strips /32 when the file is read back", async () => {
    await target().call("POST", ALIASES, { name: "host1", cidr: "10.0.0.1/32" });
    expect(((await target().call("GET", `${ALIASES}/host1`)).data as { cidr: string }).cidr).toBe("10.0.0.1");
  });

  it("fails on case-insensitive duplicates", async () => {
    await target().call("POST", ALIASES, { name: "Office", cidr: "10.0.0.0/8" });
    expect(await target().call("POST", ALIASES, { name: "office", cidr: "10.0.0.0/8" })).toEqual(
      paramErr({ name: "alias 'office' already exists" }),
    );
  });

  it("fails on a cidr that is not a plain address or network", async () => {
    for (const cidr of ["10.0.0.1-10.0.0.5", "+set", "10.0.0.300"]) {
      expect(await target().call("POST", ALIASES, { name: "bad", cidr })).toEqual(
        paramErr({ cidr: "invalid format - value does not look like a valid IP address or CIDR network\n" }),
      );
    }
  });
});

describe("PUT /cluster/firewall/aliases/{name}", () => {
  beforeEach(async () => {
    await target().call("POST", ALIASES, { name: "Office", cidr: "192.168.1.0/24", comment: "office net" });
  });

  it("fails without cidr", async () => {
    expect(await target().call("PUT", `${ALIASES}/office`, { comment: "x" })).toEqual(
      paramErr({ cidr: "property is missing and it is not optional" }),
    );
  });

  it("rewrites the display case and drops an omitted comment", async () => {
    expect((await target().call("PUT", `${ALIASES}/office`, { cidr: "192.168.1.0/24" })).status).toBe(200);
    await expectFile(target(), "firewall/cluster.fw", "[ALIASES]\n\noffice 192.168.1.0/24\n\n");
  });

  it("renames without rewriting rule references", async () => {
    const t = target();
    await t.call("POST", "/cluster/firewall/rules", { type: "in", action: "ACCEPT", source: "OFFICE" });
    expect(
      (await t.call("PUT", `${ALIASES}/office`, { rename: "HQ", cidr: "192.168.1.0/24", comment: "renamed" })).status,
    ).toBe(200);
    await expectFile(
      t,
      "firewall/cluster.fw",
      "[ALIASES]\n\nHQ 192.168.1.0/24 # renamed\n\n[RULES]\n\n|IN ACCEPT -source OFFICE\n\n",
    );
    const rules = (await t.call("GET", "/cluster/firewall/rules")).data as Record<string, unknown>[];
    expect(rules[0]?.errors).toEqual({ source: "no such alias 'OFFICE'" });
  });

  it("fails when renaming onto an existing alias", async () => {
    await target().call("POST", ALIASES, { name: "host1", cidr: "10.0.0.1" });
    expect(await target().call("PUT", `${ALIASES}/office`, { rename: "host1", cidr: "10.0.0.0/8" })).toEqual(
      paramErr({ name: "alias 'host1' already exists" }),
    );
  });

  it("fails on a missing alias for GET and PUT", async () => {
    expect(await target().call("GET", `${ALIASES}/nope`)).toEqual(paramErr({ name: "no such alias" }));
    expect(await target().call("PUT", `${ALIASES}/nope`, { cidr: "10.0.0.1" })).toEqual(
      paramErr({ name: "no such alias" }),
    );
  });
});

describe("DELETE /cluster/firewall/aliases/{name}", () => {
  it("succeeds for a missing alias", async () => {
    expect(await target().call("DELETE", `${ALIASES}/nope`)).toEqual({ status: 200, data: null });
  });

  it("deletes an alias that rules still reference", async () => {
    const t = target();
    await t.call("POST", ALIASES, { name: "srv", cidr: "10.0.0.1" });
    await t.call("POST", "/cluster/firewall/rules", { type: "in", action: "ACCEPT", dest: "srv" });
    expect((await t.call("DELETE", `${ALIASES}/srv`)).status).toBe(200);
    const rules = (await t.call("GET", "/cluster/firewall/rules")).data as Record<string, unknown>[];
    expect(rules[0]?.errors).toEqual({ dest: "no such alias 'srv'" });
  });
});
