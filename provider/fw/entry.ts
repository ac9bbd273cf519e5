import type { AliasFields } from "../model/wire";
import { parseIpOrCidr, perlTrue, PERL_NON_WS as S, splitComment, trimPerlWs, PERL_WS as W } from "./text";
import type { FwIpSetEntry } from "./types";

/**
 * `[ALIASES]` and `[IPSET name]` lines, read as Proxmox's `parse_alias` and the IPSet branch of
 * `generic_fw_config_parser` do, including what they keep for lines they cannot parse
 * (BEHAVIOR.md §11): the nameless alias, and IPSet entries with `errors`.
 */

const ALIAS = new RegExp(`^(${S}+)${W}(${S}+)$`);
const IPSET_ENTRY = new RegExp(`^(!)?${W}*(${S}+)${W}*$`);
/** `m@^(dc/|guest/)?(${ip_alias_pattern}$)@` */
const ALIAS_ENTRY = /^(dc\/|guest\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;
const ZERO_PREFIX = /\/0+$/;

/** Proxmox's texts for entry errors (Firewall.pm `parse_ip_or_cidr`, the zero-prefix check). */
export const NOT_AN_ADDRESS = "value does not look like a valid IP address or CIDR network";
/** Proxmox keeps the newline of this `die` text, so its API returns it too. */
export const ZERO_PREFIX_ERROR = "a zero prefix is not allowed in ipset entries\n";

/** Result of an `[ALIASES]` line: the alias to store (possibly nameless), or why the line is dropped. */
export type AliasLineResult = { ok: true; alias: AliasFields; unparseable: boolean } | { ok: false; reason: string };

/**
 * Parses one `[ALIASES]` line (`name cidr [# comment]`, one blank between name and address).
 *
 * A line that does not have that shape is not dropped: Proxmox's parser stores an empty hash under
 * the key `""` (Perl autovivification), so it returns the nameless alias (`name` and `cidr` `""`,
 * no comment) with `unparseable: true`. A line of that shape whose address is not an IP or CIDR is
 * dropped. `/32` and `/128` are removed from the address.
 */
export function parseAliasLine(line: string): AliasLineResult {
  const hash = line.indexOf("#");
  const body = hash < 0 ? line : line.slice(0, hash).replace(new RegExp(`${W}+$`), "");
  const comment = hash < 0 ? undefined : trimPerlWs(line.slice(hash + 1));
  const m = ALIAS.exec(body);
  if (!m) return { ok: true, alias: { name: "", cidr: "" }, unparseable: true };
  const ip = parseIpOrCidr(m[2]!);
  if (!ip) return { ok: false, reason: `alias '${m[1]}': ${NOT_AN_ADDRESS}` };
  const alias: AliasFields = { name: m[1]!, cidr: ip.cidr };
  if (perlTrue(comment)) alias.comment = comment;
  return { ok: true, alias, unparseable: false };
}

/** What an IPSet line is checked against while a file is read. */
export interface IpSetLineContext {
  /** Cidr texts already in the current `[IPSET]` section (Proxmox's `$curr_group_keys`); updated. */
  readonly seen: Set<string>;
  /** Whether an alias name (lower-cased) is defined in this file above the current line. */
  readonly localAlias: (key: string) => boolean;
  /**
   * Whether an alias name (lower-cased) is defined where `dc/` points: for `cluster.fw` the file
   * itself (above the current line); for a guest file the cluster's aliases, `undefined` when they
   * are not known (then such references are not checked).
   */
  readonly clusterAlias: ((key: string) => boolean) | undefined;
}

/**
 * Parses one `[IPSET name]` line (`[!]cidr [# comment]`) into the entry Proxmox keeps. Never drops
 * a line. Checks, in Proxmox's order: the line shape (else `cidr: ""`; `nomatch` is then whatever
 * Perl's stale `$1` holds: the comment when there is one, else the whole line), alias existence
 * (`no such alias 'x'`) or address syntax (`/32`, `/128` removed), duplicates within the section,
 * and finally a zero prefix, which overrides any earlier error.
 */
export function parseIpSetLine(line: string, ctx: IpSetLineContext): FwIpSetEntry {
  const { body, comment } = splitComment(line);
  const m = IPSET_ENTRY.exec(body);
  const entry: FwIpSetEntry = { cidr: m ? m[2]! : "" };
  let error: string | undefined;
  if (!m) {
    if (comment === undefined || perlTrue(comment)) entry.nomatch = 1;
    error = NOT_AN_ADDRESS;
  } else {
    if (m[1]) entry.nomatch = 1;
    const alias = ALIAS_ENTRY.exec(entry.cidr);
    if (alias) {
      if (!aliasExists(alias[1] ?? "", alias[2]!.toLowerCase(), ctx)) error = `no such alias '${alias[2]}'`;
    } else {
      const ip = parseIpOrCidr(entry.cidr);
      if (ip) entry.cidr = ip.cidr;
      else error = NOT_AN_ADDRESS;
    }
    if (error === undefined && ctx.seen.has(entry.cidr)) error = `duplicate ipset entry for '${entry.cidr}'`;
    if (ZERO_PREFIX.test(entry.cidr)) error = ZERO_PREFIX_ERROR;
  }
  if (perlTrue(comment)) entry.comment = comment;
  if (error !== undefined) entry.errors = { cidr: error };
  ctx.seen.add(entry.cidr);
  return entry;
}

/** Proxmox's `resolve_alias`: `dc/` skips the local file, `guest/` skips the cluster. */
function aliasExists(scope: string, key: string, ctx: IpSetLineContext): boolean {
  if (scope !== "dc/" && ctx.localAlias(key)) return true;
  if (scope === "guest/") return false;
  return ctx.clusterAlias === undefined || ctx.clusterAlias(key);
}
