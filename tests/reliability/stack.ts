/**
 * The reliability suite's stack: one program with every kind of resource (rules whose update creates,
 * moves, edits and deletes rules; an IPSet of a few hundred entries; a security group; node and guest
 * options; aliases), in two versions (the first `up` creates version 1, the second updates it to
 * version 2), in the JSON form the runner's `firewall` fixture program reads (`-c resources=<json>`),
 * plus objects someone else manages on the same emulator, which no run may touch.
 */
import { request } from "node:http";
import type { EmulatorHandle, TopologyInput } from "../../emulator/index";
import type { ResourceKind } from "../../sdk/shim";
import type { FixtureResource } from "../runner/helpers";

/** One node and two guests: 101 is the stack's, 100 someone else's. */
export const TOPOLOGY: TopologyInput = {
  nodes: ["pve1"],
  guests: [
    { vmid: 100, node: "pve1", type: "qemu", name: "web", nics: {} },
    { vmid: 101, node: "pve1", type: "qemu", name: "db", nics: {} },
  ],
};

/** A resource of the program; `args` may hold `{ $ref: "<resource name>.<output>" }`. */
export interface Declared extends FixtureResource {
  readonly kind: ResourceKind;
  readonly args: Record<string, unknown>;
}

const cidr = (i: number) => `198.18.${i >> 8}.${i & 255}`;
const rule = (port: number, comment: string, extra: Record<string, unknown> = {}) => ({
  action: "ACCEPT",
  proto: "tcp",
  dport: port,
  comment,
  ...extra,
});
const ref = (target: string) => ({ $ref: target });

/** Version 1 (created by the first `up`) or version 2 (the update), in dependency order. */
export function program(version: 1 | 2): Declared[] {
  const v2 = version === 2;
  // 200 entries; version 2 drops the first 20, adds 20 and changes 3 comments
  const entries = [
    ...Array.from({ length: 200 }, (_, i) => i)
      .filter((i) => !v2 || i >= 20)
      .map((i) => (i % 40 === 7 ? { cidr: cidr(i), comment: v2 && i < 160 ? "seen twice" : "seen" } : cidr(i))),
    ...(v2 ? Array.from({ length: 20 }, (_, i) => cidr(1000 + i)) : []),
  ];
  const web = [rule(80, "http"), rule(443, "https"), rule(8080, "alt"), rule(8443, "alt tls"), rule(81, "old")];
  const webV2 = [rule(443, "https"), rule(80, "http only"), rule(8443, "alt tls"), rule(8080, "alt"), rule(82, "new")];
  const db = [
    { action: "DROP", source: ref("blocklist.ref"), comment: "blocked" },
    { type: "group", action: ref("web.name"), comment: "web tier" },
    rule(5432, "postgres", { source: ref("office.ref") }),
    rule(5433, "replica", { source: ref("vpn.ref") }),
    ...Array.from({ length: 8 }, (_, i) => rule(9000 + i, `metrics ${i}`)),
  ];
  // version 2: reversed metrics, one edited, one deleted, two inserted, the vpn rule gone
  const dbV2 = [
    { action: "DROP", source: ref("blocklist.ref"), comment: "blocked" },
    rule(22, "ssh", { source: ref("office.ref") }),
    { type: "group", action: ref("web.name"), comment: "web tier" },
    rule(5432, "postgres", { source: ref("office.ref") }),
    ...[7, 6, 5, 4, 2, 1, 0].map((i) => rule(9000 + i, i === 4 ? "metrics four" : `metrics ${i}`)),
    rule(9100, "exporter"),
  ];
  return [
    {
      kind: "Alias",
      name: "office",
      args: { name: "office", cidr: v2 ? "192.0.2.0/25" : "192.0.2.0/24", comment: "hq" },
    },
    ...(v2 ? [] : [{ kind: "Alias" as const, name: "vpn", args: { name: "vpn", cidr: "198.51.100.7" } }]),
    {
      kind: "IpSet",
      name: "blocklist",
      args: { name: "blocklist", comment: v2 ? "scanners and bots" : "scanners", entries },
    },
    {
      kind: "SecurityGroup",
      name: "web",
      args: { name: "web", comment: v2 ? "frontends" : "web tier", rules: v2 ? webV2 : web },
    },
    { kind: "FirewallRules", name: "db-rules", args: { scope: { node: "pve1", vmid: 101 }, rules: v2 ? dbV2 : db } },
    {
      kind: "NodeFirewallOptions",
      name: "pve1",
      args: v2
        ? { scope: { node: "pve1" }, tcpflags: true, logLevelIn: "warning", smurfLogLevel: "info" }
        : { scope: { node: "pve1" }, nosmurfs: true, tcpflags: true, logLevelIn: "info" },
    },
    {
      kind: "GuestFirewallOptions",
      name: "db",
      args: v2
        ? { scope: { node: "pve1", vmid: 101 }, enable: true, policyIn: "REJECT", macfilter: false }
        : { scope: { node: "pve1", vmid: 101 }, enable: true, policyIn: "DROP" },
    },
  ];
}

/**
 * What someone else manages on the same cluster, in the files the stack writes too (another IPSet,
 * alias and group and the datacenter's rules in `cluster.fw`, the node's rules next to the options
 * the stack manages in `host.fw`) and in a file it never writes (guest 100).
 */
export const FOREIGN_FILES: Readonly<Record<string, string>> = {
  "firewall/cluster.fw": [
    "[ALIASES]",
    "",
    "monitoring 203.0.113.9 # nagios",
    "",
    "[IPSET partners] # not ours",
    "",
    "203.0.113.0/28",
    "203.0.113.64/28 # backup site",
    "",
    "[RULES]",
    "",
    "IN ACCEPT -source dc/monitoring -p tcp -dport 8006 # admin gui",
    "",
    "[group ops] # operations",
    "",
    "IN ACCEPT -p tcp -dport 22 # ssh",
    "",
  ].join("\n"),
  "nodes/pve1/host.fw": "[RULES]\n\nIN ACCEPT -p tcp -dport 22 # node ssh\nIN ACCEPT -p tcp -dport 8006 # node gui\n",
  "firewall/100.fw": "[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN ACCEPT -p tcp -dport 80 # web\n",
};

/** Puts the foreign objects on the emulator (over whatever is there). */
export async function seedForeign(emu: EmulatorHandle): Promise<void> {
  for (const [path, text] of Object.entries(FOREIGN_FILES)) await emu.editFile(path, text);
}

/**
 * An API call the emulator neither counts nor faults nor holds (its control endpoint): an admin's
 * edit in the GUI while a run is under way, or a look that must not disturb the run's requests. Sent
 * on a connection of its own, closed after the answer, so that no idle connection of this process
 * keeps the emulator's `activity()` above 0.
 */
export function outOfBand(
  emu: EmulatorHandle,
  method: string,
  path: string,
  params: Record<string, string | number> = {},
): Promise<unknown> {
  const body = JSON.stringify({ method, path, params });
  const headers = {
    "X-Emulator-Control": emu.controlToken,
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(body)),
  };
  return new Promise((resolve, reject) => {
    const req = request(`${emu.endpoint}/_emulator/apply`, { method: "POST", headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => {
        text += d.toString();
      });
      res.on("end", () => {
        const answer = JSON.parse(text) as { data?: unknown; message?: string };
        if (res.statusCode === 200) resolve(answer.data);
        else reject(new Error(`${method} ${path}: ${res.statusCode} ${answer.message ?? ""}`));
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * The foreign objects as the API shows them (digests left out: they change with the stack's own
 * edits of the same file), read out of band: equal before and after every run, or a run touched what
 * it does not manage.
 */
export async function foreignView(emu: EmulatorHandle): Promise<unknown> {
  const get = async (path: string) =>
    ((await outOfBand(emu, "GET", path)) as Record<string, unknown>[]).map(({ digest: _digest, ...rest }) => rest);
  return {
    alias: (await get("/cluster/firewall/aliases")).filter((a) => a["name"] === "monitoring"),
    ipset: (await get("/cluster/firewall/ipset")).filter((a) => a["name"] === "partners"),
    partners: await get("/cluster/firewall/ipset/partners"),
    clusterRules: await get("/cluster/firewall/rules"),
    group: (await get("/cluster/firewall/groups")).filter((g) => g["group"] === "ops"),
    groupRules: await get("/cluster/firewall/groups/ops"),
    nodeRules: await get("/nodes/pve1/firewall/rules"),
    guest100: await emu.readFile("firewall/100.fw"),
  };
}
