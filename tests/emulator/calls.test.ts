import { useEmulator } from "../helpers/emulator";
import { form, formHeaders, rawCall } from "./http";

const emu = useEmulator();

beforeEach(async () => {
  emu.handle().calls.reset();
  await emu.handle().editFile("firewall/cluster.fw", "");
});

describe("call counters", () => {
  it("counts requests by method and path template", async () => {
    const auth = emu.authorization();
    await rawCall(emu.apiBase(), "POST", "/cluster/firewall/rules", {
      headers: formHeaders(auth),
      body: form({ type: "in", action: "DROP" }),
    });
    await rawCall(emu.apiBase(), "PUT", "/cluster/firewall/rules/0", {
      headers: formHeaders(auth),
      body: form({ comment: "x" }),
    });
    await rawCall(emu.apiBase(), "GET", "/nodes/pve1/qemu/101/firewall/ipset/a/10.0.0.0/8", {
      headers: { authorization: auth },
    });
    const calls = emu.handle().calls;
    expect(calls.get("PUT /cluster/firewall/rules/{pos}")).toBe(1);
    expect(calls.snapshot()).toEqual({
      "GET /nodes/{node}/qemu/{vmid}/firewall/ipset/{name}/{cidr}": 1,
      "POST /cluster/firewall/rules": 1,
      "PUT /cluster/firewall/rules/{pos}": 1,
    });
    expect(calls.total()).toBe(3);
  });

  it("exposes and resets the counters on the control endpoint", async () => {
    await rawCall(emu.apiBase(), "GET", "/cluster/firewall/rules", { headers: { authorization: emu.authorization() } });
    const control = { authorization: emu.authorization() };
    const r = await rawCall(emu.handle().endpoint, "GET", "/_emulator/calls", { headers: control });
    expect(r.body.data).toEqual({ counts: { "GET /cluster/firewall/rules": 1 }, total: 1 });
    await rawCall(emu.handle().endpoint, "DELETE", "/_emulator/calls", { headers: control });
    expect(emu.handle().calls.total()).toBe(0);
  });

  it("does not count out-of-band calls made through the control endpoint", async () => {
    const r = await rawCall(emu.handle().endpoint, "POST", "/_emulator/apply", {
      headers: { authorization: emu.authorization(), "content-type": "application/json" },
      body: JSON.stringify({
        method: "POST",
        path: "/cluster/firewall/aliases",
        params: { name: "gui", cidr: "10.0.0.1" },
      }),
    });
    expect(r.body).toEqual({ data: null });
    expect(emu.handle().calls.total()).toBe(0);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe("[ALIASES]\n\ngui 10.0.0.1\n\n");
  });
});
