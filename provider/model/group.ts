/**
 * Security groups: a named rule list inserted into other rule lists with `type: 'group'` rules.
 *
 * @module
 */
import { z } from "zod";
import { canonicalComment, droppedCommentWarning, type Issue, type Validation } from "./common";
import { commentSchema, groupNameSchema } from "./fields";
import { expecting, renderIssue, unknownKeyReason, withoutNulls, zodIssues } from "./input";
import { canonicalRule, ruleFromWire, ruleSchema, ruleToWire, validateRules } from "./rule";
import type { RuleFields } from "./wire";

/** Schema of a security group as the user declares it. */
export const groupSchema = z.strictObject(
  {
    name: groupNameSchema.describe(
      "Group name as `type: 'group'` rules reference it. Proxmox field `group`; 2-18 lower-case letters, digits, '-', '_'. @example 'webtier'",
    ),
    comment: commentSchema.optional().describe("Free text. Proxmox field `comment`. @default - no comment"),
    rules: z
      .array(ruleSchema, { error: expecting("a list of rules") })
      .default([])
      .describe("Ordered rules of the group (types in, out, forward; no iface, no nested groups). @default []"),
  },
  { error: expecting("a security group object { name, comment?, rules? }") },
);
/** A security group as the user writes it. */
export type GroupInput = z.input<typeof groupSchema>;
/** A security group with defaults applied. */
export type Group = z.output<typeof groupSchema>;

/** The input properties of a security group. */
export const GROUP_INPUT_KEYS: readonly string[] = Object.keys(groupSchema.shape);

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

/**
 * Validates a user group and its rules in group scope (`null` members mean "left out"); on
 * success returns its canonical wire form. The rules are checked even when the name is bad, so
 * one preview reports every problem.
 */
export function validateGroup(input: unknown): Validation<GroupFields> {
  const raw = withoutNulls(input) as Record<string, unknown> | undefined;
  const { rules: rawRules, ...head } = raw !== null && typeof raw === "object" ? raw : { rules: undefined };
  const parsedHead = groupSchema.omit({ rules: true }).safeParse(head, { error: renderIssue });
  const issues: Issue[] = parsedHead.success
    ? []
    : zodIssues(parsedHead.error, "", (key) => unknownKeyReason(key, GROUP_INPUT_KEYS, "a security group"));
  const name = parsedHead.success ? parsedHead.data.name : "unknown";
  let rules: RuleFields[] = [];
  const warnings: Issue[] = [];
  if (rawRules !== undefined && !Array.isArray(rawRules)) {
    const listed = groupSchema.shape.rules.safeParse(rawRules, { error: renderIssue });
    if (!listed.success) issues.push(...zodIssues(listed.error, "rules"));
  } else {
    const result = validateRules(rawRules ?? [], { kind: "group", group: name });
    if (result.ok) {
      rules = result.value;
      warnings.push(...result.warnings);
    } else issues.push(...result.issues);
  }
  if (!parsedHead.success || issues.length > 0) return { ok: false, issues };
  const dropped = droppedCommentWarning(parsedHead.data.comment);
  if (dropped) warnings.push({ path: "comment", reason: dropped });
  const wire = groupToWire({ ...parsedHead.data, rules: [] });
  return { ok: true, value: canonicalGroup({ ...wire, rules }), warnings };
}
