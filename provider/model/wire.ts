import { z } from "zod";

/**
 * Wire shapes: objects exactly as Proxmox's API returns them from list GETs (and as Proxmox's own
 * parser holds a `.fw` file in memory). Field names are Proxmox's (`icmp-type`, `policy_in`).
 *
 * These are the common currency between layers: the client decodes responses into them, the `.fw`
 * codec parses files into them, the emulator stores and serves them, and the canonical forms that
 * planners diff (see `rule.ts`, `ipset.ts`, ...) are these shapes after normalisation.
 * Read-only extras Proxmox adds (`pos`, `digest`, `ipversion`, `errors`) are optional here and are
 * never part of a canonical form.
 *
 * Lists also hold what Proxmox kept from lines it could not parse (BEHAVIOR.md §11): the nameless
 * alias and IPSet entries flagged with `errors` (possibly without `cidr`). They decode into their
 * own shapes ({@link WireNamelessAlias}, {@link WireFlaggedIpSetEntry}), so that no caller can take
 * one for an ordinary object by accident: {@link isNamedAlias} and {@link isFlaggedEntry} tell them apart.
 */

const num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

/** The stored fields of one rule (what a `.fw` rule line holds). */
export const ruleFieldsSchema = z.object({
  type: z.enum(["in", "out", "forward", "group"]),
  /** ACCEPT, DROP, REJECT, or the security group name for `type: group`. */
  action: z.string(),
  /** 1 = enabled, 0 = disabled (written with a leading `|`). */
  enable: num.optional(),
  macro: z.string().optional(),
  proto: z.string().optional(),
  source: z.string().optional(),
  dest: z.string().optional(),
  sport: z.string().optional(),
  dport: z.string().optional(),
  iface: z.string().optional(),
  log: z.enum(["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "nolog"]).optional(),
  "icmp-type": z.string().optional(),
  comment: z.string().optional(),
});
export type RuleFields = z.output<typeof ruleFieldsSchema>;

/** Every stored rule field, in one fixed order (the schema's): for canonical objects, keys and diffs. */
export const RULE_FIELD_NAMES: readonly (keyof RuleFields)[] = ruleFieldsSchema.keyof().options;

/**
 * What Proxmox found wrong with an object it read from the file, by field (`{ source: "no such alias
 * 'x'" }`, `{ cidr: "duplicate ipset entry for '10.0.0.1'" }`): such objects are kept, listed,
 * counted in digests and written back, but skipped when the firewall is compiled.
 */
export const wireErrorsSchema = z.record(z.string(), z.string());

/**
 * One element of `GET .../rules` (list) or `GET .../rules/{pos}` (where `pos` is a string). A rule
 * with `errors` (e.g. naming an alias that does not exist) is still the list's rule at its position.
 */
export const wireRuleSchema = ruleFieldsSchema.extend({
  pos: num,
  digest: z.string().optional(),
  ipversion: num.optional(),
  errors: wireErrorsSchema.optional(),
});
export type WireRule = z.output<typeof wireRuleSchema>;

/** The stored fields of an alias. */
export const aliasFieldsSchema = z.object({
  name: z.string(),
  cidr: z.string(),
  comment: z.string().optional(),
});
export type AliasFields = z.output<typeof aliasFieldsSchema>;
/** A named alias as `GET .../aliases` lists it and `GET .../aliases/{name}` returns it. */
export const wireAliasSchema = aliasFieldsSchema.extend({
  ipversion: num.optional(),
  digest: z.string().optional(),
});
export type WireAlias = z.output<typeof wireAliasSchema>;

/**
 * The nameless alias Proxmox lists for an `[ALIASES]` line it could not parse (Perl's empty hash
 * under the key `""`): no name, no cidr, only the list digest. No API path addresses it; Proxmox
 * writes it back as a line holding one space.
 */
export const wireNamelessAliasSchema = z.object({
  name: z.undefined().optional(),
  cidr: z.undefined().optional(),
  digest: z.string().optional(),
});
export type WireNamelessAlias = z.output<typeof wireNamelessAliasSchema>;

/** One element of `GET .../aliases`: a named alias or the nameless one. */
export const wireAliasItemSchema = z.union([wireAliasSchema, wireNamelessAliasSchema]);
export type WireAliasItem = z.output<typeof wireAliasItemSchema>;

/** Whether a listed alias is a real one (not the nameless alias of an unparseable line). */
export function isNamedAlias(alias: WireAliasItem): alias is WireAlias {
  return alias.name !== undefined;
}

/** The stored fields of an IPSet entry; `nomatch` is 1 when set and absent otherwise. */
export const ipSetEntryFieldsSchema = z.object({
  cidr: z.string(),
  nomatch: z.union([z.literal(1), z.literal(0), z.boolean()]).optional(),
  comment: z.string().optional(),
});
export type IpSetEntryFields = z.output<typeof ipSetEntryFieldsSchema>;
/** An entry Proxmox holds as written (no `errors`). */
export const wireIpSetEntrySchema = ipSetEntryFieldsSchema.extend({
  digest: z.string().optional(),
  errors: z.undefined().optional(),
});
export type WireIpSetEntry = z.output<typeof wireIpSetEntrySchema>;

/**
 * An entry Proxmox flags (BEHAVIOR.md §11): a line it could not parse (no `cidr`, usually
 * `nomatch: 1`; `!` after a rewrite), an alias that does not exist, a duplicate, a zero prefix.
 * Listed and counted in the set's digest, skipped when the firewall is compiled.
 */
export const wireFlaggedIpSetEntrySchema = ipSetEntryFieldsSchema.extend({
  cidr: z.string().optional(),
  digest: z.string().optional(),
  errors: wireErrorsSchema,
});
export type WireFlaggedIpSetEntry = z.output<typeof wireFlaggedIpSetEntrySchema>;

/** One element of `GET .../ipset/{name}`: an entry as written, or one Proxmox flags. */
export const wireIpSetEntryItemSchema = z.union([wireIpSetEntrySchema, wireFlaggedIpSetEntrySchema]);
export type WireIpSetEntryItem = z.output<typeof wireIpSetEntryItemSchema>;

/** Whether a listed entry is one Proxmox flags with `errors`. */
export function isFlaggedEntry(entry: WireIpSetEntryItem): entry is WireFlaggedIpSetEntry {
  return entry.errors !== undefined;
}

/** One element of `GET .../ipset` (the list of sets, without their entries). */
export const wireIpSetSchema = z.object({
  name: z.string(),
  comment: z.string().optional(),
  digest: z.string().optional(),
});
export type WireIpSet = z.output<typeof wireIpSetSchema>;

/** One element of `GET /cluster/firewall/groups`. */
export const wireGroupSchema = z.object({
  group: z.string(),
  comment: z.string().optional(),
  digest: z.string().optional(),
});
export type WireGroup = z.output<typeof wireGroupSchema>;

/** `GET .../options`: only the keys set in the file, plus `digest`. Values are numbers or strings. */
export const wireOptionsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type WireOptions = z.output<typeof wireOptionsSchema>;

/** Form values as the client sends them: booleans already 0/1, lists already joined. */
export type WireParams = Readonly<Record<string, string | number | undefined>>;
