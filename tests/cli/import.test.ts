import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cli, FIXTURES, fixtureDir, readTree, serve, tempDir } from "./helpers";

const root = join(__dirname, "..", "..");
let work: Awaited<ReturnType<typeof tempDir>>;
/** Each fixture's project as imported from its files, by fixture name. */
const fromFiles = new Map<string, Map<string, string>>();

beforeAll(async () => {
  work = await tempDir("fw-import-");
  // Generated projects resolve `pulumi-proxmox-firewall` and `@pulumi/pulumi` as a user's would.
  await symlink(join(root, "node_modules"), join(work.path, "node_modules"), "dir");
  for (const name of FIXTURES) {
    const out = join(work.path, name);
    const r = await cli(["import", "--from", fixtureDir(name), "--out", out]);
    expect(r.code).toBe(0);
    fromFiles.set(name, await readTree(out));
  }
});

afterAll(async () => {
  await work.remove();
});

/** A data directory under the work directory holding only `nodes/pve1/host.fw` (one option, one rule). */
async function hostOnlyDir(name: string): Promise<string> {
  const data = join(work.path, name);
  await mkdir(join(data, "nodes", "pve1"), { recursive: true });
  await writeFile(join(data, "nodes", "pve1", "host.fw"), "[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nIN SSH(ACCEPT)\n");
  return data;
}

describe("pve-firewall import", () => {
  it.each(FIXTURES)("writes the same program from the API as from the files (%s)", async (name) => {
    const served = await serve(fixtureDir(name));
    try {
      const out = join(work.path, `${name}-api`);
      const r = await cli(["import", "--out", out], served.env);
      expect(r.code).toBe(0);
      expect(await readTree(out)).toEqual(fromFiles.get(name));
    } finally {
      await served.emulator.stop();
    }
  });

  it("writes a complete project whose every resource adopts, with unique readable names", () => {
    const files = fromFiles.get("all-scopes")!;
    expect([...files.keys()]).toEqual(["Pulumi.yaml", "README.md", "index.ts", "package.json", "tsconfig.json"]);
    const pkg = JSON.parse(files.get("package.json")!) as { dependencies: Record<string, string> };
    const own = require("../../package.json") as { version: string; dependencies: Record<string, string> };
    expect(pkg.dependencies).toEqual({
      "@pulumi/pulumi": own.dependencies["@pulumi/pulumi"],
      "pulumi-proxmox-firewall": `^${own.version}`,
    });
    const index = files.get("index.ts")!;
    const names = [...index.matchAll(/new fw\.\w+\("([^"]+)"/g)].map((m) => m[1]);
    // In Proxmox's list order (aliases by lower-cased name, IPSets and groups by name), whatever the file's order.
    expect(names).toEqual([
      "dc-alias-backup_srv",
      "dc-alias-dns6",
      "dc-alias-office",
      "dc-ipset-blacklist",
      "dc-ipset-management",
      "group-db",
      "group-webtier",
      "dc-rules",
      "dc-options",
      "node-pve1-rules",
      "node-pve1-options",
      "qemu-100-alias-app",
      "qemu-100-ipset-ipfilter-net0",
      "qemu-100-rules",
      "qemu-100-options",
      "lxc-101-rules",
      "lxc-101-options",
      "vnet-vnet1-rules",
      "vnet-vnet1-options",
    ]);
    expect(index.match(/adopt: true[,\s]/g)).toHaveLength(names.length);
  });

  it("points rules at IPSets, aliases and groups through outputs that spell the live text exactly", () => {
    const index = fromFiles.get("all-scopes")!.get("index.ts")!;
    // `+management`: the name output, prefixed; `+dc/management`: the ref output itself.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the generated program's text, not a template
    expect(index).toContain("source: pulumi.interpolate`+${dcIpsetManagement.name}`,");
    expect(index).toContain('{ action: "ACCEPT", macro: "SSH", source: dcIpsetManagement.ref }');
    expect(index).toContain("source: dcAliasOffice.ref,");
    expect(index).toContain('dest: dcAliasBackupSrv.name, proto: "udp"');
    expect(index).toContain('{ type: "group", action: groupWebtier.name, comment: "shared web rules" }');
    expect(index).toContain("source: qemu100AliasApp.ref,");
    expect(index).toContain('entries: ["198.18.0.0/15", dcAliasBackupSrv.ref]');
    // `office` names the alias `Office` (Proxmox ignores case): kept as typed, ordered by dependsOn.
    expect(index).toContain('source: "office", proto: "icmp", icmpType: "echo-request"');
    expect(index).toContain("}, { dependsOn: [dcAliasOffice] });");
    expect(index).toContain("}, { dependsOn: [dcRules] });");
  });

  it("loads an IPSet of more than 200 entries from a data file beside the program", () => {
    const files = fromFiles.get("large")!;
    const entries = JSON.parse(files.get("ipsets/dc-ipset-blocklist.json")!) as unknown[];
    expect(entries).toHaveLength(251);
    expect(entries).toContainEqual({ cidr: "198.18.0.7", comment: "reported 7" });
    expect(entries).toContainEqual({ cidr: "198.18.1.0/29", nomatch: true, comment: "our own monitoring" });
    expect(files.get("index.ts")).toContain('entries: entriesFrom("ipsets/dc-ipset-blocklist.json"),');
    expect(files.get("index.ts")).toContain('entries: ["203.0.113.0/24"]');
  });

  it("reports every line Proxmox could not parse with its file and line, and leaves out what no resource can hold", async () => {
    const out = join(work.path, "unparseable-again");
    const r = await cli(["import", "--from", fixtureDir("unparseable"), "--out", out, "--json"]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { warnings: string[]; resources: number };
    expect(summary.warnings).toEqual(
      expect.arrayContaining([
        "firewall/cluster.fw:4: can't parse option 'frobnicate: 1'",
        "firewall/cluster.fw:9: an [ALIASES] line Proxmox could not parse (it keeps a nameless alias, which no resource can hold) is left out; fix or remove the line",
        "firewall/cluster.fw:14: ipset 'servers': an entry without cidr is left out: Proxmox flags it (value does not look like a valid IP address or CIDR network) and skips it, and the IpSet resource leaves it as it is; remove it in Proxmox",
        "firewall/cluster.fw:24: unable to parse rule parameters: -x 1",
        "firewall/102.fw:8: '[RULES]\\r' is not a section header (it ends with a carriage return: the file has CRLF line endings): ipset 'trusted': entry '[RULES]': value does not look like a valid IP address or CIDR network",
      ]),
    );
    const index = (await readTree(out)).get("index.ts")!;
    // Every entry Proxmox flags is left out (the IpSet resource leaves it alone), the missing alias's too.
    expect(index).toContain('entries: ["192.0.2.22", { cidr: dcAliasLab.name, comment: "by alias" }]');
    expect(index).not.toContain("0.0.0.0/0");
    // One warning per problem: the import's, which says what becomes of the entry, at the entry's line.
    expect(summary.warnings.filter((w) => w.includes("dc/nosuchalias"))).toEqual([
      "firewall/cluster.fw:17: ipset 'servers': entry 'dc/nosuchalias' is left out: Proxmox flags it (no such alias 'nosuchalias') and skips it, and the IpSet resource leaves it as it is; create the alias and declare the entry, or remove it in Proxmox",
    ]);
    // Rules Proxmox flags stay in their lists as they are: adopting them writes nothing.
    expect(index).toContain(
      '{ action: "ACCEPT", source: "nosuchalias", proto: "tcp", dport: "80", comment: "names a missing alias" }',
    );
  });

  it("leaves out each rule Proxmox never applies, naming its line, with a comment in its place", async () => {
    const out = join(work.path, "flagged-rules-again");
    const r = await cli(["import", "--from", fixtureDir("flagged-rules"), "--out", out, "--json"]);
    expect(r.code).toBe(0);
    const tail =
      "Proxmox keeps this rule but never applies it, so the first up will delete it from Proxmox; it never filtered anything";
    expect((JSON.parse(r.out) as { warnings: string[] }).warnings).toEqual([
      `firewall/100.fw:7: qemu/pve1/100 rules[0] \`IN ACCEPT -i eth0 -p tcp -dport 22 # not a guest NIC\` is left out: iface: "eth0" must be a guest interface key like net0; ${tail}`,
      `firewall/cluster.fw:13: cluster rules[1] \`IN FROBNICATE -p tcp\` is left out: action: unknown action "FROBNICATE" (allowed: ACCEPT, DROP, REJECT); ${tail}`,
      `firewall/cluster.fw:15: cluster rules[3] \`IN ACCEPT -p tcp -dport 99999 # no such port\` is left out: dport: port 99999 is above 65535; ${tail}`,
      `firewall/cluster.fw:16: cluster rules[4] \`GROUP WebTier # the group is webtier\` is left out: action: security group name "WebTier" must be 2-18 lower-case letters, digits, '-' or '_', starting with a letter; Proxmox lower-cases group names, so use "webtier"; ${tail}`,
      `firewall/cluster.fw:23: group 'webtier' rules[1] \`IN FROBNICATE -p tcp -dport 443\` is left out: action: unknown action "FROBNICATE" (allowed: ACCEPT, DROP, REJECT); ${tail}`,
    ]);
    const index = fromFiles.get("flagged-rules")!.get("index.ts")!;
    expect(index).toContain(
      '    // Left out: rules[1] `IN FROBNICATE -p tcp` (action: unknown action "FROBNICATE" (allowed: ACCEPT, DROP, REJECT)).\n' +
        "    // Proxmox never applies it; the first up deletes it.\n" +
        '    { action: "ACCEPT", source: "nosuchalias", proto: "tcp", dport: "80", comment: "names a missing alias" },\n',
    );
    expect(index.match(/\/\/ Left out: /g)).toHaveLength(5);
    // A rule that only names a missing object is declared as it is (it is on the server as declared).
    expect(index).toContain('{ type: "group", action: groupWebtier.name, iface: "vmbr0" }');
  });

  it("reports each problem of the live firewall once, naming the scope and position", async () => {
    const served = await serve(fixtureDir("unparseable"));
    try {
      const r = await cli(["import", "--out", join(work.path, "unparseable-live"), "--json"], served.env);
      expect(r.code).toBe(0);
      const warnings = (JSON.parse(r.out) as { warnings: string[] }).warnings;
      expect(warnings.filter((w) => w.includes("ipset 'servers'"))).toEqual([
        "firewall/cluster.fw: ipset 'servers': an entry without cidr is left out: Proxmox flags it (value does not look like a valid IP address or CIDR network) and skips it, and the IpSet resource leaves it as it is; remove it in Proxmox",
        "firewall/cluster.fw: ipset 'servers': entry '192.0.2.22' repeats an earlier entry and is left out (Proxmox drops it on its next write)",
        "firewall/cluster.fw: ipset 'servers': entry 'dc/nosuchalias' is left out: Proxmox flags it (no such alias 'nosuchalias') and skips it, and the IpSet resource leaves it as it is; create the alias and declare the entry, or remove it in Proxmox",
        "firewall/cluster.fw: ipset 'servers': entry '0.0.0.0/0' is left out: Proxmox flags it (a zero prefix is not allowed in ipset entries) and skips it, and the IpSet resource leaves it as it is; remove it in Proxmox",
      ]);
      expect(warnings.filter((w) => w.includes("nameless alias"))).toHaveLength(1);
      expect(warnings).toContain(
        "firewall/cluster.fw: cluster rules[3].source: no such ipset 'nosuchset' (Proxmox skips this rule)",
      );
    } finally {
      await served.emulator.stop();
    }
  });

  it("imports one scope only, naming datacenter objects by their text", async () => {
    const served = await serve(fixtureDir("all-scopes"));
    try {
      const out = join(work.path, "one-guest");
      const r = await cli(["import", "--scope", "qemu/pve1/100", "--out", out], served.env);
      expect(r.code).toBe(0);
      const index = (await readTree(out)).get("index.ts")!;
      expect([...index.matchAll(/new fw\.\w+\("([^"]+)"/g)].map((m) => m[1])).toEqual([
        "qemu-100-alias-app",
        "qemu-100-ipset-ipfilter-net0",
        "qemu-100-rules",
        "qemu-100-options",
      ]);
      expect(index).toContain('dest: "+dc/blacklist"');
      expect(index).toContain('{ type: "group", action: "webtier", iface: "net0" }');
    } finally {
      await served.emulator.stop();
    }
  });

  it("type-checks every generated project against this package", async () => {
    if (!existsSync(join(root, "dist", "sdk", "index.d.ts"))) throw new Error("run 'npm run build' first");
    const projects = [...fromFiles.keys()].map((name) => join(work.path, name, "index.ts"));
    const tsconfig = JSON.parse(fromFiles.get("all-scopes")!.get("tsconfig.json")!) as Record<string, unknown>;
    const combined = join(work.path, "tsconfig.json");
    await writeFile(
      combined,
      JSON.stringify({ compilerOptions: { ...(tsconfig.compilerOptions as object), noEmit: true }, files: projects }),
    );
    const result = spawnSync(
      process.execPath,
      [require.resolve("typescript/bin/tsc"), "-p", combined, "--pretty", "false"],
      {
        encoding: "utf8",
      },
    );
    expect(`${result.stdout}${result.stderr}`.split("\n").filter((line) => line !== "")).toEqual([]);
  });

  it("reports a guest file whose guest no config places, and skips it as the API would", async () => {
    const data = join(work.path, "orphan-data");
    await mkdir(join(data, "firewall"), { recursive: true });
    await writeFile(join(data, "firewall", "999.fw"), "[RULES]\n\nIN DROP\n");
    const r = await cli(["import", "--from", data, "--out", join(work.path, "orphan"), "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      resources: 0,
      warnings: [
        "firewall/999.fw: no guest 999 in nodes/*/qemu-server or nodes/*/lxc: skipped (Proxmox keeps the file of a deleted guest)",
        "nothing found for all: no firewall options, rules, aliases, IPSets or security groups",
      ],
    });
  });

  it.each([
    ["names the node", "by-name", { nodes: ["pve1"] }],
    ["describes the node", "by-object", { nodes: [{ name: "pve1", ip: "192.0.2.2", network: "192.0.2.0/24" }] }],
    ["is missing", "no-topology", undefined],
  ])("regress-tryout-a-b2 imports a node's host.fw when topology.json %s", async (_, name, topology) => {
    const data = await hostOnlyDir(name);
    if (topology !== undefined) await writeFile(join(data, "topology.json"), JSON.stringify(topology));
    const out = join(work.path, `${name}-out`);
    const r = await cli(["import", "--from", data, "--out", out, "--json"]);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: "" });
    expect(JSON.parse(r.out)).toMatchObject({ resources: 2, warnings: [] });
    const index = (await readTree(out)).get("index.ts")!;
    expect([...index.matchAll(/new fw\.\w+\("([^"]+)"/g)].map((m) => m[1])).toEqual([
      "node-pve1-rules",
      "node-pve1-options",
    ]);
  });

  it("reports and skips a host or VNet file that topology.json does not list", async () => {
    const data = await hostOnlyDir("unlisted");
    await mkdir(join(data, "nodes", "pve2"), { recursive: true });
    await writeFile(join(data, "nodes", "pve2", "host.fw"), "[RULES]\n\nIN ACCEPT -p tcp -dport 22\n");
    await mkdir(join(data, "nodes", "pve3"), { recursive: true }); // a node directory without host.fw
    await mkdir(join(data, "sdn", "firewall"), { recursive: true });
    await writeFile(join(data, "sdn", "firewall", "v9.fw"), "[RULES]\n\nIN ACCEPT -p tcp -dport 22\n");
    await writeFile(join(data, "topology.json"), JSON.stringify({ nodes: [{ name: "pve1", ip: "192.0.2.2" }] }));
    const r = await cli(["import", "--from", data, "--out", join(data, "..", "unlisted-out"), "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      resources: 2,
      warnings: [
        "nodes/pve2/host.fw: no node pve2 in topology.json: skipped (add the node to topology.json to import its host firewall)",
        "sdn/firewall/v9.fw: no VNet v9 in topology.json: skipped (add the VNet to topology.json to import its firewall)",
      ],
    });
  });

  it("fails naming the field when topology.json is not a topology file", async () => {
    const data = await hostOnlyDir("bad-topology");
    await writeFile(join(data, "topology.json"), JSON.stringify({ nodes: [{ name: "pve1", ip: "pve1.lan" }] }));
    const r = await cli(["import", "--from", data, "--out", join(data, "..", "bad-topology-out")]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `pve-firewall import: topology file '${join(data, "topology.json")}': topology nodes.0.ip: must be an IPv4 or IPv6 address\n`,
    );
  });

  it("fails on a scope the cluster does not have, naming where the guest is, and writes nothing", async () => {
    const served = await serve(fixtureDir("all-scopes"));
    try {
      const cases: [string, string][] = [
        ["qemu/pve1/999", "no guest 999 in the cluster (GET /nodes/{node}/qemu and lxc of pve1, pve2 lists none)"],
        ["qemu/pve9/100", "guest 100 is qemu/pve1/100 in the cluster; give --scope qemu/pve1/100"],
        ["qemu/pve2/101", "guest 101 is lxc/pve2/101 in the cluster; give --scope lxc/pve2/101"],
        ["node/pve9", "no node pve9 in the cluster (GET /nodes lists pve1, pve2)"],
        ["vnet/nope", "no VNet nope in the cluster (GET /cluster/sdn/vnets lists vnet1)"],
      ];
      for (const [scope, message] of cases) {
        const out = join(work.path, `missing-${scope.replaceAll("/", "-")}`);
        const r = await cli(["import", "--scope", scope, "--out", out], served.env);
        expect({ code: r.code, err: r.err }).toEqual({
          code: 1,
          err: `pve-firewall import: --scope ${scope}: ${message}\n`,
        });
        expect(existsSync(out)).toBe(false);
      }
    } finally {
      await served.emulator.stop();
    }
    const fromFiles = await cli([
      "import",
      "--from",
      fixtureDir("all-scopes"),
      "--scope",
      "qemu/pve9/100",
      "--out",
      join(work.path, "missing-from"),
    ]);
    expect(fromFiles.err).toBe(
      "pve-firewall import: --scope qemu/pve9/100: guest 100 is qemu/pve1/100 in nodes/*/qemu-server or nodes/*/lxc; give --scope qemu/pve1/100\n",
    );
    const noGuest = await cli([
      "import",
      "--from",
      fixtureDir("all-scopes"),
      "--scope",
      "lxc/pve2/999",
      "--out",
      join(work.path, "missing-from"),
    ]);
    expect(noGuest.err).toBe(
      "pve-firewall import: --scope lxc/pve2/999: no guest 999 in nodes/*/qemu-server or nodes/*/lxc (it lists 100, 101)\n",
    );
  });

  it("warns that nothing was found for a scope the cluster has but that holds no firewall configuration", async () => {
    const served = await serve(fixtureDir("all-scopes"));
    try {
      const out = join(work.path, "empty-node");
      const r = await cli(["import", "--scope", "node/pve2", "--out", out], served.env);
      expect(r.code).toBe(0);
      expect(r.err).toBe(
        "warning: nothing found for node/pve2: no firewall options, rules, aliases, IPSets or security groups\n",
      );
      expect(r.out).toContain("imported 0 resource(s)");
    } finally {
      await served.emulator.stop();
    }
  });

  it("fails without --out, on a bad scope, and on a non-empty output directory", async () => {
    expect((await cli(["import"])).code).toBe(2);
    const bad = await cli(["import", "--out", join(work.path, "x"), "--scope", "node"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--scope: "node" is not a scope');
    const missing = await cli(["import", "--from", join(work.path, "nowhere"), "--out", join(work.path, "y")]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("nowhere: not a directory; give a copy of /etc/pve or an export");
    const taken = await cli(["import", "--from", fixtureDir("large"), "--out", join(work.path, "large")]);
    expect(taken.code).toBe(1);
    expect(taken.err).toContain("the directory is not empty; choose an empty one, or pass --force");
  });

  it("fails naming the missing setting when no API endpoint is configured", async () => {
    const r = await cli(["import", "--out", join(work.path, "no-endpoint")], {
      PROXMOX_VE_ENDPOINT: "",
      PM_API_URL: "",
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain("endpoint: required; set endpoint or PROXMOX_VE_ENDPOINT");
  });
});
