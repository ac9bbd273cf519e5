import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorHandle, startEmulator, tokenHeader } from "../../emulator/index";
import { FileStore } from "../../emulator/store";
import { form, formHeaders, rawCall } from "./http";

const CLUSTER_REF = { kind: "cluster" } as const;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "emu-store-test-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function withEmulator<T>(fn: (e: EmulatorHandle, api: string, auth: string) => Promise<T>): Promise<T> {
  const e = await startEmulator({ http: true, dataDir });
  try {
    const token = e.tokens[0];
    if (!token) throw new Error("no token");
    return await fn(e, `${e.endpoint}/api2/json`, tokenHeader(token));
  } finally {
    await e.stop();
  }
}

const REAL_CLUSTER_FW = `# written by an admin
[OPTIONS]

enable: 1
policy_in: DROP

[aliases]

Office 192.168.1.0/24 # office net

[IPSET Management] # mgmt hosts

10.0.0.5
!10.0.0.0/8

[RULES]

IN ACCEPT -source +management -p tcp -dport 8006 # gui
|IN SSH(ACCEPT) -source office

[group WebServer] # web tier

IN HTTPS(ACCEPT)
`;

describe("data directory", () => {
  it("keeps everything across a restart with the same directory", async () => {
    await withEmulator(async (_e, api, auth) => {
      await rawCall(api, "POST", "/cluster/firewall/rules", {
        headers: formHeaders(auth),
        body: form({ type: "in", action: "DROP", enable: 1 }),
      });
    });
    await withEmulator(async (_e, api, auth) => {
      const r = await rawCall(api, "GET", "/cluster/firewall/rules", { headers: { authorization: auth } });
      expect((r.body.data as { action: string }[]).map((x) => x.action)).toEqual(["DROP"]);
      await rawCall(api, "DELETE", "/cluster/firewall/rules/0", { headers: { authorization: auth } });
    });
  });

  it("loads real .fw files as they are and rewrites them on the next write", async () => {
    await mkdir(join(dataDir, "firewall"), { recursive: true });
    await writeFile(join(dataDir, "firewall/cluster.fw"), REAL_CLUSTER_FW);
    await withEmulator(async (e, api, auth) => {
      const get = async (path: string) =>
        (await rawCall(api, "GET", path, { headers: { authorization: auth } })).body.data;
      expect(await get("/cluster/firewall/ipset")).toEqual([
        { name: "management", comment: "mgmt hosts", digest: expect.any(String) },
      ]);
      expect(await get("/cluster/firewall/groups")).toEqual([
        { group: "webserver", comment: "web tier", digest: expect.any(String) },
      ]);
      const rules = (await get("/cluster/firewall/rules")) as Record<string, unknown>[];
      expect(rules.map((r) => [r.enable, r.macro ?? r.dport, r.errors])).toEqual([
        [1, "8006", undefined],
        [0, "SSH", undefined],
      ]);
      expect(await get("/cluster/firewall/options")).toEqual({
        enable: 1,
        policy_in: "DROP",
        digest: expect.any(String),
      });
      await rawCall(api, "PUT", "/cluster/firewall/options", {
        headers: formHeaders(auth),
        body: form({ policy_out: "ACCEPT" }),
      });
      const text = (await e.readFile("firewall/cluster.fw")) ?? "";
      expect(text).not.toContain("# written by an admin");
      expect(text).toContain("[IPSET management] # mgmt hosts");
      expect(text).toContain("[group webserver] # web tier");
    });
    await rm(join(dataDir, "firewall"), { recursive: true, force: true });
  });

  it("sees out-of-band edits and leaves no temp files behind", async () => {
    await withEmulator(async (e, api, auth) => {
      await rawCall(api, "POST", "/nodes/pve1/qemu/100/firewall/aliases", {
        headers: formHeaders(auth),
        body: form({ name: "a1", cidr: "10.0.0.1" }),
      });
      await e.editFile("firewall/100.fw", "[ALIASES]\n\nb2 10.0.0.2 # edited in the gui\n");
      const r = await rawCall(api, "GET", "/nodes/pve1/qemu/100/firewall/aliases", {
        headers: { authorization: auth },
      });
      expect((r.body.data as { name: string }[]).map((a) => a.name)).toEqual(["b2"]);
      expect(await readdir(join(dataDir, "firewall"))).toEqual(["100.fw"]);
      await e.editFile("firewall/100.fw", "");
      expect(await e.readFile("firewall/100.fw")).toBeUndefined();
    });
  });

  it("leaves the file unchanged when a write fails", async () => {
    await withEmulator(async (e, api, auth) => {
      await rawCall(api, "POST", "/cluster/firewall/aliases", {
        headers: formHeaders(auth),
        body: form({ name: "a1", cidr: "10.0.0.1" }),
      });
      const before = await e.readFile("firewall/cluster.fw");
      const r = await rawCall(api, "POST", "/cluster/firewall/aliases", {
        headers: formHeaders(auth),
        body: form({ name: "A1", cidr: "10.0.0.2" }),
      });
      expect(r.status).toBe(400);
      expect(await e.readFile("firewall/cluster.fw")).toBe(before);
      await e.editFile("firewall/cluster.fw", "");
    });
  });

  it("serves a 10,000-entry IPSet and adds to it", async () => {
    const lines = Array.from({ length: 10000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`).sort();
    await withEmulator(async (e, api, auth) => {
      await e.editFile("firewall/cluster.fw", `[IPSET big]\n\n${lines.join("\n")}\n`);
      const r = await rawCall(api, "GET", "/cluster/firewall/ipset/big", { headers: { authorization: auth } });
      expect((r.body.data as unknown[]).length).toBe(10000);
      const add = await rawCall(api, "POST", "/cluster/firewall/ipset/big", {
        headers: formHeaders(auth),
        body: form({ cidr: "192.0.2.1" }),
      });
      expect(add.status).toBe(200);
      const again = await rawCall(api, "GET", "/cluster/firewall/ipset/big", { headers: { authorization: auth } });
      expect((again.body.data as unknown[]).length).toBe(10001);
      await e.editFile("firewall/cluster.fw", "");
    });
  });
});

describe("the parse cache", () => {
  it("regress-13: never keeps a text a write replaced while it was read, even of the same size and mtime tick", async () => {
    // Found by the reliability suite: a GET racing a rule PUT cached the old group rules, and the next
    // write to cluster.fw (an IPSet entry add) saved them back, losing the PUT the provider was told landed.
    const store = new FileStore({ dataDir: await mkdtemp(join(tmpdir(), "emu-cache-test-")) });
    try {
      const text = (i: number) => `[ALIASES]\n\noffice 192.0.2.${10 + (i % 80)} # c${i % 10}\n`;
      const seen: string[] = [];
      for (let i = 0; i < 300; i++) {
        await store.writeText("firewall/cluster.fw", text(i));
        await Promise.all([store.load(CLUSTER_REF), store.writeText("firewall/cluster.fw", text(i + 1))]);
        const now = (await store.load(CLUSTER_REF)).config.aliases[0]?.cidr;
        if (now !== `192.0.2.${10 + ((i + 1) % 80)}`) seen.push(`write ${i + 1}: ${now}`);
      }
      expect(seen).toEqual([]);
    } finally {
      await rm(store.dataDir, { recursive: true, force: true });
    }
  });
});

describe("hand-written options", () => {
  it("reads policies case-insensitively and drops lines Proxmox cannot parse", async () => {
    await withEmulator(async (e, api, auth) => {
      await e.editFile("firewall/cluster.fw", "[OPTIONS]\n\npolicy_in: drop\nebtables: yes\nenable: 01\n");
      const r = await rawCall(api, "GET", "/cluster/firewall/options", { headers: { authorization: auth } });
      expect(r.body.data).toEqual({ policy_in: "DROP", enable: 1, digest: expect.any(String) });
      await e.editFile("firewall/cluster.fw", "");
    });
  });
});
