import { resolveClientConfig } from "../../../provider/client/config";
import { FirewallApi } from "../../../provider/client/firewall";
import { PveHttpClient } from "../../../provider/client/http";
import { KeyedMutex, Semaphore } from "../../../provider/client/serialize";
import { CLUSTER, type Scope } from "../../../provider/model/scope";
import { type FakePve, type SeenRequest, startFakePve, tick } from "./fake-pve";

const VM: Scope = { kind: "vm", node: "pve1", vmid: 100, guestType: "qemu" };
const NODE: Scope = { kind: "node", node: "pve1" };

/** Polls (event-loop turns, no timers) until `cond` holds. */
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await tick();
  expect(cond()).toBe(true);
}

/** A server that holds every request until the test releases it. */
async function heldServer(): Promise<{ server: FakePve; release: () => void }> {
  const waiting: (() => void)[] = [];
  const server = await startFakePve(async (req: SeenRequest) => {
    await new Promise<void>((resolve) => waiting.push(resolve));
    return { data: req.method === "GET" ? [] : null };
  });
  return {
    server,
    release: () => {
      for (const f of waiting.splice(0)) f();
    },
  };
}

describe("Semaphore", () => {
  it("admits at most limit holders and serves waiters in order", async () => {
    const s = new Semaphore(2);
    const order: number[] = [];
    const r1 = await s.acquire();
    const r2 = await s.acquire();
    const w3 = s.acquire().then((r) => {
      order.push(3);
      return r;
    });
    const w4 = s.acquire().then((r) => {
      order.push(4);
      return r;
    });
    await tick();
    expect(order).toEqual([]);
    r1();
    r1();
    await tick();
    expect(order).toEqual([3]);
    r2();
    (await w3)();
    (await w4)();
    expect(order).toEqual([3, 4]);
  });

  it("fails on a limit below 1", () => {
    expect(() => new Semaphore(0)).toThrow("limit: expected an integer of at least 1");
  });
});

describe("KeyedMutex", () => {
  it("runs holders of one key in FIFO order and other keys at once", async () => {
    const m = new KeyedMutex();
    const events: string[] = [];
    const a1 = await m.acquire("a");
    const a2 = m.acquire("a").then((r) => {
      events.push("a2");
      return r;
    });
    const a3 = m.acquire("a").then((r) => {
      events.push("a3");
      return r;
    });
    const b1 = await m.acquire("b");
    events.push("b1");
    await tick();
    expect(events).toEqual(["b1"]);
    a1();
    (await a2)();
    (await a3)();
    b1();
    expect(events).toEqual(["b1", "a2", "a3"]);
    expect(m.busyKeys()).toEqual([]);
  });

  it("admits up to sharedLimit shared holders together, never with an exclusive one, in arrival order", async () => {
    const m = new KeyedMutex(2);
    const events: string[] = [];
    const take = (name: string, mode: "shared" | "exclusive") =>
      m.acquire("f", mode).then((release) => {
        events.push(name);
        return release;
      });
    const s1 = await take("s1", "shared");
    const s2 = await take("s2", "shared");
    const s3 = take("s3", "shared"); // over the limit: waits
    const x1 = take("x1", "exclusive"); // waits for every shared holder before it
    const s4 = take("s4", "shared"); // after an exclusive waiter: waits for it
    await tick();
    expect(events).toEqual(["s1", "s2"]);
    s1();
    await tick();
    expect(events).toEqual(["s1", "s2", "s3"]);
    s2();
    (await s3)();
    await tick();
    expect(events).toEqual(["s1", "s2", "s3", "x1"]);
    (await x1)();
    (await s4)();
    expect(events).toEqual(["s1", "s2", "s3", "x1", "s4"]);
    expect(m.busyKeys()).toEqual([]);
  });

  it("fails on a shared limit below 1", () => {
    expect(() => new KeyedMutex(0)).toThrow("sharedLimit: expected an integer of at least 1");
  });
});

describe("PveHttpClient write serialization", () => {
  let server: FakePve;
  let release: () => void;
  let api: FirewallApi;
  beforeEach(async () => {
    ({ server, release } = await heldServer());
    api = new FirewallApi(
      new PveHttpClient(
        resolveClientConfig({ endpoint: server.url, apiToken: "root@pam!ci=aa11bb22-cc33", maxConcurrency: 8 }, {}),
      ),
    );
  });
  afterEach(async () => {
    release();
    await api.http.close();
    await server.close();
  });

  it("serializes writes to one config file in FIFO order and runs other files and reads concurrently", async () => {
    const done = Promise.all([
      api.createRule(CLUSTER, { type: "in", action: "ACCEPT", comment: "first" }),
      api.createAlias(CLUSTER, { name: "second", cidr: "10.0.0.2" }),
      api.createRule({ kind: "group", group: "web" }, { type: "in", action: "DROP", comment: "third" }),
      api.createRule(VM, { type: "in", action: "ACCEPT" }),
      api.setOptions(NODE, { enable: 1 }),
      api.listRules(CLUSTER),
    ]);
    await waitFor(() => server.seen.length === 4);
    await tick();
    expect(server.seen.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      "GET /cluster/firewall/rules",
      "POST /cluster/firewall/rules",
      "POST /nodes/pve1/qemu/100/firewall/rules",
      "PUT /nodes/pve1/firewall/options",
    ]);
    expect(server.maxInFlight()).toBe(4);
    release();
    await waitFor(() => server.seen.length === 5);
    expect(server.seen[4]).toMatchObject({ method: "POST", path: "/cluster/firewall/aliases", inFlight: 1 });
    release();
    await waitFor(() => server.seen.length === 6);
    expect(server.seen[5]).toMatchObject({ path: "/cluster/firewall/groups/web", inFlight: 1 });
    release();
    await done;
  });

  it("pipelines IPSet entry adds and digest-less removes of one file up to ipsetWriteConcurrency", async () => {
    const client = new PveHttpClient(
      resolveClientConfig(
        { endpoint: server.url, apiToken: "root@pam!ci=aa11bb22-cc33", maxConcurrency: 8, ipsetWriteConcurrency: 3 },
        {},
      ),
    );
    const pipelined = new FirewallApi(client);
    const entry = (n: number) => ({ cidr: `10.0.0.${n}` });
    const done = Promise.all([
      pipelined.addIpSetEntry(CLUSTER, "s", entry(1)),
      pipelined.deleteIpSetEntry(CLUSTER, "s", "10.0.0.9"),
      pipelined.addIpSetEntry(CLUSTER, "s", entry(2)),
      pipelined.addIpSetEntry(CLUSTER, "s", entry(3)), // over the limit: waits for a slot
      pipelined.updateIpSetEntry(CLUSTER, "s", "10.0.0.1", { comment: "x" }, "d".repeat(40)), // digest: waits for all
      pipelined.addIpSetEntry(CLUSTER, "s", entry(4)), // after a digest-carrying write: waits for it
      pipelined.deleteIpSetEntry(CLUSTER, "s", "10.0.0.8", "e".repeat(40)),
    ]);
    await waitFor(() => server.seen.length === 3);
    for (let i = 0; i < 20; i++) await tick();
    expect(server.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /cluster/firewall/ipset/s",
      "DELETE /cluster/firewall/ipset/s/10.0.0.9",
      "POST /cluster/firewall/ipset/s",
    ]);
    const served = async (n: number) => {
      release();
      await waitFor(() => server.seen.length >= n);
      for (let i = 0; i < 20; i++) await tick();
    };
    await served(4);
    await served(5);
    expect(server.seen.slice(3).map((r) => `${r.method} ${r.path} ${r.inFlight}`)).toEqual([
      "POST /cluster/firewall/ipset/s 1",
      "PUT /cluster/firewall/ipset/s/10.0.0.1 1",
    ]);
    await served(6);
    await served(7);
    expect(server.seen.slice(5).map((r) => `${r.method} ${r.path} ${r.inFlight}`)).toEqual([
      "POST /cluster/firewall/ipset/s 1",
      "DELETE /cluster/firewall/ipset/s/10.0.0.8 1",
    ]);
    release();
    await done;
    expect(server.maxInFlight()).toBe(3);
    await client.close();
  });

  it("keeps at most maxConcurrency calls in flight", async () => {
    const limited = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, apiToken: "root@pam!ci=aa11bb22-cc33", maxConcurrency: 2 }, {}),
    );
    const done = Promise.all([1, 2, 3, 4, 5].map((n) => limited.request("GET", `/nodes/n${n}/qemu`)));
    await waitFor(() => server.seen.length === 2);
    for (let i = 0; i < 20; i++) await tick();
    expect(server.seen).toHaveLength(2);
    while (server.seen.length < 5) {
      release();
      await tick();
    }
    release();
    await done;
    await limited.close();
    expect(server.maxInFlight()).toBe(2);
  });
});
