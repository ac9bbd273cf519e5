import { expectFile, type Reply, useTarget } from "./target";

const target = useTarget();
const GROUPS = "/cluster/firewall/groups";

function paramErr(errors: Record<string, string>): Reply {
  return { status: 400, data: null, message: "Parameter verification failed.\n", errors };
}

function plain(message: string): Reply {
  return { status: 500, data: null, message };
}

describe("POST /cluster/firewall/groups", () => {
  it("writes the name as typed and lists it lower-cased", async () => {
    const t = target();
    expect((await t.call("POST", GROUPS, { group: "WebServer", comment: "web tier" })).status).toBe(200);
    await expectFile(t, "firewall/cluster.fw", "[group WebServer] # web tier\n\n\n");
    expect((await t.call("GET", GROUPS)).data).toEqual([
      { comment: "web tier", digest: expect.stringMatching(/^[0-9a-f]{40}$/), group: "webserver" },
    ]);
    expect(await t.call("POST", `${GROUPS}/WebServer`, { type: "in", action: "ACCEPT" })).toEqual(
      plain("no such security group 'WebServer'\n"),
    );
  });

  it("accepts a case-variant duplicate and fails on an exact one", async () => {
    await target().call("POST", GROUPS, { group: "webserver" });
    expect((await target().call("POST", GROUPS, { group: "WebServer" })).status).toBe(200);
    expect(await target().call("POST", GROUPS, { group: "webserver" })).toEqual(
      paramErr({ group: "Security group 'webserver' already exists" }),
    );
  });

  it("fails on names over 18 characters", async () => {
    expect(await target().call("POST", GROUPS, { group: "a".repeat(19) })).toEqual(
      paramErr({ group: "value may only be 18 characters long" }),
    );
  });
});

describe("POST /cluster/firewall/groups/{group}", () => {
  beforeEach(async () => {
    await target().call("POST", GROUPS, { group: "web" });
  });

  it("inserts disabled rules at the top and allows forward", async () => {
    await target().call("POST", `${GROUPS}/web`, { type: "in", action: "ACCEPT", comment: "a" });
    await target().call("POST", `${GROUPS}/web`, { type: "forward", action: "DROP", comment: "b" });
    await expectFile(target(), "firewall/cluster.fw", "[group web]\n\n|FORWARD DROP # b\n|IN ACCEPT # a\n\n");
  });

  it("fails on group rules and on iface", async () => {
    expect(await target().call("POST", `${GROUPS}/web`, { type: "group", action: "other" })).toEqual(
      paramErr({ type: "invalid rule type 'group' for rule_env 'group'" }),
    );
    expect(await target().call("POST", `${GROUPS}/web`, { type: "in", action: "ACCEPT", iface: "eth0" })).toEqual(
      paramErr({ type: "parameter -i not allowed for this rule type" }),
    );
  });
});

describe("POST /cluster/firewall/groups rename", () => {
  it("rewrites references in cluster, host and vmlist guest files but not vnet or unknown guests", async () => {
    const t = target();
    await t.call("POST", GROUPS, { group: "web", comment: "c" });
    await t.call("POST", `${GROUPS}/web`, { type: "in", action: "ACCEPT" });
    await t.call("POST", "/cluster/firewall/rules", { type: "group", action: "web" });
    await t.call("POST", `/nodes/${t.node}/firewall/rules`, { type: "group", action: "web" });
    await t.call("POST", `/nodes/${t.node}/qemu/${t.vmid}/firewall/rules`, { type: "group", action: "web" });
    await t.call("POST", `/cluster/sdn/vnets/${t.vnet}/firewall/rules`, { type: "group", action: "web" });
    expect((await t.call("POST", GROUPS, { group: "Frontend", rename: "web" })).status).toBe(200);
    const action = async (path: string) => ((await t.call("GET", path)).data as { action: string }[])[0]?.action;
    expect(await action("/cluster/firewall/rules")).toBe("Frontend");
    expect(await action(`/nodes/${t.node}/firewall/rules`)).toBe("Frontend");
    expect(await action(`/nodes/${t.node}/qemu/${t.vmid}/firewall/rules`)).toBe("Frontend");
    expect(await action(`/cluster/sdn/vnets/${t.vnet}/firewall/rules`)).toBe("web");
    await expectFile(t, "firewall/cluster.fw", "[RULES]\n\n|GROUP Frontend\n\n[group Frontend] # c\n\n|IN ACCEPT\n\n");
  });

  it("leaves guests outside the vmlist untouched", async () => {
    const t = target();
    const outside = `/nodes/${t.node}/qemu/999999/firewall/rules`;
    await t.call("POST", GROUPS, { group: "web" });
    await t.call("POST", outside, { type: "group", action: "web" });
    await t.call("POST", GROUPS, { group: "front", rename: "web" });
    expect(((await t.call("GET", outside)).data as { action: string }[])[0]?.action).toBe("web");
    await expectFile(t, "firewall/999999.fw", "[RULES]\n\n|GROUP web\n\n");
    await t.call("DELETE", `${outside}/0`);
  });

  it("fails on a missing old name, a taken new name and a stale digest", async () => {
    await target().call("POST", GROUPS, { group: "web" });
    await target().call("POST", GROUPS, { group: "other" });
    expect(await target().call("POST", GROUPS, { group: "x1", rename: "Web2" })).toEqual(
      paramErr({ group: "Security group 'Web2' does not exist" }),
    );
    expect(await target().call("POST", GROUPS, { group: "other", rename: "web" })).toEqual(
      paramErr({ group: "Security group 'other' does already exist" }),
    );
    expect(await target().call("POST", GROUPS, { group: "x1", rename: "web", digest: "1".repeat(40) })).toEqual(
      plain("detected modified configuration - file changed by other user? Try again.\n"),
    );
  });
});

describe("DELETE /cluster/firewall/groups/{group}", () => {
  it("fails on a non-empty group and a missing one", async () => {
    await target().call("POST", GROUPS, { group: "frontend" });
    await target().call("POST", `${GROUPS}/frontend`, { type: "in", action: "ACCEPT" });
    expect(await target().call("DELETE", `${GROUPS}/frontend`)).toEqual(
      plain("Security group 'frontend' is not empty\n"),
    );
    expect(await target().call("DELETE", `${GROUPS}/nope`)).toEqual(plain("no such security group 'nope'\n"));
  });

  it("deletes an empty group that rules still reference", async () => {
    await target().call("POST", GROUPS, { group: "frontend" });
    await target().call("POST", "/cluster/firewall/rules", { type: "group", action: "frontend" });
    expect((await target().call("DELETE", `${GROUPS}/frontend`)).status).toBe(200);
    const rules = (await target().call("GET", "/cluster/firewall/rules")).data as Record<string, unknown>[];
    expect(rules[0]).not.toHaveProperty("errors");
  });
});
