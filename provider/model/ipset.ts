/**
 * IPSets: input schema, wire codec, canonical form (Proxmox's cidr normalisation and entry order)
 * and validation.
 *
 * @module
 */
import { z } from "zod";
import { canonicalComment, droppedCommentWarning, type Issue, joinPath, quote, type Validation } from "./common";
import { commentSchema, flag, ipSetNameSchema, text } from "./fields";
import { expecting, renderIssue, unknownKeyReason, withoutNulls, zodIssues } from "./input";
import { cleanCidr, hasHostBits, parseCidr } from "./ip";
import type { IpSetEntryFields } from "./wire";

const ALIAS_REF = /^(?:(?:dc|guest)\/)?[A-Za-z][A-Za-z0-9_-]+$/;

/** Schema of one IPSet member. */
export const ipSetEntrySchema = z.strictObject(
  {
    cidr: text("an address, CIDR or alias name").describe(
      "Address, CIDR or alias name (`name`, `dc/name`, `guest/name`). Proxmox field `cidr`; host bits are cleared and /32, /128 removed. @example '192.0.2.0/24'",
    ),
    nomatch: flag()
      .default(false)
      .describe("Exclude this member from the set (`!cidr` in the file). Proxmox field `nomatch`. @default false"),
    comment: commentSchema.optional().describe("Free text. Proxmox field `comment`. @default - no comment"),
  },
  { error: expecting("an IPSet entry: an address/CIDR string or { cidr, nomatch?, comment? }") },
);
/** An IPSet member as the user writes it. */
export type IpSetEntryInput = z.input<typeof ipSetEntrySchema>;
/** An IPSet member with defaults applied. */
export type IpSetEntry = z.output<typeof ipSetEntrySchema>;

/** The input properties of an IPSet entry. */
export const IPSET_ENTRY_KEYS: readonly string[] = Object.keys(ipSetEntrySchema.shape);

/** Schema of a whole IPSet. */
export const ipSetSchema = z.strictObject(
  {
    name: ipSetNameSchema.describe(
      "Set name as rules reference it (`+name`). Proxmox field `name`; 2-64 lower-case letters, digits, '-', '_'. @example 'management'",
    ),
    comment: commentSchema.optional().describe("Free text. Proxmox field `comment`. @default - no comment"),
    entries: z
      .array(ipSetEntrySchema, { error: expecting("a list of entries") })
      .default([])
      .describe("Members of the set; order is irrelevant (Proxmox sorts them). @default []"),
  },
  { error: expecting("an IPSet object { name, comment?, entries? }") },
);
/** An IPSet as the user writes it. */
export type IpSetInput = z.input<typeof ipSetSchema>;
/** An IPSet with defaults applied. */
export type IpSet = z.output<typeof ipSetSchema>;

/** The input properties of an IPSet. */
export const IPSET_INPUT_KEYS: readonly string[] = Object.keys(ipSetSchema.shape);

/** Wire form of a whole IPSet: the set's list fields plus its entries. */
export interface IpSetFields {
  name: string;
  comment?: string;
  entries: IpSetEntryFields[];
}

/** Checks an entry cidr (`IPorCIDRorAlias`): reason when invalid, undefined when valid. */
export function checkIpSetCidr(cidr: string): string | undefined {
  if (ALIAS_REF.test(cidr))
    return cidr.length > 64 ? `alias name ${quote(cidr)} is longer than 64 characters` : undefined;
  const parsed = parseCidr(cidr);
  if (!parsed) return `${quote(cidr)} is not an IPv4/IPv6 address, CIDR or alias name`;
  if (parsed.prefix === 0)
    return `${quote(cidr)} has a zero prefix, which Proxmox does not allow in ipsets (split it, e.g. ${parsed.version === 4 ? "0.0.0.0/1 and 128.0.0.0/1" : "::/1 and 8000::/1"})`;
  return undefined;
}

/**
 * Canonical text of an entry cidr, as Proxmox stores it: alias names and bare addresses as typed;
 * a prefix has its host bits cleared (IPv6 compressed, lower case) and `/32`/`/128` removed.
 */
export function canonicalIpSetCidr(cidr: string): string {
  const parsed = parseCidr(cidr);
  if (!parsed || parsed.prefix === undefined || parsed.prefix === 0) return cidr;
  return cleanCidr({ ...parsed, prefix: parsed.prefix }).replace(parsed.version === 4 ? /\/32$/ : /\/128$/, "");
}

/** Converts a user entry to wire fields (`nomatch` 1 or absent). */
export function ipSetEntryToWire(input: IpSetEntryInput): IpSetEntryFields {
  return withoutUndefined({ cidr: input.cidr, nomatch: input.nomatch ? 1 : undefined, comment: input.comment });
}

/** Converts wire fields to the user's entry shape. */
export function ipSetEntryFromWire(fields: IpSetEntryFields): IpSetEntry {
  return withoutUndefined({ cidr: fields.cidr, nomatch: isSet(fields.nomatch), comment: fields.comment });
}

/** Canonical entry: normalised cidr, `nomatch` 1 or absent, comment trimmed and dropped when empty or `0`. */
export function canonicalIpSetEntry(fields: IpSetEntryFields): IpSetEntryFields {
  return withoutUndefined({
    cidr: canonicalIpSetCidr(fields.cidr),
    nomatch: isSet(fields.nomatch) ? 1 : undefined,
    comment: canonicalComment(fields.comment),
  });
}

/** Converts a user IPSet to its wire form. */
export function ipSetToWire(input: IpSetInput): IpSetFields {
  return withoutUndefined({
    name: input.name,
    comment: input.comment,
    entries: (input.entries ?? []).map(ipSetEntryToWire),
  });
}

/** Converts a wire IPSet to the user's shape. */
export function ipSetFromWire(fields: IpSetFields): IpSet {
  return withoutUndefined({
    name: fields.name,
    comment: fields.comment,
    entries: fields.entries.map(ipSetEntryFromWire),
  });
}

/**
 * Canonical IPSet: name lower-cased (as Proxmox reads it), comment canonical, entries canonical,
 * sorted by cidr text in byte order and de-duplicated (the last duplicate wins), as Proxmox writes them.
 */
export function canonicalIpSet(fields: IpSetFields): IpSetFields {
  const byCidr = new Map<string, IpSetEntryFields>();
  for (const entry of fields.entries.map(canonicalIpSetEntry)) byCidr.set(entry.cidr, entry);
  const entries = [...byCidr.values()].sort((a, b) => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0));
  return withoutUndefined({ name: fields.name.toLowerCase(), comment: canonicalComment(fields.comment), entries });
}

const entryKeyReason = (key: string) =>
  unknownKeyReason(key, IPSET_ENTRY_KEYS, "an IPSet entry", { digest: "output-only" });
const setKeyReason = (key: string) => unknownKeyReason(key, IPSET_INPUT_KEYS, "an IPSet");

/**
 * Validates a user IPSet (`null` members mean "left out"; an entry may be a bare cidr string). On
 * success returns its canonical wire form, with a warning for each entry whose host bits were
 * cleared and each comment Proxmox drops. Duplicate members (after normalisation) are issues;
 * the entries are checked even when the name is bad, so one preview reports every problem.
 */
export function validateIpSet(input: unknown): Validation<IpSetFields> {
  const raw = withoutNulls(input) as Record<string, unknown> | undefined;
  const { entries: rawEntries, ...head } = raw !== null && typeof raw === "object" ? raw : { entries: undefined };
  const parsedHead = ipSetSchema.omit({ entries: true }).safeParse(head, { error: renderIssue });
  const entryObjects = Array.isArray(rawEntries)
    ? rawEntries.map((e) => (typeof e === "string" ? { cidr: e } : e))
    : rawEntries;
  const parsedEntries = ipSetSchema.shape.entries.safeParse(entryObjects, { error: renderIssue });
  const issues: Issue[] = [];
  if (!parsedHead.success) issues.push(...zodIssues(parsedHead.error, "", setKeyReason));
  if (!parsedEntries.success) issues.push(...zodIssues(parsedEntries.error, "entries", entryKeyReason));
  const entries = parsedEntries.success ? parsedEntries.data : [];
  const warnings: Issue[] = [];
  const seen = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    const path = joinPath(joinPath("entries", index), "cidr");
    const reason = checkIpSetCidr(entry.cidr);
    if (reason) {
      issues.push({ path, reason });
      continue;
    }
    const canonical = canonicalIpSetCidr(entry.cidr);
    const first = seen.get(canonical);
    if (first !== undefined)
      issues.push({ path, reason: `${quote(entry.cidr)} duplicates entries[${first}] (both are ${canonical})` });
    else seen.set(canonical, index);
    const parsed = parseCidr(entry.cidr);
    if (parsed && hasHostBits(parsed))
      warnings.push({
        path,
        reason: `${quote(entry.cidr)} has host bits set; using its network ${quote(canonical)} (Proxmox clears host bits in IPSet entries)`,
      });
    const dropped = droppedCommentWarning(entry.comment);
    if (dropped) warnings.push({ path: joinPath(joinPath("entries", index), "comment"), reason: dropped });
  }
  if (!parsedHead.success || issues.length > 0) return { ok: false, issues };
  const dropped = droppedCommentWarning(parsedHead.data.comment);
  if (dropped) warnings.push({ path: "comment", reason: dropped });
  const value = canonicalIpSet(ipSetToWire({ ...parsedHead.data, entries }));
  return { ok: true, value, warnings };
}

function isSet(value: IpSetEntryFields["nomatch"]): boolean {
  return value === true || value === 1;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
