/**
 * Aliases: a named address or network that rules reference by name.
 *
 * @module
 */
import { z } from "zod";
import { aliasNameSchema, canonicalComment, commentSchema, quote, type Validation, zodIssues } from "./common";
import { parseCidr } from "./ip";
import type { AliasFields } from "./wire";

/** Schema of an alias as the user declares it. */
export const aliasSchema = z.object({
  name: aliasNameSchema.describe(
    "Alias name as rules reference it (`name`, `dc/name`). Proxmox field `name`; 2-64 letters, digits, '-', '_'; lookups ignore case. @example 'office'",
  ),
  cidr: z
    .string()
    .refine((cidr) => parseCidr(cidr) !== undefined, {
      error: (i) => `${quote(String(i.input))} is not an IPv4/IPv6 address or CIDR`,
    })
    .describe(
      "Address or network. Proxmox field `cidr`; host bits are kept, /32 and /128 are removed. @example '192.0.2.10'",
    ),
  comment: commentSchema.optional().describe("Free text. Proxmox field `comment`. @default - no comment"),
});
/** An alias as the user writes it. */
export type AliasInput = z.input<typeof aliasSchema>;
/** A parsed alias. */
export type Alias = z.output<typeof aliasSchema>;

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
 * Canonical alias: name as typed (display case is kept), cidr with host bits kept but `/32`
 * (IPv4) or `/128` (IPv6) removed textually, comment trimmed and dropped when empty or `0`.
 */
export function canonicalAlias(fields: AliasFields): AliasFields {
  const parsed = parseCidr(fields.cidr);
  const suffix = parsed?.version === 4 ? /\/32$/ : parsed?.version === 6 ? /\/128$/ : undefined;
  const cidr = suffix ? fields.cidr.replace(suffix, "") : fields.cidr;
  const comment = canonicalComment(fields.comment);
  return comment === undefined ? { name: fields.name, cidr } : { name: fields.name, cidr, comment };
}

/** Validates a user alias; on success returns its canonical wire form. */
export function validateAlias(input: unknown): Validation<AliasFields> {
  const parsed = aliasSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
  return { ok: true, value: canonicalAlias(aliasToWire(parsed.data)) };
}
