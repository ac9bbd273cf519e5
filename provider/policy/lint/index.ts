/**
 * `pve-firewall lint`: findings about firewall files (or the configs read through the API), with
 * stable codes. Pure: the caller reads the files. Never throws on any file content.
 *
 * @module
 */
import { parseFw } from "../../fw/parse";
import type { FwFileKind } from "../../fw/types";
import { configFile } from "../configs";
import { scanLayout } from "../layout";
import { loadConfigs } from "../load";
import type { ConfigFile, PolicyConfigs, PolicyTopology } from "../types";
import { enforcementFindings } from "./enforcement";
import { type Finding, finding, sortFindings } from "./findings";
import { ipSetFindings } from "./ipsets";
import { ruleLists } from "./lists";
import { ruleFindings } from "./rules";
import { shadowFindings } from "./shadow";

export { CODES, type Code, exitCodeFor, type Finding, formatFinding, type Severity } from "./findings";

/** Which file of a cluster a text is. */
export type FileRole =
  | { readonly kind: "cluster" }
  | { readonly kind: "host"; readonly node: string }
  | { readonly kind: "guest"; readonly vmid: string }
  | { readonly kind: "vnet"; readonly vnet: string };

/** One file to lint. */
export interface LintFile {
  /** As the user named it; used in locations. */
  readonly path: string;
  readonly role: FileRole;
  /** The content, or undefined when it could not be read (then `error` says why). */
  readonly text?: string;
  readonly error?: string;
  /** Set when the role was guessed from nothing better than the default (reported as info). */
  readonly guessed?: boolean;
}

/** Options of the lint functions. */
export interface LintOptions {
  /** Nodes and guests (NIC `firewall=1` flags); without it NIC checks are skipped. */
  readonly topology?: PolicyTopology;
  /** Current Unix time in seconds (anti-lockout `enable` timestamps). */
  readonly nowSec: number;
}

/**
 * The role of a file from its path: `cluster.fw`, `host.fw` (node from `nodes/<node>/`),
 * `<vmid>.fw`, anything under `sdn/firewall/` (a VNet); anything else is read as a cluster file.
 */
export function roleOf(path: string): { role: FileRole; guessed: boolean } {
  const parts = path.split(/[\\/]/);
  const base = parts.at(-1) ?? "";
  if (base === "cluster.fw") return { role: { kind: "cluster" }, guessed: false };
  if (base === "host.fw") {
    const node = parts.length >= 3 && parts.at(-3) === "nodes" ? parts.at(-2)! : "host";
    return { role: { kind: "host", node }, guessed: false };
  }
  const vmid = /^(\d+)\.fw$/.exec(base);
  if (vmid) return { role: { kind: "guest", vmid: vmid[1]! }, guessed: false };
  if (parts.includes("sdn") && base.endsWith(".fw"))
    return { role: { kind: "vnet", vnet: base.slice(0, -3) }, guessed: false };
  return { role: { kind: "cluster" }, guessed: true };
}

/**
 * Lints files that belong to one cluster (at most one cluster file; hosts by node, guests by
 * vmid). Cross-file checks use whatever files are given: a guest file linted without its
 * cluster file sees no cluster aliases or IPSets.
 */
export function lintFiles(files: readonly LintFile[], options: LintOptions): Finding[] {
  const out: Finding[] = [];
  let cluster: ConfigFile | undefined;
  const hosts: Record<string, ConfigFile> = {};
  const guests: Record<string, ConfigFile> = {};
  for (const f of files) {
    if (f.text === undefined) {
      out.push(
        finding(
          "PVEFW004",
          { file: f.path, scope: f.path },
          `cannot read the file: ${f.error ?? "unknown error"}`,
          "check the path and permissions",
        ),
      );
      continue;
    }
    if (f.guessed) {
      out.push(
        finding(
          "PVEFW005",
          { file: f.path, scope: "cluster" },
          "the file name does not say which kind of file it is; it is read as a cluster file",
          "name it cluster.fw, host.fw (under nodes/<node>/) or <vmid>.fw",
        ),
      );
    }
    const kind: FwFileKind = f.role.kind;
    out.push(...lineFindings(f.path, f.text, kind, scopeOf(f.role)));
    const parsed = configFile(f.text, kind, f.path);
    if (f.role.kind === "cluster") cluster ??= parsed;
    else if (f.role.kind === "host") hosts[f.role.node] = parsed;
    else if (f.role.kind === "guest") guests[f.role.vmid] = parsed;
  }
  if (cluster === undefined && Object.keys(hosts).length + Object.keys(guests).length === 0) return sortFindings(out);
  const configs: PolicyConfigs = {
    // Without cluster.fw, assume the cluster firewall on, so only the given files are judged.
    cluster: cluster ?? { config: { options: { enable: "1" }, aliases: [], ipsets: [], rules: [], groups: [] } },
    hosts,
    guests,
  };
  const semantic = lintConfigs(configs, options);
  return sortFindings([...out, ...(cluster ? semantic : semantic.map(withoutCluster))]);
}

/** Lints configs (from files or the API): everything but the line-level checks. */
export function lintConfigs(configs: PolicyConfigs, options: LintOptions): Finding[] {
  const loaded = loadConfigs(configs);
  const lists = ruleLists(loaded);
  return sortFindings([
    ...ruleFindings(loaded, lists, options.topology),
    ...shadowFindings(
      loaded,
      lists,
      options.topology?.nodes.map((n) => n.name),
    ),
    ...ipSetFindings(loaded),
    ...enforcementFindings(loaded, lists, options.topology, options.nowSec),
  ]);
}

/** Without cluster.fw, a missing alias, IPSet or group may well be defined there: say so, as info. */
function withoutCluster(f: Finding): Finding {
  if (f.code !== "PVEFW020" && f.code !== "PVEFW021" && f.code !== "PVEFW022") return f;
  return { ...f, severity: "info", message: `${f.message} (cluster.fw was not given; it may be defined there)` };
}

function scopeOf(role: FileRole): string {
  switch (role.kind) {
    case "cluster":
      return "cluster";
    case "host":
      return `host/${role.node}`;
    case "guest":
      return `guest/${role.vmid}`;
    case "vnet":
      return `vnet/${role.vnet}`;
  }
}

/** Lines Proxmox skips, CRLF line ends, repeated sections. */
function lineFindings(path: string, text: string, kind: FwFileKind, scope: string): Finding[] {
  const out: Finding[] = [];
  const scan = scanLayout(text, kind);
  if (scan.crlfLines.length > 0) {
    out.push(
      finding(
        "PVEFW002",
        { file: path, line: scan.crlfLines[0]!, scope },
        `${scan.crlfLines.length} lines end in CRLF: Proxmox does not see a section header that ends in \\r, so the lines below it land in the wrong section or are skipped`,
        "convert the file to LF line ends (dos2unix)",
      ),
    );
  }
  // A line Proxmox keeps as an IPSet error entry is reported by the IPSet checks (PVEFW062).
  const entryLines = new Set(Object.values(scan.layout.ipsetEntries).flat());
  for (const d of parseFw(text, kind, path).diagnostics) {
    if (d.effect === "kept" && entryLines.has(d.line)) continue;
    out.push(
      finding(
        "PVEFW001",
        { file: path, line: d.line, scope },
        `${d.effect === "kept" ? "Proxmox cannot parse this line" : "Proxmox skips this line"}: ${d.message}`,
        fixFor(d.message),
      ),
    );
  }
  const first = new Map<string, number>();
  for (const h of scan.headers) {
    const at = first.get(h.key);
    if (at === undefined) {
      first.set(h.key, h.line);
      continue;
    }
    const named = h.key.startsWith("ipset ") || h.key.startsWith("group ");
    out.push(
      finding(
        "PVEFW003",
        { file: path, line: h.line, scope },
        named
          ? `[${h.key.toUpperCase().replace(/ .*/, "")} ${h.key.slice(h.key.indexOf(" ") + 1)}] appears again (first at line ${at}): Proxmox discards everything listed under the earlier one`
          : `[${h.key.toUpperCase()}] appears again (first at line ${at}); Proxmox continues the same section`,
        named ? "merge both sections into one" : "merge the sections",
        named ? "warning" : "info",
      ),
    );
  }
  return out;
}

function fixFor(message: string): string {
  if (message.startsWith("can't parse option"))
    return "use an option Proxmox knows for this file, written as `key: value`";
  if (message.startsWith("unknown section header"))
    return "use [OPTIONS], [ALIASES], [RULES], [IPSET name] or [group name]";
  if (message.includes("not allowed in a"))
    return "move the section to the file kind that allows it (cluster.fw or <vmid>.fw)";
  if (message.startsWith("skip line - no section")) return "put the line under a section header";
  if (message.includes("rule"))
    return "write the rule as `IN|OUT|GROUP ACTION [-i IFACE] [-source X] [-dest X] [-p PROTO] [-dport P] [-sport P]`";
  return "correct the line or delete it";
}
