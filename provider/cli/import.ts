/**
 * `pve-firewall import`: reads the live firewall (or an `/etc/pve`-like directory) and writes a
 * ready Pulumi TypeScript project that adopts every object (see `provider/codegen/program.ts`).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateProject } from "../codegen/program";
import { mergeWarnings, snapshotScopeId } from "../codegen/snapshot";
import type { CliCommand, CliIo } from "./index";
import { packageRoot } from "./package";
import {
  formatWarnings,
  nothingFound,
  readSnapshot,
  runSnapshotCommand,
  SNAPSHOT_OPTIONS,
  snapshotArgs,
  writeTree,
} from "./snapshot-source";

/** Usage text of `pve-firewall import`. */
const IMPORT_USAGE = `usage: pve-firewall import --out DIR [--scope SCOPE] [--from DATA_DIR] [--name PROJECT] [--force] [--json]

Writes a Pulumi TypeScript project (Pulumi.yaml, package.json, tsconfig.json, index.ts, README.md)
that declares the live firewall, one resource per object, each with adopt: true.

options:
  --out DIR          where to write the project (must be empty unless --force)
  --scope SCOPE      all (default), cluster, node/NAME, qemu/NODE/VMID, lxc/NODE/VMID or vnet/NAME
  --from DATA_DIR    read .fw files laid out like /etc/pve instead of the API (a copy of /etc/pve,
                     or a pve-firewall export)
  --name PROJECT     Pulumi project name (default proxmox-firewall)
  --force            write into a non-empty --out, replacing files of the same name
  --json             print a JSON summary (files, resources, warnings) instead of text

The API is reached with the provider's settings: PROXMOX_VE_ENDPOINT, PROXMOX_VE_API_TOKEN (or
PROXMOX_VE_USERNAME and PROXMOX_VE_PASSWORD), PROXMOX_VE_INSECURE, PROXMOX_VE_CA_CERT,
PROXMOX_VE_FINGERPRINT. Lines Proxmox could not parse are reported as warnings, never dropped
silently, and so is a file no node, guest or VNet owns. A --scope the cluster (or DATA_DIR) does
not have fails before anything is written, naming what it has instead; one without firewall
configuration writes an empty project with the warning "nothing found". Exit code: 0 written
(warnings included), 1 failed, 2 bad arguments.`;

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { ...SNAPSHOT_OPTIONS, from: { type: "string" }, name: { type: "string", default: "proxmox-firewall" } },
    strict: true,
    allowPositionals: false,
  });
  return snapshotArgs(values, (v) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(v.name)) throw new Error(`--name: "${v.name}" is not a project name`);
  });
}

/** Version ranges for the generated package.json: this package's version and its own dependency ranges. */
function generatedVersions(): { package: string; pulumi: string; typescript: string; nodeTypes: string } {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
    version: string;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  return {
    package: `^${pkg.version}`,
    pulumi: pkg.dependencies["@pulumi/pulumi"] ?? "^3.0.0",
    typescript: pkg.devDependencies["typescript"] ?? "^5.0.0",
    nodeTypes: pkg.devDependencies["@types/node"] ?? "^22.0.0",
  };
}

/** Runs `pve-firewall import`; returns the exit code. */
async function runImport(
  argv: string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  return runSnapshotCommand("import", IMPORT_USAGE, argv, io, parse, async (args) => {
    const read = await readSnapshot(args.scope, args.from, env, false);
    const project = generateProject(read.snapshot, {
      projectName: args.name,
      scope: snapshotScopeId(args.scope),
      versions: generatedVersions(),
    });
    await writeTree(args.out, project.files);
    const warnings = formatWarnings(mergeWarnings(read.warnings, project.warnings));
    const empty = nothingFound(args.scope, read.snapshot);
    if (empty !== undefined) warnings.push(empty);
    if (args.json) {
      const summary = { out: args.out, source: read.source, resources: project.resources, warnings };
      io.out.write(`${JSON.stringify({ ...summary, files: [...project.files.keys()] }, null, 2)}\n`);
    } else {
      for (const w of warnings) io.err.write(`warning: ${w}\n`);
      io.out.write(
        `imported ${project.resources} resource(s) from ${read.source} into ${args.out}` +
          ` (${project.files.size} files, ${warnings.length} warning(s))\n`,
      );
    }
  });
}

/** The `import` subcommand. */
export const importCommand: CliCommand = {
  name: "import",
  usage: "pve-firewall import --out DIR [--scope S] [--from DIR]",
  summary: "write a Pulumi program that adopts the live firewall",
  run: (argv, io) => runImport(argv, io),
};
