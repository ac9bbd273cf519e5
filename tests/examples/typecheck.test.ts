import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isIPv4 } from "node:net";
import { join } from "node:path";
import { parseBlocklist } from "../../examples/blocklist/blocklist";

const root = join(__dirname, "..", "..");
const examplesDir = join(root, "examples");

/** The scenarios the project promises; any further folder is checked the same way. */
const requiredExamples = [
  "blocklist",
  "compose-with-vm",
  "datacenter-baseline",
  "drift-check",
  "quickstart",
  "web-server-vm",
];

const exampleFolders = readdirSync(examplesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** Address ranges the blocklist may use: RFC 2544 benchmarking and the RFC 5737 documentation nets. */
const allowedRanges: ReadonlyArray<readonly [string, number]> = [
  ["198.18.0.0", 15],
  ["192.0.2.0", 24],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
];

function ipv4ToInt(address: string): number {
  return address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Why `entry` is not an acceptable blocklist entry, or undefined when it is. */
function blocklistEntryProblem(entry: string): string | undefined {
  const [address = "", prefixText, ...rest] = entry.split("/");
  if (rest.length > 0 || !isIPv4(address)) return "not an IPv4 address or CIDR";
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 1 || prefix > 32 || (prefixText !== undefined && !/^\d+$/.test(prefixText)))
    return "bad prefix length";
  const value = ipv4ToInt(address);
  if ((value & ~maskOf(prefix)) >>> 0 !== 0) return "host bits set";
  const inside = allowedRanges.some(([net, bits]) => bits <= prefix && (value & maskOf(bits)) >>> 0 === ipv4ToInt(net));
  return inside ? undefined : "outside the benchmark and documentation ranges";
}

describe("tsconfig.examples.json", () => {
  it("type-checks every example program with no diagnostics", () => {
    const types = join(root, "dist", "sdk", "index.d.ts");
    if (!existsSync(types)) throw new Error(`${types} is missing: run 'npm run build' first`);
    const tsc = require.resolve("typescript/bin/tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.examples.json", "--pretty", "false"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("examples", () => {
  it("contains every promised scenario", () => {
    expect(exampleFolders).toEqual(expect.arrayContaining(requiredExamples));
  });

  it.each(exampleFolders)("%s is a complete TypeScript Pulumi program", (name) => {
    const dir = join(examplesDir, name);
    for (const file of ["Pulumi.yaml", "package.json", "index.ts", "README.md"]) {
      expect(existsSync(join(dir, file))).toBe(true);
    }
    const project = readFileSync(join(dir, "Pulumi.yaml"), "utf8");
    expect(project).toMatch(/^runtime:\s*\n\s+name: nodejs\s*\n\s+options:\s*\n\s+typescript: true\s*$/m);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(
      expect.arrayContaining(["@pulumi/pulumi", "pulumi-proxmox-firewall"]),
    );
  });

  it.each(exampleFolders)("%s keeps credentials out of its files", (name) => {
    const dir = join(examplesDir, name);
    for (const file of readdirSync(dir).filter((f) => /\.(ts|ya?ml|json)$/.test(f))) {
      const text = readFileSync(join(dir, file), "utf8");
      expect(text).not.toMatch(/PVEAPIToken=|apiToken:\s*\S|password/i);
    }
  });
});

describe("parseBlocklist", () => {
  const text = readFileSync(join(examplesDir, "blocklist", "blocklist.txt"), "utf8");

  it("reads exactly 10,000 entries from blocklist.txt", () => {
    expect(parseBlocklist(text)).toHaveLength(10_000);
  });

  it("reads only unique entries", () => {
    const entries = parseBlocklist(text);
    expect(new Set(entries).size).toBe(entries.length);
  });

  it("reads only valid networks inside the benchmark and documentation ranges", () => {
    const problems = parseBlocklist(text)
      .map((entry) => [entry, blocklistEntryProblem(entry)] as const)
      .filter(([, problem]) => problem !== undefined);
    expect(problems).toEqual([]);
  });

  it("skips comments, trailing comments and blank lines", () => {
    expect(parseBlocklist("# header\n\n198.18.0.1\n  198.19.0.0/29  # scanner\r\n#198.18.0.2\n")).toEqual([
      "198.18.0.1",
      "198.19.0.0/29",
    ]);
  });
});
