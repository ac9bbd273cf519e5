import { FwParseError } from "../errors";
import type { AliasFields, IpSetEntryFields, RuleFields } from "../model/wire";
import { parseOptionLine } from "./option";
import { parseRuleLine } from "./rule";
import { isBlank, parseIpOrCidr, perlTrue, PERL_NON_WS as S, splitComment, trimPerlWs, PERL_WS as W } from "./text";
import type { FwConfig, FwDiagnostic, FwFileKind, FwGroup, FwIpSet, FwParseResult } from "./types";

/**
 * The `.fw` reader, line for line what Proxmox's `generic_fw_config_parser` does:
 * blanks around each line are ignored, `#` lines and blank lines are skipped, section headers are
 * case-insensitive, and every line that Proxmox would warn about and drop is dropped here and
 * reported in `diagnostics` instead (never thrown).
 */

type Section =
  | { kind: "options" }
  | { kind: "aliases" }
  | { kind: "rules" }
  | { kind: "ipset"; set: MutableIpSet }
  | { kind: "group"; group: MutableGroup };

type MutableIpSet = { name: string; comment?: string; entries: IpSetEntryFields[] };
type MutableGroup = { name: string; comment?: string; rules: RuleFields[] };

/** Which sections a kind of file may hold (BEHAVIOR.md §9). */
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
const IPSET_ENTRY = new RegExp(`^(!)?${W}*(${S}+)${W}*$`);
const ALIAS = new RegExp(`^(${S}+)${W}(${S}+)$`);
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
  section: Section | undefined;
}

/**
 * Parses the text of a Proxmox firewall config file.
 *
 * Names are treated as Proxmox treats them: IPSet and group names are lower-cased, and a later
 * section with the same (lower-cased) name replaces the earlier one's entries while keeping its
 * comment unless the later header has one. Aliases are keyed by lower-cased name (a later line
 * replaces an earlier one). IPSet entries keep duplicates, alias names and invalid addresses
 * (Proxmox keeps them with `errors`); valid addresses lose a `/32` or `/128` suffix.
 *
 * @param text - the whole file content
 * @param kind - which kind of file it is; decides the allowed sections and options
 * @param _fileName - accepted for symmetry with {@link parseFwStrict}; diagnostics carry line numbers only
 * @returns the config and one diagnostic (1-based line, reason) per dropped line
 */
export function parseFw(text: string, kind: FwFileKind, _fileName?: string): FwParseResult {
  const state: ParseState = {
    kind,
    options: {},
    aliases: new Map(),
    ipsets: new Map(),
    rules: [],
    groups: new Map(),
    section: undefined,
  };
  const diagnostics: FwDiagnostic[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = EDGE_BLANK.test(raw) ? raw.replace(EDGE_BLANKS, "") : raw;
    if (line.startsWith("#") || isBlank(line)) continue;
    const reason = parseLine(state, line);
    if (reason !== undefined) diagnostics.push({ line: i + 1, message: reason });
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
 * Like {@link parseFw}, but throws on the first line Proxmox would drop.
 *
 * @throws FwParseError naming `fileName` (default `<kind>.fw`), the 1-based line and the reason
 */
export function parseFwStrict(text: string, kind: FwFileKind, fileName?: string): FwConfig {
  const { config, diagnostics } = parseFw(text, kind, fileName);
  const first = diagnostics[0];
  if (first) throw new FwParseError(fileName ?? `${kind}.fw`, first.line, first.message);
  return config;
}

/** Handles one non-blank, non-comment line; returns why it is dropped, or undefined. */
function parseLine(state: ParseState, line: string): string | undefined {
  if (line.startsWith("[")) return parseHeader(state, line);
  const section = state.section;
  if (!section) return "skip line - no section";
  switch (section.kind) {
    case "options": {
      const r = parseOptionLine(line, state.kind);
      if (!r.ok) return r.reason;
      state.options[r.key] = r.value;
      return undefined;
    }
    case "aliases":
      return parseAliasLine(state, line);
    case "rules": {
      const r = parseRuleLine(line);
      if (!r.ok) return r.reason;
      state.rules.push(r.rule);
      return undefined;
    }
    case "group": {
      const r = parseRuleLine(line);
      if (!r.ok) return r.reason;
      section.group.rules.push(r.rule);
      return undefined;
    }
    case "ipset":
      return parseIpSetLine(section.set, line);
  }
}

function parseHeader(state: ParseState, line: string): string | undefined {
  const allows = ALLOWS[state.kind];
  const simple = SIMPLE_HEADER.exec(line);
  if (simple) {
    const name = simple[1]!.toLowerCase() as "options" | "aliases" | "rules";
    if (name === "aliases" && !allows.aliases) return notAllowed(line, state.kind);
    state.section = { kind: name };
    return undefined;
  }
  const named = NAMED_HEADER.exec(line);
  if (!named) return `unknown section header '${line}'`;
  const what = named[1]!.toLowerCase() as "ipset" | "group";
  if (what === "ipset" ? !allows.ipsets : !allows.groups) return notAllowed(line, state.kind);
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
    return invalid;
  }
  if (what === "ipset") {
    const set = reopen(state.ipsets, name, comment, (s) => (s.entries = []), { name, entries: [] });
    state.section = { kind: "ipset", set };
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

function notAllowed(line: string, kind: FwFileKind): string {
  return `section '${line}' is not allowed in a ${kind} file`;
}

function parseAliasLine(state: ParseState, line: string): string | undefined {
  const hash = line.indexOf("#");
  const body = hash < 0 ? line : line.slice(0, hash).replace(new RegExp(`${W}+$`), "");
  const comment = hash < 0 ? undefined : trimPerlWs(line.slice(hash + 1));
  const m = ALIAS.exec(body);
  if (!m) return `unable to parse alias: ${line}`;
  const ip = parseIpOrCidr(m[2]!);
  if (!ip) return `alias '${m[1]}': value does not look like a valid IP address or CIDR network`;
  const alias: AliasFields = { name: m[1]!, cidr: ip.cidr };
  if (perlTrue(comment)) alias.comment = comment;
  state.aliases.set(alias.name.toLowerCase(), alias);
  return undefined;
}

function parseIpSetLine(set: MutableIpSet, line: string): string | undefined {
  const { body, comment } = splitComment(line);
  const m = IPSET_ENTRY.exec(body);
  if (!m) return `unable to parse ipset entry: ${line}`;
  const raw = m[2]!;
  const entry: IpSetEntryFields = { cidr: parseIpOrCidr(raw)?.cidr ?? raw };
  if (m[1]) entry.nomatch = 1;
  if (perlTrue(comment)) entry.comment = comment;
  set.entries.push(entry);
  return undefined;
}
