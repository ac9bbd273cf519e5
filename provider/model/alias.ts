/**
 * Aliases: a named address or network that rules reference by name.
 *
 * @module
 */
import { z } from "zod";
import { canonicalComment, droppedCommentWarning, type Issue, quote, type Validation } from "./common";
import { aliasNameSchema, commentSchema, text } from "./fields";
import { expecting, renderIssue, unknownKeyReason, withoutNulls, zodIssues } from "./input";
import { cleanCidr, hasHostBits, parseCidr } from "./ip";
import type { AliasFields } from "./wire";

/** Schema of an alias as the user declares it. */
export const aliasSchema = z.strictObject(
  {
    name: aliasNameSchema.describe(
      "Alias name as rules reference it (`name`, `dc/name`). Proxmox field `name`; 2-64 letters (any case), digits, '-', '_'; lookups ignore case. @example 'office'",
    ),
    cidr: text("an IPv4/IPv6 address or CIDR such as 192.0.2.0/24")
      .refine((cidr) => parseCidr(cidr) !== undefined, {
        error: (i) =>
          `${quote(String(i.input))} is not an IPv4/IPv6 address or CIDR (an alias holds one address or network; use an IpSet for ranges and lists)`,
      })
      .describe(
        "Address or network. Proxmox field `cidr`; a CIDR with host bits means its network, /32 and /128 are removed. @example '192.0.2.10'",
      ),
    comment: commentSchema.optional().describe("Free text. Proxmox field `comment`. @default - no comment"),
  },
  { error: expecting("an alias object { name, cidr, comment? }") },
);
/** An alias as the user writes it. */
export type AliasInput = z.input<typeof aliasSchema>;
/** A parsed alias. */
export type Alias = z.output<typeof aliasSchema>;

/** The input properties of an alias. */
export const ALIAS_INPUT_KEYS: readonly string[] = Object.keys(aliasSchema.shape);

/** Converts a user alias to wire fields. */
export function aliasToWire(input: AliasInput): AliasFields {
  return input.comment === undefined
    ? { name: input.name, cidr: input.cidr }
    : { name: input.name, cidr: input.cidr, comment: input.comment };
}

/** Converts wire fields to the user's alias shape. */
export function aliasFromWire(fields: AliasFields): Alias {
  return aliasToWire(fields);
}

/**
 * Canonical text of an alias cidr. A CIDR with host bits means its network (`192.168.1.77/24` is
 * `192.168.1.0/24`, IPv6 compressed and lower-cased as Proxmox's `clean_cidr` writes it): Proxmox
 * keeps such a value verbatim, but iptables matches the network either way, so a live alias that
 * holds host bits equals its network form and is adopted without a write. Anything else is kept
 * as typed (an IPv6 address keeps its case), except that `/32` (IPv4) and `/128` (IPv6) are
 * removed, as Proxmox does when it reads the file.
 */
export function canonicalAliasCidr(cidr: string): string {
  const parsed = parseCidr(cidr);
  if (!parsed) return cidr;
  const text =
    parsed.prefix !== undefined && hasHostBits(parsed) ? cleanCidr({ ...parsed, prefix: parsed.prefix }) : cidr;
  return text.replace(parsed.version === 4 ? /\/32$/ : /\/128$/, "");
}

/** Canonical alias: name as typed (display case is kept), cidr canonical, comment trimmed and dropped when empty or `0`. */
export function canonicalAlias(fields: AliasFields): AliasFields {
  const cidr = canonicalAliasCidr(fields.cidr);
  const comment = canonicalComment(fields.comment);
  return comment === undefined ? { name: fields.name, cidr } : { name: fields.name, cidr, comment };
}

/**
 * Validates a user alias (`null` members mean "left out"); on success returns its canonical wire
 * form, with a warning when the cidr had host bits or the comment is one Proxmox drops.
 */
export function validateAlias(input: unknown): Validation<AliasFields> {
  const parsed = aliasSchema.safeParse(withoutNulls(input), { error: renderIssue });
  if (!parsed.success)
    return {
      ok: false,
      issues: zodIssues(parsed.error, "", (key) => unknownKeyReason(key, ALIAS_INPUT_KEYS, "an alias")),
    };
  const value = canonicalAlias(aliasToWire(parsed.data));
  const warnings: Issue[] = [];
  const cidr = parseCidr(parsed.data.cidr);
  if (cidr && hasHostBits(cidr))
    warnings.push({
      path: "cidr",
      reason: `${quote(parsed.data.cidr)} has host bits set; using its network ${quote(value.cidr)} (what iptables matches either way)`,
    });
  const dropped = droppedCommentWarning(parsed.data.comment);
  if (dropped) warnings.push({ path: "comment", reason: dropped });
  return { ok: true, value, warnings };
}
