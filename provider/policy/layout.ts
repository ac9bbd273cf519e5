/**
 * Line positions of a `.fw` file: where each rule, group rule, IPSet and alias is. The codec's
 * `parseFw` returns the content only; order matters to Proxmox (a rule may only name what was read
 * before it) and locations matter to lint, so this scanner walks the lines the way the codec does.
 *
 * @module
 */
import { parseRuleLine } from "../fw/rule";
import { isBlank, parseIpOrCidr, PERL_NON_WS as S, splitComment, PERL_WS as W } from "../fw/text";
import type { FwConfig, FwFileKind } from "../fw/types";
import type { FileLayout } from "./types";

const SIMPLE_HEADER = /^\[(options|aliases|rules)\]$/i;
const NAMED_HEADER = new RegExp(`^\\[(ipset|group)${W}+(${S}+)\\]${W}*(?:#.*)?$`, "i");
const NAME = /^[A-Za-z][A-Za-z0-9\-_]+$/;
const MAX_NAME = { ipset: 64, group: 18 } as const;
const IPSET_ENTRY = new RegExp(`^(!)?${W}*(${S}+)${W}*$`);
const ALIAS = new RegExp(`^(${S}+)${W}(${S}+)$`);
const EDGE_BLANKS = /^[ \t]+|[ \t]+$/g;

/** Which sections a kind of file may hold (the codec's rule, BEHAVIOR.md §9). */
const ALLOWS: Readonly<Record<FwFileKind, { aliases: boolean; ipsets: boolean; groups: boolean }>> = {
  cluster: { aliases: true, ipsets: true, groups: true },
  guest: { aliases: true, ipsets: true, groups: false },
  host: { aliases: false, ipsets: false, groups: false },
  vnet: { aliases: false, ipsets: false, groups: false },
};

/** A section header as written, for lint (repeated sections). */
export interface SectionHeader {
  readonly line: number;
  /** `options`, `aliases`, `rules`, `ipset <name>` or `group <name>` (names lower-cased). */
  readonly key: string;
}

/** What {@link scanLayout} finds besides the layout. */
export interface ScanResult {
  readonly layout: FileLayout;
  /** Valid section headers in file order. */
  readonly headers: readonly SectionHeader[];
  /** 1-based lines that end in a carriage return (a CRLF file). */
  readonly crlfLines: readonly number[];
  /** 1-based line of every rule line (in `[RULES]` or a group), with its raw text. */
  readonly ruleText: ReadonlyMap<number, string>;
  /**
   * Every line inside each `[IPSET]` section, parseable or not, by set name: Proxmox keeps a line
   * it cannot parse as an entry with `errors`, and a codec that does the same lines up with these.
   */
  readonly ipsetLines: Readonly<Record<string, readonly number[]>>;
}

type Section =
  | { kind: "options" | "aliases" | "rules" }
  | { kind: "ipset"; name: string }
  | { kind: "group"; name: string }
  | undefined;

/**
 * Scans the text of a `kind` file for line positions. Never throws.
 *
 * @param text - the whole file
 * @param kind - which kind of file (decides the allowed sections, as in the codec)
 */
export function scanLayout(text: string, kind: FwFileKind): ScanResult {
  const allows = ALLOWS[kind];
  const rules: number[] = [];
  const groups: Record<string, number[]> = {};
  const ipsets: Record<string, number> = {};
  const ipsetEntries: Record<string, number[]> = {};
  const aliases: Record<string, number> = {};
  const headers: SectionHeader[] = [];
  const crlfLines: number[] = [];
  const ruleText = new Map<number, string>();
  const ipsetLines: Record<string, number[]> = {};
  let section: Section;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    if (raw.endsWith("\r")) crlfLines.push(lineNo);
    const line = raw.replace(EDGE_BLANKS, "");
    if (line.startsWith("#") || isBlank(line)) continue;
    if (line.startsWith("[")) {
      const simple = SIMPLE_HEADER.exec(line);
      if (simple) {
        const name = simple[1]!.toLowerCase() as "options" | "aliases" | "rules";
        if (name === "aliases" && !allows.aliases) continue;
        section = { kind: name };
        headers.push({ line: lineNo, key: name });
        continue;
      }
      const named = NAMED_HEADER.exec(line);
      if (!named) {
        if (section?.kind === "ipset") ipsetLines[section.name]!.push(lineNo);
        continue;
      }
      const what = named[1]!.toLowerCase() as "ipset" | "group";
      if (what === "ipset" ? !allows.ipsets : !allows.groups) continue;
      const name = named[2]!.toLowerCase();
      if (name.length > MAX_NAME[what] || !NAME.test(name)) {
        section = undefined;
        continue;
      }
      headers.push({ line: lineNo, key: `${what} ${name}` });
      if (what === "ipset") {
        ipsets[name] ??= lineNo;
        ipsetEntries[name] = [];
        ipsetLines[name] = [];
      } else groups[name] = [];
      section = { kind: what, name };
      continue;
    }
    if (!section) continue;
    switch (section.kind) {
      case "rules":
        if (parseRuleLine(line).ok) {
          rules.push(lineNo);
          ruleText.set(lineNo, line);
        }
        break;
      case "group":
        if (parseRuleLine(line).ok) {
          groups[section.name]!.push(lineNo);
          ruleText.set(lineNo, line);
        }
        break;
      case "ipset":
        ipsetLines[section.name]!.push(lineNo);
        if (IPSET_ENTRY.test(splitComment(line).body)) ipsetEntries[section.name]!.push(lineNo);
        break;
      case "aliases": {
        const hash = line.indexOf("#");
        const body = hash < 0 ? line : line.slice(0, hash).replace(new RegExp(`${W}+$`), "");
        const m = ALIAS.exec(body);
        if (m && parseIpOrCidr(m[2]!)) aliases[m[1]!.toLowerCase()] ??= lineNo;
        break;
      }
      case "options":
        break;
    }
  }
  return { layout: { rules, groups, ipsets, ipsetEntries, aliases }, headers, crlfLines, ruleText, ipsetLines };
}

/**
 * The layout of `scan` lined up with `config` element for element: rules, group rules and IPSet
 * entries (an IPSet's entries are its parseable lines, or all its lines when the codec keeps
 * unparseable ones as error entries). `undefined` when they do not line up: the caller then goes
 * without line positions rather than misplace them.
 */
export function alignLayout(scan: ScanResult, config: FwConfig): FileLayout | undefined {
  const { layout } = scan;
  if (layout.rules.length !== config.rules.length) return undefined;
  for (const g of config.groups) {
    if ((layout.groups[g.name.toLowerCase()]?.length ?? -1) !== g.rules.length) return undefined;
  }
  const ipsetEntries: Record<string, readonly number[]> = {};
  for (const s of config.ipsets) {
    const name = s.name.toLowerCase();
    const candidates = [layout.ipsetEntries[name], scan.ipsetLines[name]];
    const lines = candidates.find((c) => c?.length === s.entries.length);
    if (!lines) return undefined;
    ipsetEntries[name] = lines;
  }
  return { ...layout, ipsetEntries };
}
