/**
 * A set's entries as read: the resource's own, apart from those Proxmox flags with `errors`
 * (BEHAVIOR.md §11): a line it could not parse (no `cidr`; `!` once Proxmox rewrote the file), a
 * repeat of an earlier entry, an alias that does not exist, a zero prefix. Proxmox lists flagged
 * entries and counts them in the set's digest, but skips them when it compiles the set, and most
 * cannot be addressed through the API (no cidr, or not an address).
 *
 * They are not an `IpSet` resource's own: the resource never plans, writes or removes them, leaves
 * them out of its state, its diff, its drift and its adopt/takeover decision, and reports them once
 * as a warning. Only their weight in the digest is modelled, so that every write still carries the
 * digest Proxmox checks.
 *
 * @module
 */
import type { FirewallApi } from "../client/firewall";
import { MissingReferenceError } from "../errors";
import { parseFw } from "../fw/parse";
import { printFw } from "../fw/print";
import { emptyFwConfig, type FwIpSetEntry } from "../fw/types";
import { canonicalIpSetEntry } from "../model/ipset";
import { type Scope, scopeId } from "../model/scope";
import { type IpSetEntryFields, isFlaggedEntry, type WireFlaggedIpSetEntry } from "../model/wire";
import { listDigest } from "./digest";

/** A flagged entry as read (its `errors` by field, no `cidr` when Proxmox holds none). */
export type FlaggedEntry = Omit<WireFlaggedIpSetEntry, "digest">;

/**
 * The entries of a set and their digest (absent when empty), as read or predicted: the resource's
 * own (canonical, sorted) apart from those Proxmox flags, which count in the digest only.
 */
export interface EntryList {
  readonly entries: IpSetEntryFields[];
  readonly flagged: readonly FlaggedEntry[];
  readonly digest: string | undefined;
}

/** Proxmox's order of a set's entries: by cidr text. */
export const byCidr = (a: IpSetEntryFields, b: IpSetEntryFields) => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0);

/** The digest Proxmox computes over a set's entries (sorted by cidr text; `nomatch` 1 or absent). */
export function entriesDigest(entries: Iterable<IpSetEntryFields>): string | undefined {
  const sorted = [...entries].sort(byCidr);
  if (sorted.length === 0) return undefined;
  return listDigest(sorted.map((e) => ({ cidr: e.cidr, comment: e.comment, nomatch: e.nomatch })));
}

/**
 * Reads a set's entries with their digest: the resource's own in canonical form, sorted as Proxmox
 * stores them, apart from those Proxmox flags (as listed).
 */
export async function readEntries(api: FirewallApi, scope: Scope, name: string): Promise<EntryList> {
  const { entries, digest } = await api.listIpSetEntries(scope, name);
  const own: IpSetEntryFields[] = [];
  const flagged: FlaggedEntry[] = [];
  for (const e of entries) {
    if (isFlaggedEntry(e)) {
      const { digest: _digest, ...fields } = e;
      flagged.push(fields);
    } else own.push(canonicalIpSetEntry(e));
  }
  return { entries: own.sort(byCidr), flagged, digest };
}

/** How many flagged entries a warning or an error names before it says how many more there are. */
const MAX_NAMED = 20;

/** The entry in the `.fw` codec's shape (`cidr: ""` when Proxmox holds none). */
function fwEntry(e: FlaggedEntry): FwIpSetEntry {
  const entry: FwIpSetEntry = { cidr: e.cidr ?? "" };
  if (e.nomatch !== undefined && Number(e.nomatch) >= 1) entry.nomatch = 1;
  if (e.comment !== undefined) entry.comment = e.comment;
  return entry;
}

/** The entry as the API lists it: what Proxmox hashes into the set's digest. */
function hashed(e: FwIpSetEntry): Record<string, unknown> {
  return { cidr: e.cidr === "" ? undefined : e.cidr, comment: e.comment, nomatch: e.nomatch ? 1 : undefined };
}

/** A re-read entry that is not the resource's, in the shape the API lists it. */
function flaggedOf(e: FwIpSetEntry): FlaggedEntry {
  const f: FlaggedEntry = { errors: e.errors ?? {} };
  if (e.cidr !== "") f.cidr = e.cidr;
  if (e.nomatch) f.nomatch = 1;
  if (e.comment !== undefined) f.comment = e.comment;
  return f;
}

function sameEntry(a: IpSetEntryFields, b: FwIpSetEntry): boolean {
  return a.cidr === b.cidr && (a.nomatch === 1) === (b.nomatch === 1) && a.comment === b.comment;
}

/**
 * The set as Proxmox reads it back after a write: every write rewrites the set's file (entries
 * sorted by cidr text, a repeated cidr dropped, an entry without cidr written as `!`), and the next
 * read parses that file again. Predicted with the shared `.fw` codec (Proxmox's writer and parser),
 * from this resource's entries `own` (canonical) and the `flagged` ones: the flagged entries that
 * remain, as they will read back, and the set's digest.
 *
 * @returns `undefined` when the rewrite would not keep `own` as it is, so that only a read can
 *   tell: a flagged entry whose text reads back as a section header (`[RULES]` from a CRLF file)
 *   ends the set there, and the entries sorted after it leave the set
 */
export function rewrittenSet(
  own: Iterable<IpSetEntryFields>,
  flagged: readonly FlaggedEntry[],
): { flagged: FlaggedEntry[]; digest: string | undefined } | undefined {
  const mine = new Map([...own].map((e) => [e.cidr, e]));
  const text = printFw(
    { ...emptyFwConfig(), ipsets: [{ name: "set", entries: [...mine.values(), ...flagged.map(fwEntry)] }] },
    "cluster",
  );
  const reread = parseFw(text, "cluster").config.ipsets[0]?.entries ?? [];
  const kept: FlaggedEntry[] = [];
  let found = 0;
  for (const e of reread) {
    const ours = mine.get(e.cidr);
    if (ours === undefined) {
      kept.push(flaggedOf(e));
      continue;
    }
    if (!sameEntry(ours, e)) return undefined;
    found++;
  }
  if (found !== mine.size) return undefined;
  return { flagged: kept, digest: reread.length === 0 ? undefined : listDigest(reread.map(hashed)) };
}

/** `(unparseable line)` for an entry without cidr, else its cidr. */
function label(e: FlaggedEntry): string {
  return e.cidr === undefined ? "(unparseable line)" : `'${e.cidr}'`;
}

function reasons(e: FlaggedEntry): string {
  return Object.values(e.errors)
    .map((r) => r.trimEnd())
    .join("; ");
}

/**
 * The warning naming the entries Proxmox flags in set `id` (`cluster/ipset/servers`), or
 * `undefined` when there are none.
 */
export function flaggedWarning(id: string, flagged: readonly FlaggedEntry[]): string | undefined {
  const n = flagged.length;
  if (n === 0) return undefined;
  const named = flagged.slice(0, MAX_NAMED).map((e) => `${label(e)} (${reasons(e)})`);
  if (n > MAX_NAMED) named.push(`... and ${n - MAX_NAMED} more`);
  const what = n === 1 ? "1 entry that Proxmox flags is" : `${n} entries that Proxmox flags are`;
  return (
    `warning: ipset ${id}: ${what} not managed by this resource and left as ${n === 1 ? "it is" : "they are"}: ` +
    `${named.join(", ")}; Proxmox skips ${n === 1 ? "it" : "them"} when it compiles the set: fix or remove ${n === 1 ? "it" : "them"} in Proxmox`
  );
}

/**
 * The declared entries whose cidr only a flagged entry holds (e.g. `dc/office` while the alias
 * `office` does not exist): Proxmox refuses to add them again and skips the one it has. `own` are
 * the resource's entries as read.
 */
function heldByFlagged(
  own: readonly IpSetEntryFields[],
  flagged: readonly FlaggedEntry[],
  desired: readonly IpSetEntryFields[],
): { readonly cidr: string; readonly reason: string }[] {
  const mine = new Set(own.map((e) => e.cidr));
  const flaggedByCidr = new Map(flagged.filter((e) => e.cidr !== undefined).map((e) => [e.cidr!, e]));
  return desired.flatMap((d) => {
    const f = mine.has(d.cidr) ? undefined : flaggedByCidr.get(d.cidr);
    return f ? [{ cidr: d.cidr, reason: reasons(f) }] : [];
  });
}

/**
 * Refuses declared entries whose cidr only an entry Proxmox flags holds (e.g. `dc/office` while the
 * alias `office` does not exist): Proxmox refuses to add them again, and skips the one it has.
 *
 * @param list - the set as read
 * @throws MissingReferenceError naming each such entry and why Proxmox flags it
 */
export function assertNotFlagged(
  scope: Scope,
  name: string,
  list: EntryList,
  desired: readonly IpSetEntryFields[],
): void {
  const held = heldByFlagged(list.entries, list.flagged, desired);
  if (held.length === 0) return;
  const which = held.map((h) => `'${h.cidr}' (${h.reason})`).join(", ");
  const fix = held.every((h) => h.reason.startsWith("no such alias"))
    ? "create the alias first (an Alias resource, its ref or name in the entry), or leave the entry out"
    : "fix or remove the flagged entry in Proxmox, or leave the entry out";
  throw new MissingReferenceError(
    `ipset ${scopeId(scope)}/ipset/${name}: entries: ${which}: ${held.length === 1 ? "is" : "each is"} in the set already, but flagged by Proxmox, which skips it and refuses to add it again; nothing was written: ${fix}`,
  );
}
