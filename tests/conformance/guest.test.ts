import { expectFile, type Reply, useTarget } from "./target";

const target = useTarget();

function paramErr(errors: Record<string, string>): Reply {
  return { status: 400, data: null, message: "Parameter verification failed.\n", errors };
}

describe("guest firewall paths", () => {
  it("shares one file between qemu and lxc paths of the same vmid", async () => {
    const t = target();
    const qemu = `/nodes/${t.node}/qemu/${t.vmid}/firewall`;
    const lxc = `/nodes/${t.node}/lxc/${t.vmid}/firewall`;
    await t.call("POST", `${qemu}/rules`, { type: "in", action: "ACCEPT", comment: "q" });
    expect(((await t.call("GET", `${lxc}/rules`)).data as { comment: string }[])[0]?.comment).toBe("q");
    await t.call("POST", `${qemu}/aliases`, { name: "a1", cidr: "10.0.0.1" });
    expect(await t.call("POST", `${lxc}/aliases`, { name: "a1", cidr: "10.0.0.1" })).toEqual(
      paramErr({ name: "alias 'a1' already exists" }),
    );
    await expectFile(t, `firewall/${t.vmid}.fw`, "[ALIASES]\n\na1 10.0.0.1\n\n[RULES]\n\n|IN ACCEPT # q\n\n");
  });

  it("does not check that the guest or node exists", async () => {
    const t = target();
    expect(
      (await t.call("POST", `/nodes/${t.node}/qemu/999999/firewall/rules`, { type: "in", action: "DROP" })).status,
    ).toBe(200);
    expect(((await t.call("GET", "/nodes/othernode/qemu/999999/firewall/rules")).data as unknown[]).length).toBe(1);
    await t.call("DELETE", `/nodes/${t.node}/qemu/999999/firewall/rules/0`);
  });

  it("fails on malformed vmids", async () => {
    const t = target();
    expect(await t.call("GET", `/nodes/${t.node}/qemu/99/firewall/rules`)).toEqual(
      paramErr({ vmid: "invalid format - value does not look like a valid VM ID\n" }),
    );
    expect(await t.call("GET", `/nodes/${t.node}/qemu/abc/firewall/rules`)).toEqual(
      paramErr({ vmid: "type check ('integer') failed - got 'abc'" }),
    );
  });

  it("fails on non-net interfaces and forward rules", async () => {
    const t = target();
    const rules = `/nodes/${t.node}/qemu/${t.vmid}/firewall/rules`;
    expect(await t.call("POST", rules, { type: "in", action: "ACCEPT", iface: "eth0" })).toEqual(
      paramErr({ iface: "value does not match the regex pattern 'net\\d+'" }),
    );
    expect(await t.call("POST", rules, { type: "forward", action: "ACCEPT" })).toEqual(
      paramErr({ type: "invalid rule type 'forward' for rule_env 'vm'" }),
    );
    expect((await t.call("POST", rules, { type: "in", action: "ACCEPT", iface: "net0" })).status).toBe(200);
  });

  it("fails on forward rules at container paths with rule_env ct", async () => {
    const t = target();
    expect(
      await t.call("POST", `/nodes/${t.node}/lxc/${t.vmid}/firewall/rules`, { type: "forward", action: "ACCEPT" }),
    ).toEqual(paramErr({ type: "invalid rule type 'forward' for rule_env 'ct'" }));
  });

  it("resolves cluster aliases but not another guest's aliases", async () => {
    const t = target();
    await t.call("POST", "/cluster/firewall/aliases", { name: "dcalias", cidr: "10.0.0.1" });
    await t.call("POST", `/nodes/${t.node}/qemu/999998/firewall/aliases`, { name: "vmalias", cidr: "10.0.0.2" });
    const rules = `/nodes/${t.node}/qemu/${t.vmid}/firewall/rules`;
    expect((await t.call("POST", rules, { type: "in", action: "ACCEPT", source: "dcalias" })).status).toBe(200);
    expect((await t.call("POST", rules, { type: "in", action: "ACCEPT", source: "guest/dcalias" })).status).toBe(200);
    expect(await t.call("POST", rules, { type: "in", action: "ACCEPT", source: "vmalias" })).toEqual(
      paramErr({ source: "no such alias 'vmalias'" }),
    );
    await t.call("DELETE", `/nodes/${t.node}/qemu/999998/firewall/aliases/vmalias`);
  });
});

describe("vnet firewall paths", () => {
  it("accepts forward and group rules only, without iface", async () => {
    const t = target();
    const rules = `/cluster/sdn/vnets/${t.vnet}/firewall/rules`;
    expect(await t.call("POST", rules, { type: "in", action: "ACCEPT" })).toEqual(
      paramErr({ type: "invalid rule type 'in' for rule_env 'vnet'" }),
    );
    expect(await t.call("POST", rules, { type: "forward", action: "ACCEPT", iface: "eth0" })).toEqual(
      paramErr({ type: "parameter -i not allowed for this rule type" }),
    );
    expect((await t.call("POST", rules, { type: "forward", action: "ACCEPT" })).status).toBe(200);
    await expectFile(t, `sdn/firewall/${t.vnet}.fw`, "[RULES]\n\n|FORWARD ACCEPT\n\n");
  });
});

describe("unknown vnets", () => {
  it("fails with invalid vnet specified", async () => {
    const r = await target().call("GET", "/cluster/sdn/vnets/nosuch1/firewall/rules");
    expect(r.status).toBe(500);
    expect(r.message).toMatch(/^invalid vnet specified at .*Helpers\.pm line \d+\.\n$/);
  });
});

describe("unknown paths", () => {
  it("fails with 501", async () => {
    const r = await target().call("GET", "/cluster/firewall/bogus");
    expect(r.status).toBe(501);
    expect(r.message).toBe("Method 'GET /cluster/firewall/bogus' not implemented\n");
  });
});
