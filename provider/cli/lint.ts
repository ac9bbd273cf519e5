/**
 * `pve-firewall lint`: findings about firewall files or a live cluster, with stable codes.
 * Exit code 0 = clean (or info only), 1 = warnings, 2 = errors; 3 means lint itself failed,
 * which no input should cause.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  exitCodeFor,
  type Finding,
  formatFinding,
  type LintFile,
  lintConfigs,
  lintFiles,
  roleOf,
} from "../policy/lint/index";
import type { PolicyTopology } from "../policy/types";
import { readDataDir } from "./data-dir";
import type { CliCommand, CliIo } from "./index";
import { readLivePolicy, withLiveClient } from "./live";
import { readTopologyFile } from "./policy-input";

/** `pve-firewall lint --help`. */
export const LINT_USAGE = `usage: pve-firewall lint [--topology FILE] [--json] PATH... | --endpoint

Finds what Proxmox would skip, never reach or not enforce in firewall configs.
  PATH              a .fw file (cluster.fw, nodes/<node>/host.fw, <vmid>.fw) or a directory laid
                    out like /etc/pve; files given together are checked as one cluster
  --topology FILE   nodes (their local networks, part of the management IPSet) and guests with
                    NIC lines, for the management and firewall=1 checks
  --endpoint        lint the live cluster (PROXMOX_VE_ENDPOINT and credentials from the environment)
  --json            print {"findings":[...],"errors":N,"warnings":N,"infos":N}
Exit code: 0 clean (info only), 1 warnings, 2 errors (or bad arguments).
`;

async function filesOf(path: string): Promise<{ sets: LintFile[][] }> {
  let isDir = false;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    return { sets: [[{ path, ...roleOf(path), error: (err as Error).message }]] };
  }
  if (!isDir) {
    const { role, guessed } = roleOf(path);
    try {
      return { sets: [[{ path, role, guessed, text: await readFile(path, "utf8") }]] };
    } catch (err) {
      return { sets: [[{ path, role, error: (err as Error).message }]] };
    }
  }
  const dir = await readDataDir(path);
  const set: LintFile[] = [];
  const at = (rel: string) => join(path, rel);
  if (dir.cluster !== undefined && dir.paths.cluster) {
    set.push({ path: at(dir.paths.cluster), role: { kind: "cluster" }, text: dir.cluster });
  }
  for (const [node, text] of Object.entries(dir.hosts)) {
    set.push({ path: at(dir.paths.hosts[node]!), role: { kind: "host", node }, text });
  }
  for (const [vmid, text] of Object.entries(dir.guests)) {
    set.push({ path: at(dir.paths.guests[vmid]!), role: { kind: "guest", vmid }, text });
  }
  for (const [vnet, text] of Object.entries(dir.vnets)) {
    set.push({ path: at(dir.paths.vnets[vnet]!), role: { kind: "vnet", vnet }, text });
  }
  return { sets: [set] };
}

/** Loose files form one set per cluster file (a second cluster.fw starts a new set). */
function group(loose: LintFile[]): LintFile[][] {
  const sets: LintFile[][] = [[]];
  for (const f of loose) {
    const current = sets.at(-1)!;
    if (f.role.kind === "cluster" && f.text !== undefined && current.some((x) => x.role.kind === "cluster")) {
      sets.push([f]);
    } else current.push(f);
  }
  return sets.filter((s) => s.length > 0);
}

function report(findings: readonly Finding[], json: boolean, io: CliIo): number {
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const summary = { errors: count("error"), warnings: count("warning"), infos: count("info") };
  if (json) io.out.write(`${JSON.stringify({ findings, ...summary })}\n`);
  else {
    for (const f of findings) io.out.write(`${formatFinding(f)}\n`);
    io.out.write(`${summary.errors} errors, ${summary.warnings} warnings, ${summary.infos} infos\n`);
  }
  return exitCodeFor(findings);
}

/** Runs `lint`; returns the exit code. */
export async function runLint(argv: string[], io: CliIo): Promise<number> {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        topology: { type: "string" },
        endpoint: { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    io.err.write(`pve-firewall lint: ${(err as Error).message}\n\n${LINT_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out.write(LINT_USAGE);
    return 0;
  }
  if (positionals.length === 0 && !values.endpoint) {
    io.err.write(`pve-firewall lint: give at least one PATH, or --endpoint\n\n${LINT_USAGE}`);
    return 2;
  }
  const nowSec = Math.floor(Date.now() / 1000);
  let topology: PolicyTopology | undefined;
  try {
    topology = typeof values.topology === "string" ? await readTopologyFile(values.topology) : undefined;
  } catch (err) {
    io.err.write(`pve-firewall lint: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    const options = { nowSec, ...(topology ? { topology } : {}) };
    if (values.endpoint) {
      const live = await withLiveClient(process.env, readLivePolicy).catch((err: Error) => {
        throw new EndpointError(err.message);
      });
      return report(
        lintConfigs(live.configs, { ...options, topology: topology ?? live.topology }),
        values.json === true,
        io,
      );
    }
    const loose: LintFile[] = [];
    const sets: LintFile[][] = [];
    for (const path of positionals) {
      const isLoose = !(await stat(path)
        .then((s) => s.isDirectory())
        .catch(() => false));
      const found = await filesOf(path);
      if (isLoose) loose.push(...found.sets.flat());
      else sets.push(...found.sets);
    }
    sets.push(...group(loose));
    const findings = sets.flatMap((set) => lintFiles(set, options));
    return report(findings, values.json === true, io);
  } catch (err) {
    if (err instanceof EndpointError) {
      io.err.write(`pve-firewall lint: ${err.message}\n`);
      return 2;
    }
    io.err.write(`pve-firewall lint: internal error (please report): ${(err as Error).stack ?? String(err)}\n`);
    return 3;
  }
}

class EndpointError extends Error {}

/** The `lint` subcommand. */
export const lintCommand: CliCommand = {
  name: "lint",
  usage: "pve-firewall lint [--json] PATH... | --endpoint",
  summary: "find rules Proxmox skips, never reaches or does not enforce (exit 0/1/2)",
  run: runLint,
};
