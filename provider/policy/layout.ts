/**
 * Line positions of a `.fw` file: where each rule, group rule, IPSet and alias is. The codec's
 * `parseFw` returns the content only; order matters to Proxmox (a rule may only name what was read
 * before it) and locations matter to lint, so this scanner walks the lines the way the codec does.
 *
 * @module
 */
import { parseRuleLine } from "../fw/rule";
import { isBlank, parseIpOrCidr, PERL_NON_WS as S, PERL_WS as W } from "../fw/text";
import type { FwConfig, FwFileKind } from "../fw/types";
import type { FileLayout } from "./types";

const SIMPLE_HEADER = /^\[(options|aliases|rules)\]$/i;
const NAMED_HEADER = new RegExp(`^\\[(ipset|group)${W}+(${S}+)\\]${W}*(?:#.*)?$`, "i");
const NAME = /^[A-Za-z][A-Za-z0-9\-_]+$/;
const MAX_NAME = { ipset: 64, group: 18 } as const;
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
}

/**
 * Whether a bracket line is a section header in a file of this kind; any other line (a CRLF
 * header, a section the kind may not hold) belongs to the open section, as in the codec.
 */
function isHeader(line: string, allows: (typeof ALLOWS)[FwFileKind]): boolean {
  const simple = SIMPLE_HEADER.exec(line);
  if (simple) return simple[1]!.toLowerCase() !== "aliases" || allows.aliases;
  const named = NAMED_HEADER.exec(line);
  if (!named) return false;
  return named[1]!.toLowerCase() === "ipset" ? allows.ipsets : allows.groups;
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
  let section: Section;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    if (raw.endsWith("\r")) crlfLines.push(lineNo);
    const line = raw.replace(EDGE_BLANKS, "");
    if (line.startsWith("#") || isBlank(line)) continue;
    if (line.startsWith("[") && isHeader(line, allows)) {
      const simple = SIMPLE_HEADER.exec(line);
      if (simple) {
        const name = simple[1]!.toLowerCase() as "options" | "aliases" | "rules";
        section = { kind: name };
        headers.push({ line: lineNo, key: name });
        continue;
      }
      const named = NAMED_HEADER.exec(line)!;
      const what = named[1]!.toLowerCase() as "ipset" | "group";
      const name = named[2]!.toLowerCase();
      if (name.length > MAX_NAME[what] || !NAME.test(name)) {
        section = undefined;
        continue;
      }
      headers.push({ line: lineNo, key: `${what} ${name}` });
      if (what === "ipset") {
        ipsets[name] ??= lineNo;
        ipsetEntries[name] = [];
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
        // Proxmox keeps a line it cannot parse as an entry with `errors`, and so does the codec.
        ipsetEntries[section.name]!.push(lineNo);
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
  return { layout: { rules, groups, ipsets, ipsetEntries, aliases }, headers, crlfLines, ruleText };
}

/**
 * The layout of `scan` lined up with `config` element for element: rules, group rules and IPSet
 * entries (every line of an IPSet section is an entry: the codec keeps an unparseable one as an
 * error entry, as Proxmox does). `undefined` when they do not line up: the caller then goes
 * without line positions rather than misplace them.
 */
export function alignLayout(scan: ScanResult, config: FwConfig): FileLayout | undefined {
  const { layout } = scan;
  if (layout.rules.length !== config.rules.length) return undefined;
  for (const g of config.groups) {
    if ((layout.groups[g.name.toLowerCase()]?.length ?? -1) !== g.rules.length) return undefined;
  }
  for (const s of config.ipsets) {
    if ((layout.ipsetEntries[s.name.toLowerCase()]?.length ?? -1) !== s.entries.length) return undefined;
  }
  return layout;
}
