/**
 * The server a conformance test talks to: the emulator over plain HTTP (default), or a real
 * Proxmox VE when `PROXMOX_VE_ENDPOINT` and `PROXMOX_VE_API_TOKEN` (`USER@REALM!ID=SECRET`) are
 * set. A tiny undici client, deliberately independent of the provider's client.
 *
 * The real target is DESTRUCTIVE: `reset()` removes every cluster rule, group, IPSet, alias and
 * option, and the guest/host/VNet firewall config the suite uses. Point it at a disposable
 * cluster only. `PROXMOX_VE_NODE` (default `pve1`), `PROXMOX_VE_TEST_VMID` (a guest in the
 * cluster, default 100) and `PROXMOX_VE_TEST_VNET` (default `vnet1`) name the objects it uses.
 * TLS certificates are not verified unless `PROXMOX_VE_INSECURE=false`.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Agent, request } from "undici";
import { type EmulatorHandle, startEmulator, tokenHeader } from "../../emulator/index";

/** One answer: status, parsed body and (for error answers) Proxmox's message and field errors. */
export interface Reply {
  readonly status: number;
  readonly data: unknown;
  readonly message?: string;
  readonly errors?: Record<string, string>;
}

/** Parameters as a test sends them; arrays become repeated form keys. */
export type SendParams = Record<string, string | number | boolean | readonly string[]>;

/** A conformance target. */
export interface Target {
  readonly name: "emulator" | "proxmox";
  readonly node: string;
  /** A guest in the cluster's vmlist. */
  readonly vmid: number;
  readonly vnet: string;
  /** Calls `METHOD /api2/json<path>`; `json` sends a JSON body instead of a form. */
  call(method: string, path: string, params?: SendParams, options?: { json?: boolean }): Promise<Reply>;
  /** Raw text of an `/etc/pve`-relative file; only the emulator target can read files. */
  readonly readFile?: (path: string) => Promise<string | undefined>;
  /** Replaces an `/etc/pve`-relative file (emulator only). */
  readonly writeFile?: (path: string, text: string) => Promise<void>;
  /** Brings the firewall config the suite touches back to empty. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

function encode(params: SendParams): string {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) for (const item of v) form.append(k, item);
    else form.append(k, String(v));
  }
  return form.toString();
}

function client(base: string, authorization: string, dispatcher?: Agent): Target["call"] {
  return async (method, path, params = {}, options = {}) => {
    const hasBody = method === "POST" || method === "PUT";
    const qs = !hasBody && Object.keys(params).length > 0 ? `?${encode(params)}` : "";
    const headers: Record<string, string> = { authorization };
    let body: string | undefined;
    if (hasBody) {
      body = options.json ? JSON.stringify(params) : encode(params);
      headers["content-type"] = options.json ? "application/json" : "application/x-www-form-urlencoded";
    }
    const res = await request(`${base}/api2/json${path}${qs}`, {
      method: method as "GET",
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(dispatcher ? { dispatcher } : {}),
    });
    const text = await res.body.text();
    const parsed = (text ? JSON.parse(text) : {}) as {
      data?: unknown;
      message?: string;
      errors?: Record<string, string>;
    };
    return {
      status: res.statusCode,
      data: parsed.data ?? null,
      ...(parsed.message !== undefined ? { message: parsed.message } : {}),
      ...(parsed.errors !== undefined ? { errors: parsed.errors } : {}),
    };
  };
}

async function apiReset(t: Pick<Target, "call" | "node" | "vmid" | "vnet">): Promise<void> {
  const scopes = [
    "/cluster/firewall",
    `/nodes/${t.node}/firewall`,
    `/nodes/${t.node}/qemu/${t.vmid}/firewall`,
    `/cluster/sdn/vnets/${t.vnet}/firewall`,
  ];
  for (const scope of scopes) {
    const rules = (await t.call("GET", `${scope}/rules`)).data as unknown[] | null;
    for (let i = (rules ?? []).length - 1; i >= 0; i--) await t.call("DELETE", `${scope}/rules/${i}`);
    const opts = (await t.call("GET", `${scope}/options`)).data as Record<string, unknown> | null;
    const keys = Object.keys(opts ?? {}).filter((k) => k !== "digest");
    if (keys.length > 0) await t.call("PUT", `${scope}/options`, { delete: keys.join(",") });
  }
  for (const scope of ["/cluster/firewall", `/nodes/${t.node}/qemu/${t.vmid}/firewall`]) {
    for (const s of ((await t.call("GET", `${scope}/ipset`)).data ?? []) as { name: string }[]) {
      await t.call("DELETE", `${scope}/ipset/${s.name}`, { force: 1 });
    }
    for (const a of ((await t.call("GET", `${scope}/aliases`)).data ?? []) as { name: string }[]) {
      await t.call("DELETE", `${scope}/aliases/${a.name}`);
    }
  }
  for (const g of ((await t.call("GET", "/cluster/firewall/groups")).data ?? []) as { group: string }[]) {
    const rules = ((await t.call("GET", `/cluster/firewall/groups/${g.group}`)).data ?? []) as unknown[];
    for (let i = rules.length - 1; i >= 0; i--) await t.call("DELETE", `/cluster/firewall/groups/${g.group}/${i}`);
    await t.call("DELETE", `/cluster/firewall/groups/${g.group}`);
  }
}

async function emulatorTarget(): Promise<Target> {
  const handle: EmulatorHandle = await startEmulator({
    http: true,
    topology: {
      nodes: ["pve1", "pve2"],
      guests: [
        { vmid: 100, type: "qemu", node: "pve1", name: "web" },
        { vmid: 200, type: "lxc", node: "pve2", name: "ct" },
      ],
      vnets: [{ vnet: "vnet1", zone: "zone1" }],
    },
  });
  const token = handle.tokens[0];
  if (!token) throw new Error("emulator has no token");
  return {
    name: "emulator",
    node: "pve1",
    vmid: 100,
    vnet: "vnet1",
    call: client(handle.endpoint, tokenHeader(token)),
    readFile: (path) => handle.readFile(path),
    writeFile: (path, text) => handle.editFile(path, text),
    reset: async () => {
      for (const dir of ["firewall", "nodes", "sdn"])
        await rm(join(handle.dataDir, dir), { recursive: true, force: true });
    },
    close: () => handle.stop(),
  };
}

function proxmoxTarget(endpoint: string, token: string): Target {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: process.env.PROXMOX_VE_INSECURE === "false" } });
  const base = endpoint.replace(/\/+$/, "").replace(/\/api2\/json$/, "");
  const t = {
    name: "proxmox" as const,
    node: process.env.PROXMOX_VE_NODE ?? "pve1",
    vmid: Number(process.env.PROXMOX_VE_TEST_VMID ?? "100"),
    vnet: process.env.PROXMOX_VE_TEST_VNET ?? "vnet1",
    call: client(base, `PVEAPIToken=${token}`, dispatcher),
  };
  return { ...t, reset: () => apiReset(t), close: () => dispatcher.close() };
}

/** The target chosen by the environment (emulator unless a real endpoint and token are set). */
export async function openTarget(): Promise<Target> {
  const endpoint = process.env.PROXMOX_VE_ENDPOINT;
  const token = process.env.PROXMOX_VE_API_TOKEN;
  return endpoint && token ? proxmoxTarget(endpoint, token) : emulatorTarget();
}

/** Registers hooks that open the target once per file and reset it before every test. */
export function useTarget(): () => Target {
  let target: Target | undefined;
  beforeAll(async () => {
    target = await openTarget();
  });
  beforeEach(async () => {
    await target?.reset();
  });
  afterAll(async () => {
    await target?.reset();
    await target?.close();
  });
  return () => {
    if (!target) throw new Error("target not open yet");
    return target;
  };
}

/** Asserts a file's text on targets that can read files (the emulator); a no-op elsewhere. */
export async function expectFile(t: Target, path: string, text: string | undefined): Promise<void> {
  if (!t.readFile) return;
  expect(await t.readFile(path)).toBe(text);
}
