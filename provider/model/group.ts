/**
 * Security groups: a named rule list inserted into other rule lists with `type: 'group'` rules.
 *
 * @module
 */
import { z } from "zod";
import { canonicalComment, commentSchema, type Validation, zodIssues } from "./common";
import { canonicalRule, ruleFromWire, ruleSchema, ruleToWire, validateRules } from "./rule";
import { groupNameSchema } from "./scope";
import type { RuleFields } from "./wire";

/** Schema of a security group as the user declares it. */
export const groupSchema = z.object({
  name: groupNameSchema.describe(
    "Group name as `type: 'group'` rules reference it. Proxmox field `group`; 2-18 lower-case letters, digits, '-', '_'. @example 'webtier'",
  ),
  comment: commentSchema.optional().describe("Free text. Proxmox field `comment`. @default - no comment"),
  rules: z
    .array(ruleSchema)
    .default([])
    .describe("Ordered rules of the group (types in, out, forward; no iface, no nested groups). @default []"),
});
/** A security group as the user writes it. */
export type GroupInput = z.input<typeof groupSchema>;
/** A security group with defaults applied. */
export type Group = z.output<typeof groupSchema>;

/** Wire form of a security group: its list fields plus its rules. */
export interface GroupFields {
  group: string;
  comment?: string;
  rules: RuleFields[];
}

/** Converts a user group to its wire form. */
export function groupToWire(input: GroupInput): GroupFields {
  const wire: GroupFields = { group: input.name, rules: (input.rules ?? []).map(ruleToWire) };
  if (input.comment !== undefined) wire.comment = input.comment;
  return wire;
}

/** Converts a wire group to the user's shape. */
export function groupFromWire(fields: GroupFields): Group {
  const group: Group = { name: fields.group, rules: fields.rules.map(ruleFromWire) };
  if (fields.comment !== undefined) group.comment = fields.comment;
  return group;
}

/** Canonical group: name lower-cased (as Proxmox reads it), comment canonical, rules canonical in order. */
export function canonicalGroup(fields: GroupFields): GroupFields {
  const canonical: GroupFields = { group: fields.group.toLowerCase(), rules: fields.rules.map(canonicalRule) };
  const comment = canonicalComment(fields.comment);
  if (comment !== undefined) canonical.comment = comment;
  return canonical;
}

/** Validates a user group and its rules (in group scope); on success returns its canonical wire form. */
export function validateGroup(input: unknown): Validation<GroupFields> {
  const parsed = groupSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
  const rules = validateRules(parsed.data.rules, { kind: "group", group: parsed.data.name });
  if (!rules.ok) return rules;
  const wire = groupToWire(parsed.data);
  const canonical = canonicalGroup({ ...wire, rules: rules.value });
  return { ok: true, value: canonical };
}
