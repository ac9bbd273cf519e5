/**
 * `pve-firewall import`'s generator: a {@link FwSnapshot} in, a complete Pulumi TypeScript project
 * out (`Pulumi.yaml`, `package.json`, `tsconfig.json`, `index.ts`, `README.md`, and a JSON data
 * file per large IPSet). One resource per object, each with `adopt: true`; rules point at IPSets,
 * aliases and groups through those resources' outputs. Pure: the same snapshot always gives the same
 * files, whatever it was read from.
 *
 * @module
 */
import type { OptionsScopeKind } from "../model/options";
import { CLUSTER, type Scope } from "../model/scope";
import { code, emit, type Value } from "./emit";
import { logicalName, NameRegistry, type ObjectKind } from "./names";
import { aliasArgs, type BuildContext, declarableEntries, entryValue, optionArgs, ruleArgs } from "./objects";
import { projectFiles } from "./project";
import type { Declared, RefTables } from "./refs";
import { type FwSnapshot, type SnapshotFile, type SnapshotWarning, snapshotFiles, sortSnapshot } from "./snapshot";

/** Options of {@link generateProject}. */
export interface GenerateOptions {
  /** Pulumi project name. @default "proxmox-firewall" */
  readonly projectName?: string;
  /** What was imported, for the README (`--scope` text). @default "all" */
  readonly scope?: string;
  /** Version ranges of the generated `package.json`. */
  readonly versions: {
    readonly package: string;
    readonly pulumi: string;
    readonly typescript: string;
    readonly nodeTypes: string;
  };
  /** IPSets with more entries than this are loaded from a data file. @default 200 */
  readonly dataFileThreshold?: number;
}

/** The generated project: file contents by path relative to the project directory, and what was left out. */
export interface GeneratedProject {
  readonly files: ReadonlyMap<string, string>;
  readonly warnings: readonly SnapshotWarning[];
  /** How many resources `index.ts` declares. */
  readonly resources: number;
}

const OPTIONS_CLASS: Readonly<Record<OptionsScopeKind, string>> = {
  cluster: "ClusterFirewallOptions",
  node: "NodeFirewallOptions",
  vm: "GuestFirewallOptions",
  vnet: "VnetFirewallOptions",
};

/** Builds `index.ts` section by section while keeping names unique across the program. */
class ProgramWriter {
  readonly names = new NameRegistry();
  readonly warnings: SnapshotWarning[] = [];
  readonly dataFiles = new Map<string, string>();
  readonly sections: string[] = [];
  /** Comment lines that open a file's declarations, by the index of its first section. */
  readonly titles = new Map<number, string>();
  /** Variables declared with `const`, by the index of their section. */
  readonly bound = new Map<number, string>();
  interpolates = false;
  resources = 0;
  constructor(readonly threshold: number) {}

  /** A fresh context for one resource's arguments; its warnings name `file` (and a line of it, from `lines`). */
  context(tables: RefTables, file: SnapshotFile): BuildContext {
    return {
      tables,
      ...(file.lines === undefined ? {} : { lines: file.lines }),
      dependsOn: new Set<Declared>(),
      interpolates: false,
      warn: (message, at) => this.warnings.push({ file: file.path, ...at, message }),
    };
  }

  /** A unique logical name and variable for one object. */
  reserve(scope: Scope, kind: ObjectKind, name?: string): { logical: string; id: string } {
    const logical = this.names.name(logicalName(scope, kind, name));
    return { logical, id: this.names.identifier(logical) };
  }

  /**
   * Adds `new fw.Class("logical", { scope, ...args, adopt: true }[, { dependsOn }]);`; with `bind`,
   * as `const id = ...` when a later declaration uses it.
   */
  declare(
    cls: string,
    scope: Scope,
    names: { logical: string; id: string },
    args: Record<string, Value | undefined>,
    ctx: BuildContext,
    options: { bind: boolean; dependsOn?: readonly string[] },
  ): void {
    if (ctx.interpolates) this.interpolates = true;
    const full = { ...scopeArg(scope), ...args, adopt: true };
    const deps = [...[...ctx.dependsOn].map((d) => d.id), ...(options.dependsOn ?? [])];
    const opts = deps.length > 0 ? `, { dependsOn: [${deps.join(", ")}] }` : "";
    if (options.bind) this.bound.set(this.sections.length, names.id);
    const head = `new fw.${cls}(${JSON.stringify(names.logical)}, `;
    // Laid out as if bound to its variable, so the line fits either way.
    const column = `const ${names.id} = ${head}`.length + opts.length + 2;
    this.sections.push(`${head}${emit(full, 0, column)}${opts});\n`);
    this.resources++;
  }

  /** The declarations, each bound to its variable when a later one uses it. */
  text(): string[] {
    return this.sections.map((section, i) => {
      const id = this.bound.get(i);
      const used = id !== undefined && this.sections.some((other, j) => j > i && new RegExp(`\\b${id}\\b`).test(other));
      return `${this.titles.get(i) ?? ""}${used ? `const ${id} = ` : ""}${section}`;
    });
  }
}

function scopeArg(scope: Scope): Record<string, Value> {
  switch (scope.kind) {
    case "cluster":
    case "group":
      return {};
    case "node":
      return { scope: { node: scope.node } };
    case "vm":
      return {
        scope: { node: scope.node, vmid: scope.vmid, ...(scope.guestType === "lxc" ? { guestType: "lxc" } : {}) },
      };
    case "vnet":
      return { scope: { vnet: scope.vnet } };
  }
}

function optionsKind(scope: Scope): OptionsScopeKind {
  return scope.kind === "group" ? "cluster" : scope.kind;
}

/**
 * Generates the project for `snapshot`.
 *
 * Order in `index.ts`: the datacenter's aliases, IPSets, security groups, rules and options, then
 * each node, guest (aliases, IPSets, rules, options) and VNet; an options resource depends on its
 * scope's rules (so a fresh cluster never gets a DROP policy before the rules that let you in).
 */
export function generateProject(snapshot: FwSnapshot, options: GenerateOptions): GeneratedProject {
  const w = new ProgramWriter(options.dataFileThreshold ?? 200);
  const clusterIpSets = new Map<string, Declared>();
  const clusterAliases = new Map<string, Declared>();
  const groups = new Map<string, Declared>();
  for (const file of snapshotFiles(sortSnapshot(snapshot))) {
    const scope = file.scope;
    const own = { ipSets: new Map<string, Declared>(), aliases: new Map<string, Declared>() };
    const local = scope.kind === "cluster" ? { ipSets: clusterIpSets, aliases: clusterAliases } : own;
    const tables: RefTables = {
      clusterIpSets,
      clusterAliases,
      groups,
      ...(scope.kind === "cluster" || scope.kind === "vm" ? { guest: local } : {}),
    };
    const start = w.sections.length;
    declareFile(w, file, tables, local);
    if (scope.kind === "cluster") declareGroups(w, file, { clusterIpSets, clusterAliases, groups });
    declareRulesAndOptions(w, file, tables);
    if (w.sections.length > start) w.titles.set(start, `// ${title(scope)}: ${file.path}\n`);
  }
  const index = programText(w, options);
  const files = projectFiles(options, snapshot, index, w.resources);
  for (const [path, text] of w.dataFiles) files.set(path, text);
  return { files, warnings: w.warnings, resources: w.resources };
}

/** Objects in Proxmox's list order (aliases by lower-cased name, IPSets and groups by name), whatever the file's order. */
function byName<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function title(scope: Scope): string {
  switch (scope.kind) {
    case "cluster":
    case "group":
      return "Datacenter";
    case "node":
      return `Node ${scope.node}`;
    case "vm":
      return `${scope.guestType === "lxc" ? "Container" : "VM"} ${scope.vmid} on ${scope.node}`;
    case "vnet":
      return `VNet ${scope.vnet}`;
  }
}

/** Aliases and IPSets of a datacenter or guest file, registered in `local` for later references. */
function declareFile(
  w: ProgramWriter,
  file: SnapshotFile,
  tables: RefTables,
  local: { ipSets: Map<string, Declared>; aliases: Map<string, Declared> },
): void {
  const { scope, config } = file;
  const guestRef = scope.kind === "vm";
  for (const alias of byName(config.aliases, (a) => a.name.toLowerCase())) {
    const ctx = w.context(tables, file);
    const args = aliasArgs(alias, ctx);
    if (!args) continue;
    const names = w.reserve(scope, "alias", alias.name);
    w.declare("Alias", scope, names, args, ctx, { bind: true });
    const ref = `${guestRef ? "guest" : "dc"}/${alias.name}`;
    local.aliases.set(alias.name.toLowerCase(), { id: names.id, name: alias.name, ref });
  }
  for (const set of byName(config.ipsets, (s) => s.name)) {
    const ctx = w.context(tables, file);
    const entries = declarableEntries(set, ctx);
    const args: Record<string, Value | undefined> = { name: set.name, comment: set.comment };
    const names = w.reserve(scope, "ipset", set.name);
    if (entries.length > w.threshold) {
      const dataFile = `ipsets/${names.logical}.json`;
      const lines = entries.map((e) => `  ${JSON.stringify(entryValue(e, ctx, true))}`);
      w.dataFiles.set(dataFile, `[\n${lines.join(",\n")}\n]\n`);
      args.entries = code(`entriesFrom(${JSON.stringify(dataFile)})`);
    } else if (entries.length > 0) args.entries = entries.map((e) => entryValue(e, ctx, false));
    w.declare("IpSet", scope, names, args, ctx, { bind: true });
    local.ipSets.set(set.name, { id: names.id, name: set.name, ref: `+${guestRef ? "guest" : "dc"}/${set.name}` });
  }
}

function declareGroups(w: ProgramWriter, file: SnapshotFile, tables: RefTables): void {
  const groups = tables.groups as Map<string, Declared>;
  for (const group of byName(file.config.groups, (g) => g.name)) {
    const ctx = w.context(tables, file);
    const scope: Scope = { kind: "group", group: group.name };
    const rules = group.rules.map((r, i) => ruleArgs(r, i, scope, ctx));
    const args = { name: group.name, comment: group.comment, ...(rules.length > 0 ? { rules } : {}) };
    const names = w.reserve(CLUSTER, "group", group.name);
    w.declare("SecurityGroup", CLUSTER, names, args, ctx, { bind: true });
    groups.set(group.name, { id: names.id, name: group.name, ref: undefined });
  }
}

function declareRulesAndOptions(w: ProgramWriter, file: SnapshotFile, tables: RefTables) {
  const { scope, config } = file;
  let rulesId: string | undefined;
  if (config.rules.length > 0) {
    const ctx = w.context(tables, file);
    const rules = config.rules.map((r, i) => ruleArgs(r, i, scope, ctx));
    const names = w.reserve(scope, "rules");
    w.declare("FirewallRules", scope, names, { rules }, ctx, { bind: true });
    rulesId = names.id;
  }
  if (Object.keys(config.options).length > 0) {
    const ctx = w.context(tables, file);
    const kind = optionsKind(scope);
    const args = optionArgs(kind, config.options, ctx);
    const names = w.reserve(scope, "options");
    w.declare(OPTIONS_CLASS[kind], scope, names, args, ctx, { bind: false, dependsOn: rulesId ? [rulesId] : [] });
  }
}

function programText(w: ProgramWriter, options: GenerateOptions): string {
  const usesData = w.dataFiles.size > 0;
  const imports = [
    ...(usesData ? ['import { readFileSync } from "node:fs";', 'import { join } from "node:path";'] : []),
    ...(w.interpolates ? ['import * as pulumi from "@pulumi/pulumi";'] : []),
    'import * as fw from "pulumi-proxmox-firewall";',
  ];
  const helper = usesData
    ? [
        "/** Entries of a large IPSet, kept in a JSON data file beside this program. */",
        "function entriesFrom(file: string): (string | fw.IpSetEntryArgs)[] {",
        '  return JSON.parse(readFileSync(join(__dirname, file), "utf8")) as (string | fw.IpSetEntryArgs)[];',
        "}",
        "",
      ]
    : [];
  const header = [
    `// Generated by \`pve-firewall import --scope ${options.scope ?? "all"}\` (pulumi-proxmox-firewall ${options.versions.package.replace(/^\^/, "")}).`,
    "// Every resource adopts the live object (`adopt: true`): the first `pulumi up` takes it over and,",
    "// when it already matches this program, writes nothing. Edit freely from then on.",
  ];
  const body = w.sections.length > 0 ? w.text().join("\n") : "// Nothing to manage: the imported firewall is empty.\n";
  return `${[...header, ...imports, ""].join("\n")}\n${helper.join("\n")}${helper.length > 0 ? "\n" : ""}${body}`;
}
