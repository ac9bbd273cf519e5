/**
 * Helpers of the `import`/`export` tests: run a CLI command in-process, serve a `.fw` fixture from an
 * emulator, read a generated tree, and collect every firewall GET answer of an emulator.
 */
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { request } from "undici";
import { type EmulatorHandle, startEmulator, type TopologyInput, tokenHeader } from "../../emulator/index";
import { normaliseTopology } from "../../emulator/topology";
import { readDataDirSnapshot } from "../../provider/cli/data-dir";
import { topologyOf } from "../../provider/codegen/export";

export { cli } from "../helpers/cli";

/** The `.fw` configurations of `tests/fixtures/fw-configs` (see its README). */
export const FIXTURES = ["all-scopes", "unparseable", "large", "flagged-rules"] as const;

/** Absolute path of a fixture directory. */
export function fixtureDir(name: string): string {
  return join(__dirname, "..", "fixtures", "fw-configs", name);
}

/** Every file under `dir` by relative path. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), await readFile(path, "utf8"));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A temp directory, removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A running emulator and the environment that points the CLI at it. */
export interface Served {
  readonly emulator: EmulatorHandle;
  readonly env: Record<string, string>;
  /** The topology it serves, as a topology file holds it. */
  readonly topology: TopologyInput;
}

/**
 * Serves a copy of `dir` from an emulator; its topology (nodes, guests, VNets) is `topology`, or
 * the one `readDataDirSnapshot` finds in the directory (guest configs, VNet files).
 */
export async function serve(dir: string, topology?: TopologyInput): Promise<Served> {
  const data = await mkdtemp(join(tmpdir(), "fw-served-"));
  await cp(dir, data, { recursive: true });
  const topo = topology ?? topologyOf((await readDataDirSnapshot(dir, { kind: "all" })).snapshot);
  const emulator = await startEmulator({ http: true, dataDir: data, topology: topo });
  const token = emulator.tokens[0]!;
  const stop = emulator.stop;
  const handle: EmulatorHandle = {
    ...emulator,
    stop: async () => {
      await stop();
      await rm(data, { recursive: true, force: true });
    },
  };
  return {
    emulator: handle,
    env: { PROXMOX_VE_ENDPOINT: emulator.endpoint, PROXMOX_VE_API_TOKEN: `${token.id}=${token.secret}` },
    topology: topo,
  };
}

/**
 * Every firewall GET answer of an emulator, by path: datacenter, each node, guest and VNet of
 * `topology`, each IPSet and group, and the cluster's status and each node's network (the node
 * addresses). `/refs` is sorted (Proxmox lists it in hash order).
 */
export async function answers(emulator: EmulatorHandle, input: TopologyInput): Promise<Map<string, unknown>> {
  const topology = normaliseTopology(input);
  const auth = tokenHeader(emulator.tokens[0]!);
  const get = async (path: string): Promise<unknown> => {
    const res = await request(`${emulator.endpoint}/api2/json${path}`, { headers: { authorization: auth } });
    const body = (await res.body.json()) as { data: unknown };
    return { status: res.statusCode, data: body.data };
  };
  const out = new Map<string, unknown>();
  const add = async (path: string) => out.set(path, await get(path));
  const sets = async (base: string) => {
    await add(`${base}/ipset`);
    const list = ((out.get(`${base}/ipset`) as { data: { name: string }[] }).data ?? []).map((s) => s.name);
    for (const name of list) await add(`${base}/ipset/${name}`);
    await add(`${base}/aliases`);
    const refs = (await get(`${base}/refs`)) as { data: unknown[] };
    out.set(`${base}/refs`, [...refs.data].map((r) => JSON.stringify(r)).sort());
  };
  for (const path of ["/nodes", "/cluster/status", "/cluster/sdn/vnets"]) await add(path);
  const cluster = "/cluster/firewall";
  for (const leaf of ["options", "rules", "groups"]) await add(`${cluster}/${leaf}`);
  await sets(cluster);
  const groups = (out.get(`${cluster}/groups`) as { data: { group: string }[] }).data;
  for (const g of groups) await add(`${cluster}/groups/${g.group}`);
  for (const node of topology.nodes) {
    for (const leaf of ["options", "rules"]) await add(`/nodes/${node}/firewall/${leaf}`);
    await add(`/nodes/${node}/network`);
    for (const type of ["qemu", "lxc"]) await add(`/nodes/${node}/${type}`);
  }
  for (const g of topology.guests) {
    const base = `/nodes/${g.node}/${g.type}/${g.vmid}`;
    await add(`${base}/config`);
    for (const leaf of ["options", "rules"]) await add(`${base}/firewall/${leaf}`);
    await sets(`${base}/firewall`);
  }
  for (const v of topology.vnets) {
    for (const leaf of ["options", "rules"]) await add(`/cluster/sdn/vnets/${v.vnet}/firewall/${leaf}`);
  }
  return out;
}
