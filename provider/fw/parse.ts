import { FwParseError } from "../errors";
import type { AliasFields, RuleFields } from "../model/wire";
import { type IpSetLineContext, parseAliasLine, parseIpSetLine } from "./entry";
import { parseOptionLine } from "./option";
import { parseRuleLine } from "./rule";
import { isBlank, perlTrue, PERL_NON_WS as S, PERL_WS as W } from "./text";
import type { FwConfig, FwDiagnostic, FwFileKind, FwGroup, FwIpSet, FwIpSetEntry, FwParseResult } from "./types";

/**
 * The `.fw` reader, line for line what Proxmox's `generic_fw_config_parser` does: blanks around
 * each line are ignored, `#` lines and blank lines are skipped, section headers are
 * case-insensitive and only those the kind of file has are headers (anything else, e.g. `[RULES]\r`
 * in a CRLF file, is read as a line of the open section). Every line Proxmox does not read as
 * written is reported in `diagnostics` (never thrown): dropped lines, and lines Proxmox keeps as
 * something else (the nameless alias, IPSet entries with `errors`).
 */

type Section =
  | { kind: "options" }
  | { kind: "aliases" }
  | { kind: "rules" }
  | { kind: "ipset"; set: MutableIpSet; lines: IpSetLineContext }
  | { kind: "group"; group: MutableGroup };

type MutableIpSet = { name: string; comment?: string; entries: FwIpSetEntry[] };
type MutableGroup = { name: string; comment?: string; rules: RuleFields[] };

/** Which sections a kind of file may hold (BEHAVIOR.md §9; Proxmox's `$empty_conf` keys). */
const ALLOWS: Readonly<Record<FwFileKind, { aliases: boolean; ipsets: boolean; groups: boolean }>> = {
  cluster: { aliases: true, ipsets: true, groups: true },
  guest: { aliases: true, ipsets: true, groups: false },
  host: { aliases: false, ipsets: false, groups: false },
  vnet: { aliases: false, ipsets: false, groups: false },
};

const SIMPLE_HEADER = /^\[(options|aliases|rules)\]$/i;
const NAMED_HEADER = new RegExp(`^\\[(ipset|group)${W}+(${S}+)\\]${W}*(?:#${W}*([\\s\\S]*?)${W}*)?$`, "i");
const NAME = /^[A-Za-z][A-Za-z0-9\-_]+$/;
const MAX_NAME = { ipset: 64, group: 18 } as const;
const EDGE_BLANKS = /^[ \t]+|[ \t]+$/g;
const EDGE_BLANK = /^[ \t]|[ \t]$/;

/** What {@link parseFw} builds while it reads; maps keep Proxmox's hash semantics. */
interface ParseState {
  readonly kind: FwFileKind;
  readonly options: Record<string, string>;
  readonly aliases: Map<string, AliasFields>;
  readonly ipsets: Map<string, MutableIpSet>;
  readonly rules: RuleFields[];
  readonly groups: Map<string, MutableGroup>;
  readonly clusterAlias: ((key: string) => boolean) | undefined;
  section: Section | undefined;
}

/** What one line did: nothing to report, or a diagnostic without file and line. */
type LineOutcome = { message: string; effect: FwDiagnostic["effect"] } | undefined;

/**
 * Parses the text of a Proxmox firewall config file.
 *
 * Names are treated as Proxmox treats them: IPSet and group names are lower-cased, and a later
 * section with the same (lower-cased) name replaces the earlier one's entries while keeping its
 * comment unless the later header has one. Aliases are keyed by lower-cased name (a later line
 * replaces an earlier one). IPSet entries keep duplicates, alias names and invalid addresses, with
 * Proxmox's `errors`; valid addresses lose a `/32` or `/128` suffix.
 *
 * @param text - the whole file content
 * @param kind - which kind of file it is; decides the sections that are headers and the options
 * @param fileName - named in diagnostics; default `<kind>.fw`
 * @param cluster - for a guest file, the cluster's config, whose aliases IPSet entries such as
 *   `dc/office` must name (Proxmox parses guest files with the cluster config at hand). Without it,
 *   such entries are not checked. A `cluster.fw` checks against its own aliases, as far as read.
 * @returns the config and one diagnostic per line Proxmox does not read as written
 */
export function parseFw(
  text: string,
  kind: FwFileKind,
  fileName?: string,
  cluster?: Pick<FwConfig, "aliases">,
): FwParseResult {
  const clusterKeys = cluster && new Set(cluster.aliases.map((a) => a.name.toLowerCase()));
  const state: ParseState = {
    kind,
    options: {},
    aliases: new Map(),
    ipsets: new Map(),
    rules: [],
    groups: new Map(),
    clusterAlias: clusterKeys && ((key) => clusterKeys.has(key)),
    section: undefined,
  };
  const file = fileName ?? `${kind}.fw`;
  const diagnostics: FwDiagnostic[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = EDGE_BLANK.test(raw) ? raw.replace(EDGE_BLANKS, "") : raw;
    if (line.startsWith("#") || isBlank(line)) continue;
    const outcome = parseLine(state, line);
    if (outcome) diagnostics.push({ file, line: i + 1, text: line, ...outcome });
  }
  const config: FwConfig = {
    options: state.options,
    aliases: [...state.aliases.values()],
    ipsets: [...state.ipsets.values()] as FwIpSet[],
    rules: state.rules,
    groups: [...state.groups.values()] as FwGroup[],
  };
  return { config, diagnostics };
}

/**
 * Like {@link parseFw}, but throws on the first line Proxmox does not read as written.
 *
 * @throws FwParseError naming `fileName` (default `<kind>.fw`), the 1-based line and the reason
 */
export function parseFwStrict(text: string, kind: FwFileKind, fileName?: string): FwConfig {
  const { config, diagnostics } = parseFw(text, kind, fileName);
  const first = diagnostics[0];
  if (first) throw new FwParseError(first.file, first.line, first.message);
  return config;
}

/** Handles one non-blank, non-comment line. */
function parseLine(state: ParseState, line: string): LineOutcome {
  const header = line.startsWith("[") ? parseHeader(state, line) : "none";
  if (header !== "none") return header;
  const outcome = parseSectionLine(state, line);
  return outcome && line.startsWith("[") ? { ...outcome, message: notAHeader(line, state.kind, outcome) } : outcome;
}

function parseSectionLine(state: ParseState, line: string): LineOutcome {
  const section = state.section;
  if (!section) return dropped("skip line - no section");
  switch (section.kind) {
    case "options": {
      const r = parseOptionLine(line, state.kind);
      if (!r.ok) return dropped(r.reason);
      state.options[r.key] = r.value;
      return undefined;
    }
    case "aliases": {
      const r = parseAliasLine(line);
      if (!r.ok) return dropped(r.reason);
      state.aliases.set(r.alias.name.toLowerCase(), r.alias);
      return r.unparseable
        ? { effect: "kept", message: "unable to parse alias; Proxmox keeps a nameless alias in its place" }
        : undefined;
    }
    case "rules":
    case "group": {
      const r = parseRuleLine(line);
      if (!r.ok) return dropped(r.reason);
      (section.kind === "rules" ? state.rules : section.group.rules).push(r.rule);
      return undefined;
    }
    case "ipset": {
      const entry = parseIpSetLine(line, section.lines);
      section.set.entries.push(entry);
      if (!entry.errors) return undefined;
      const what = entry.cidr === "" ? "an entry without cidr" : `entry '${entry.cidr}'`;
      return { effect: "kept", message: `ipset '${section.set.name}': ${what}: ${entry.errors.cidr.trimEnd()}` };
    }
  }
}

/** A header this kind of file has, or `"none"` when the line is read as part of the open section. */
function parseHeader(state: ParseState, line: string): LineOutcome | "none" {
  const allows = ALLOWS[state.kind];
  const simple = SIMPLE_HEADER.exec(line);
  if (simple) {
    const name = simple[1]!.toLowerCase() as "options" | "aliases" | "rules";
    if (name === "aliases" && !allows.aliases) return "none";
    state.section = { kind: name };
    return undefined;
  }
  const named = NAMED_HEADER.exec(line);
  if (!named) return "none";
  const what = named[1]!.toLowerCase() as "ipset" | "group";
  if (what === "ipset" ? !allows.ipsets : !allows.groups) return "none";
  const name = named[2]!.toLowerCase();
  const comment = named[3];
  const label = what === "ipset" ? "ipset" : "security group";
  const invalid =
    name.length > MAX_NAME[what]
      ? `${label} name too long`
      : NAME.test(name)
        ? undefined
        : `invalid ${label} name '${name}'`;
  if (invalid) {
    state.section = undefined;
    return dropped(invalid);
  }
  if (what === "ipset") {
    const set = reopen(state.ipsets, name, comment, (s) => (s.entries = []), { name, entries: [] });
    const localAlias = (key: string) => state.aliases.has(key);
    const clusterAlias = state.kind === "cluster" ? localAlias : state.clusterAlias;
    state.section = { kind: "ipset", set, lines: { seen: new Set(), localAlias, clusterAlias } };
  } else {
    const group = reopen(state.groups, name, comment, (g) => (g.rules = []), { name, rules: [] });
    state.section = { kind: "group", group };
  }
  return undefined;
}

/** A (re)opened named section: Proxmox empties an existing one and replaces its comment if given. */
function reopen<T extends { comment?: string }>(
  map: Map<string, T>,
  name: string,
  comment: string | undefined,
  clear: (existing: T) => void,
  fresh: T,
): T {
  const existing = map.get(name);
  const target = existing ?? fresh;
  if (existing) clear(existing);
  else map.set(name, fresh);
  if (perlTrue(comment)) target.comment = comment;
  return target;
}

function dropped(message: string): LineOutcome {
  return { effect: "dropped", message };
}

/** The message of a `[...]` line that is not a header here, saying why and what became of it. */
function notAHeader(line: string, kind: FwFileKind, outcome: NonNullable<LineOutcome>): string {
  const why = line.endsWith("\r")
    ? " (it ends with a carriage return: the file has CRLF line endings)"
    : ` of a ${kind} file`;
  return `'${line.replace(/\r/g, "\\r")}' is not a section header${why}: ${outcome.message}`;
}
