import { stat } from "node:fs/promises";
import { request } from "node:http";
import { startEmulator, tokenHeader } from "../../emulator/index";
import { useEmulator } from "../helpers/emulator";
import { until } from "../helpers/runner-process";
import { form, formHeaders, rawCall } from "./http";

const emu = useEmulator({ lockTimeoutMs: 200 });
const RULES = "/cluster/firewall/rules";

function post(comment: string) {
  return rawCall(emu.apiBase(), "POST", RULES, {
    headers: formHeaders(emu.authorization()),
    body: form({ type: "in", action: "DROP", comment }),
  });
}

async function ruleCount(): Promise<number> {
  const r = await rawCall(emu.apiBase(), "GET", RULES, { headers: { authorization: emu.authorization() } });
  return (r.body.data as unknown[]).length;
}

beforeEach(async () => {
  emu.handle().faults.clear();
  emu.handle().faults.reseed(7);
  await emu.handle().editFile("firewall/cluster.fw", "");
});

describe("fault injection", () => {
  it("fails the configured number of matching requests with a 500", async () => {
    emu.handle().faults.add({ kind: "error500", method: "POST", path: RULES, count: 2, message: "boom" });
    expect((await post("a")).body).toEqual({ data: null, message: "boom\n" });
    expect((await post("b")).status).toBe(500);
    expect((await post("c")).status).toBe(200);
    expect(await ruleCount()).toBe(1);
  });

  it("injects Proxmox's lock timeout for the path's lock", async () => {
    emu.handle().faults.add({ kind: "lockTimeout", count: 1 });
    const r = await rawCall(emu.apiBase(), "POST", "/nodes/pve1/qemu/100/firewall/rules", {
      headers: formHeaders(emu.authorization()),
      body: form({ type: "in", action: "DROP" }),
    });
    expect(r.status).toBe(500);
    expect(r.reason).toBe("cfs-lock 'firewall-vm-100' error: got lock request timeout");
  });

  it("drops the connection before the write is applied", async () => {
    emu.handle().faults.add({ kind: "dropBefore", method: "POST", count: 1 });
    await expect(post("lost")).rejects.toThrow();
    expect(await ruleCount()).toBe(0);
  });

  it("drops the connection after the write is applied", async () => {
    emu.handle().faults.add({ kind: "dropAfter", method: "POST", count: 1 });
    await expect(post("applied")).rejects.toThrow();
    expect(await ruleCount()).toBe(1);
  });

  it("selects the same requests for the same seed", async () => {
    const pattern = async (): Promise<number[]> => {
      emu.handle().faults.clear();
      emu.handle().faults.reseed(42);
      emu.handle().faults.add({ kind: "error500", method: "GET", path: RULES, probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push(
          (await rawCall(emu.apiBase(), "GET", RULES, { headers: { authorization: emu.authorization() } })).status,
        );
      }
      return statuses;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  it("is configured at run time through the control endpoint", async () => {
    const control = { "x-emulator-control": emu.handle().controlToken, "content-type": "application/json" };
    const add = await rawCall(emu.handle().endpoint, "POST", "/_emulator/faults", {
      headers: control,
      body: JSON.stringify([{ kind: "error500", method: "POST", count: 1 }]),
    });
    expect(add.status).toBe(200);
    expect((await post("x")).status).toBe(500);
    const list = await rawCall(emu.handle().endpoint, "GET", "/_emulator/faults", { headers: control });
    expect(list.body.data).toEqual([expect.objectContaining({ kind: "error500", hits: 1, remaining: 0 })]);
    const bad = await rawCall(emu.handle().endpoint, "POST", "/_emulator/faults", {
      headers: control,
      body: JSON.stringify({ kind: "explode" }),
    });
    expect(bad.status).toBe(400);
    expect((await rawCall(emu.handle().endpoint, "DELETE", "/_emulator/faults", { headers: control })).status).toBe(
      200,
    );
    expect((await post("y")).status).toBe(200);
  });

  it("fails control calls without credentials", async () => {
    expect((await rawCall(emu.handle().endpoint, "GET", "/_emulator/faults")).status).toBe(401);
  });

  it("holds a matching request until the fault is released; a released hold lets its count through", async () => {
    const { faults } = emu.handle();
    const first = faults.add({ kind: "hold", method: "POST", count: 1 });
    faults.release(first);
    const hold = faults.add({ kind: "hold", method: "POST" });
    expect((await post("a")).status).toBe(200);
    const held = post("b");
    await until("the second POST is held", () => faults.list().some((f) => f.id === hold && f.hits === 1));
    expect(await ruleCount()).toBe(1);
    faults.release(hold);
    expect((await held).status).toBe(200);
    expect(await ruleCount()).toBe(2);
    expect((await post("c")).status).toBe(200);
  });

  it("releases the requests held when the faults are cleared", async () => {
    const { faults } = emu.handle();
    const hold = faults.add({ kind: "hold", method: "POST" });
    const held = post("a");
    await until("the POST is held", () => faults.list().some((f) => f.id === hold && f.hits === 1));
    faults.clear();
    expect((await held).status).toBe(200);
  });

  it("applies a held write of a client gone meanwhile, and reports activity until it is handled", async () => {
    const { faults } = emu.handle();
    const hold = faults.add({ kind: "hold", method: "POST" });
    const body = form({ type: "in", action: "DROP", comment: "in flight" });
    const url = `${emu.apiBase()}${RULES}`;
    const headers = { ...formHeaders(emu.authorization()), "content-length": String(body.length) };
    const gone = request(url, { method: "POST", headers, agent: false });
    gone.on("error", () => {}); // destroyed below
    gone.end(body);
    await until("the POST is held", () => faults.list().some((f) => f.id === hold && f.hits === 1));
    gone.destroy(); // as a kill -9 of the client
    expect(emu.handle().activity().requests).toBe(1);
    faults.release(hold);
    await until("the emulator is idle", () => {
      const { requests, connections } = emu.handle().activity();
      return requests === 0 && connections === 0;
    });
    expect(await ruleCount()).toBe(1);
  });

  it("regress-13: stops only once a write of a client gone meanwhile is done, then removes its data", async () => {
    // found by the reliability suite: a killed run's last write recreated files while stop removed the directory
    const own = await startEmulator({ http: true, writeCostMs: 100 }); // the write goes on after its save
    const hold = own.faults.add({ kind: "hold", method: "POST" });
    const body = form({ type: "in", action: "DROP" });
    const headers = { ...formHeaders(tokenHeader(own.tokens[0]!)), "content-length": String(body.length) };
    const gone = request(`${own.endpoint}/api2/json${RULES}`, { method: "POST", headers, agent: false });
    gone.on("error", () => {}); // destroyed below
    gone.end(body);
    await until("the POST is held", () => own.faults.list().some((f) => f.id === hold && f.hits === 1));
    gone.destroy();
    await own.stop();
    expect(own.activity().requests).toBe(0);
    await expect(stat(own.dataDir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("fails a hold given through the control endpoint, which nothing could release", async () => {
    const control = { "x-emulator-control": emu.handle().controlToken, "content-type": "application/json" };
    const add = await rawCall(emu.handle().endpoint, "POST", "/_emulator/faults", {
      headers: control,
      body: JSON.stringify({ kind: "hold" }),
    });
    expect(add.status).toBe(400);
    expect(add.body.message).toBe("fault.kind: must be one of latency, error500, lockTimeout, dropBefore, dropAfter\n");
  });
});
