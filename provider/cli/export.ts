/**
 * `pve-firewall export`: writes the live firewall as `.fw` files laid out like `/etc/pve`, plus
 * `topology.json`, so the export can be reviewed in git, fed to `import --from`, or served by
 * `pve-firewall emulator --data DIR --topology DIR/topology.json` with the same API answers.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { exportFiles } from "../codegen/export";
import type { CliCommand, CliIo } from "./index";
import {
  formatWarnings,
  nothingFound,
  readSnapshot,
  runSnapshotCommand,
  SNAPSHOT_OPTIONS,
  snapshotArgs,
  writeTree,
} from "./snapshot-source";

/** Usage text of `pve-firewall export`. */
const EXPORT_USAGE = `usage: pve-firewall export --out DIR [--scope SCOPE] [--force] [--json]

Writes the live firewall as .fw files laid out like /etc/pve (firewall/cluster.fw,
nodes/<node>/host.fw, firewall/<vmid>.fw, sdn/firewall/<vnet>.fw) and topology.json (nodes with
their ip, network and iface, guests with their NIC lines, VNets, in the emulator's --topology
format). Reading the files back gives the same objects, in the same order, unparseable lines
included.

options:
  --out DIR          where to write (must be empty unless --force)
  --scope SCOPE      all (default), cluster, node/NAME, qemu/NODE/VMID, lxc/NODE/VMID or vnet/NAME
  --force            write into a non-empty --out, replacing files of the same name
  --json             print a JSON summary (files, warnings) instead of text

The API is reached with the provider's settings (PROXMOX_VE_ENDPOINT, PROXMOX_VE_API_TOKEN, ...);
node addresses come from /cluster/status and /nodes/NODE/network. A --scope the cluster does not
have fails before anything is written, naming what it has instead; one without firewall
configuration writes topology.json alone with the warning "nothing found". Exit code: 0 written
(warnings included), 1 failed, 2 bad arguments.`;

function parse(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: SNAPSHOT_OPTIONS, strict: true, allowPositionals: false });
  return snapshotArgs(values);
}

/** Runs `pve-firewall export`; returns the exit code. */
async function runExport(
  argv: string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  return runSnapshotCommand("export", EXPORT_USAGE, argv, io, parse, async (args) => {
    const read = await readSnapshot(args.scope, undefined, env, true);
    const files = exportFiles(read.snapshot);
    await writeTree(args.out, files);
    const warnings = formatWarnings(read.warnings);
    const empty = nothingFound(args.scope, read.snapshot);
    if (empty !== undefined) warnings.push(empty);
    if (args.json) {
      const summary = { out: args.out, source: read.source, files: [...files.keys()], warnings };
      io.out.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      for (const w of warnings) io.err.write(`warning: ${w}\n`);
      io.out.write(`exported ${files.size - 1} .fw file(s) and topology.json from ${read.source} into ${args.out}\n`);
    }
  });
}

/** The `export` subcommand. */
export const exportCommand: CliCommand = {
  name: "export",
  usage: "pve-firewall export --out DIR [--scope S]",
  summary: "write the live firewall as .fw files laid out like /etc/pve",
  run: (argv, io) => runExport(argv, io),
};
