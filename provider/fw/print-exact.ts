import type { RuleFields } from "../model/wire";
import { perlTrue } from "./text";
import type { FwConfig, FwFileKind, FwIpSet, FwIpSetEntry } from "./types";

/**
 * A writer for exports: unlike Proxmox's (see `print.ts`), which sorts entries, drops duplicates
 * and loses what it could not parse, it writes a config so that {@link parseFw} (and so Proxmox)
 * reads back the very same config: the same API answers, digests included.
 */

/** Three words: an `[ALIASES]` line Proxmox cannot parse, so it keeps the nameless alias for it. */
const NAMELESS_ALIAS_LINE = "(unparseable alias line)";
/** Two words and more: an `[IPSET]` line Proxmox keeps as an entry without cidr. */
const CIDRLESS_ENTRY_LINE = "(unparseable ipset line)";
const SIMPLE_HEADER = /^\[(options|aliases|rules)\]$/i;
const MISSING_ALIAS = /^no such alias '(.*)'$/;

/**
 * Writes `config` so that reading the text back gives `config` again, for any config
 * {@link parseFw} returns (and the same config built from API answers):
 *
 * - sections in Proxmox's order (options, aliases, IPSets, rules, groups), each in the config's
 *   order; IPSet entries in their order, duplicates and entries with `errors` included;
 * - the nameless alias as `(unparseable alias line)`, an entry without cidr as
 *   `(unparseable ipset line)` (with ` #` when it has no `nomatch`, as Perl's stale `$1` decides);
 * - an entry such as `[RULES]` (from a CRLF file) with ` #`, so it is not read as a header;
 * - rule fields whenever set (Proxmox's writer skips Perl-false values such as `-dport 0`) and a
 *   rule comment whenever set, even empty;
 * - an IPSet whose entries name an alias defined in the file but were read before it (so carry
 *   `no such alias`) before the `[ALIASES]` section, which keeps that error.
 *
 * @param config - the config to write (e.g. from {@link parseFw}, or built from API answers)
 * @param kind - which kind of file to write; decides the sections written
 * @returns the file content; the empty string for an empty config
 */
export function printFwExact(config: FwConfig, kind: FwFileKind): string {
  let out = "";
  const keys = Object.keys(config.options);
  if (keys.length > 0)
    out += section(
      "[OPTIONS]",
      keys.map((k) => `${k}: ${config.options[k]}`),
    );
  if (kind === "cluster" || kind === "guest") {
    const local = new Set(config.aliases.map((a) => a.name.toLowerCase()));
    const early = config.ipsets.filter((s) => readBeforeAliases(s, local, kind));
    for (const set of early) out += ipSet(set);
    if (config.aliases.length > 0) {
      out += section(
        "[ALIASES]",
        config.aliases.map((a) => (a.name === "" ? NAMELESS_ALIAS_LINE : `${a.name} ${a.cidr}${suffix(a.comment)}`)),
      );
    }
    for (const set of config.ipsets.filter((s) => !early.includes(s))) out += ipSet(set);
  }
  if (config.rules.length > 0) out += section("[RULES]", config.rules.map(ruleLine));
  if (kind === "cluster") {
    for (const group of config.groups) out += section(header("group", group), group.rules.map(ruleLine));
  }
  return out;
}

function section(head: string, lines: readonly string[]): string {
  return `${head}\n\n${lines.map((l) => `${l}\n`).join("")}\n`;
}

function header(keyword: "IPSET" | "group", s: { name: string; comment?: string }): string {
  return `[${keyword} ${s.name}]${suffix(s.comment)}`;
}

function suffix(comment: string | undefined): string {
  return perlTrue(comment) ? ` # ${comment}` : "";
}

function ipSet(set: FwIpSet): string {
  return section(header("IPSET", set), set.entries.map(entryLine));
}

function entryLine(entry: FwIpSetEntry): string {
  if (entry.cidr === "") {
    if (!perlTrue(entry.nomatch)) return `${CIDRLESS_ENTRY_LINE} #`;
    return `${CIDRLESS_ENTRY_LINE}${suffix(entry.comment)}`;
  }
  const text = `${perlTrue(entry.nomatch) ? "!" : ""}${entry.cidr}`;
  const comment = suffix(entry.comment);
  return comment === "" && SIMPLE_HEADER.test(text) ? `${text} #` : `${text}${comment}`;
}

/** Whether a set must come before `[ALIASES]` to keep a `no such alias` error for an alias the file defines. */
function readBeforeAliases(set: FwIpSet, local: ReadonlySet<string>, kind: FwFileKind): boolean {
  return set.entries.some((e) => {
    const missing = e.errors ? MISSING_ALIAS.exec(e.errors.cidr) : null;
    if (!missing || !local.has(missing[1]!.toLowerCase())) return false;
    return kind === "cluster" || !e.cidr.startsWith("dc/");
  });
}

/** A rule line from which `parseRuleLine` reads back exactly `rule`. */
function ruleLine(rule: RuleFields): string {
  let line = rule.enable !== undefined && Number(rule.enable) === 0 ? "|" : "";
  line += rule.type.toUpperCase();
  line += rule.macro !== undefined && rule.macro !== "" ? ` ${rule.macro}(${rule.action})` : ` ${rule.action}`;
  const put = (flag: string, value: string | undefined) => {
    if (value !== undefined && value !== "") line += ` ${flag} ${value}`;
  };
  put("-i", rule.iface);
  if (rule.type !== "group") {
    put("-source", rule.source);
    put("-dest", rule.dest);
    put("-p", rule.proto);
    put("-dport", rule.dport);
    put("-sport", rule.sport);
    put("-log", rule.log);
    put("-icmp-type", rule["icmp-type"]);
  }
  if (rule.comment !== undefined) line += rule.comment === "" ? " #" : ` # ${rule.comment}`;
  return line;
}
