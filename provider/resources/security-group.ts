import type { FirewallApi } from "../client/firewall";
import { InputError } from "../errors";
import { canonicalComment, type Issue } from "../model/common";
import { canonicalGroup, GROUP_INPUT_KEYS, validateGroup } from "../model/group";
import { CLUSTER, type Scope } from "../model/scope";
import type { RuleFields } from "../model/wire";
import { storedRule } from "./apply-rules";
import { type InputSpec, splitInputs } from "./check-input";
import { containsUnknown, type KindContext, type KindImpl, type Props } from "./framework";
import { writeWithListDigest } from "./list-write";
import { type CreateMode, markOwner, ownerMark } from "./ownership";
import { type DeclaredNames, verifyReferences } from "./preflight";
import { applyRules, checkRules, ruleStates, surveyRuleList } from "./rules";

function groupScope(name: string): Scope {
  return { kind: "group", group: name };
}

/** The props of a group with this comment and these rules: what {@link readGroup} returns for it. */
function groupProps(name: string, comment: string | undefined, rules: RuleFields[], digest: string | undefined): Props {
  const canonical = canonicalGroup({ group: name, comment, rules });
  return {
    name,
    ...(canonical.comment === undefined ? {} : { comment: canonical.comment }),
    rules: ruleStates(canonical.rules),
    digest: digest ?? "",
  };
}

/** The group as it is: one GET of the groups, one of its rules. */
async function readGroup(api: FirewallApi, name: string): Promise<Props | undefined> {
  const groups = await api.listGroups();
  const group = groups.find((g) => g.group === name);
  if (!group) return undefined;
  const { rules, digest } = await api.listRules(groupScope(name));
  return groupProps(name, group.comment, rules.map(storedRule), digest);
}

/** The comments of groups `names` in canonical form (`null` for a group that does not exist); one GET. */
async function commentsOf(api: FirewallApi, ...names: string[]): Promise<(string | undefined | null)[]> {
  const groups = await api.listGroups();
  return names.map((name) => {
    const group = groups.find((g) => g.group === name);
    return group ? canonicalComment(group.comment) : null;
  });
}

/**
 * The reference check of a group's write (see `verifyReferences`): a new group's rules are all
 * new; an adopted or half-made group's, or an updated one's (under its current name), may already
 * be on the server as declared.
 */
async function checkReferences(
  ctx: KindContext,
  inputs: Props,
  before: { olds: Props } | { mode: CreateMode },
  declared?: DeclaredNames,
): Promise<void> {
  const desired = desiredOf(inputs);
  const current = "olds" in before ? String(before.olds["name"]) : before.mode === "new" ? undefined : desired.group;
  await verifyReferences(ctx.lists, groupScope(desired.group), desired.rules, `security group ${desired.group}`, {
    ...(current === undefined ? {} : { existing: groupScope(current) }),
    warn: ctx.warn,
    ...(declared ? { declared } : {}),
  });
}

function desiredOf(props: Props) {
  const result = validateGroup({ name: props["name"], comment: props["comment"], rules: props["rules"] ?? [] });
  if (!result.ok) throw new InputError(result.issues[0]!.path, result.issues[0]!.reason);
  return result.value;
}

function applyGroupRules(ctx: KindContext, name: string, rules: readonly RuleFields[]) {
  return applyRules(ctx, groupScope(name), rules, `security group ${name}`);
}

/**
 * Renames the group and/or sets its comment (one write), guarded by the groups' digest (see
 * {@link writeWithListDigest}); no write when name and comment are already so. A write of unknown
 * outcome is settled by reading the groups (it landed when group `to` has `comment`). With
 * `announced`, the caller has already counted the write among the planned ones (a create's last write).
 */
function renameGroup(
  ctx: KindContext,
  from: string,
  to: string,
  comment: string | undefined,
  announced = false,
): Promise<void> {
  return writeWithListDigest(ctx, CLUSTER, async (attempt) => {
    const groups = await ctx.api.listGroups();
    const current = groups.find((g) => g.group === from);
    if (from === to && current && canonicalComment(current.comment) === comment) {
      if (announced || attempt > 1) ctx.journal.withdraw(1); // counted as planned, not needed after all
      return;
    }
    if (attempt === 1 && !announced) ctx.journal.expect(1);
    const what =
      from === to ? (comment === undefined ? "cleared the comment" : "set the comment") : `renamed it from ${from}`;
    await ctx.journal.writeSettled(
      what,
      () => ctx.api.renameGroup(from, to, comment ?? "", groups[0]?.digest),
      async () => {
        const [now, old] = await commentsOf(ctx.api, to, from);
        return now === comment && (from === to || old === null);
      },
    );
  });
}

const GROUP_INPUTS: InputSpec = {
  resource: "SecurityGroup",
  fields: GROUP_INPUT_KEYS,
  outputs: ["digest"],
  scope: "security groups live at datacenter level; remove scope",
};

/**
 * A security group and its ordered rules (`SecurityGroup`), at datacenter level. A name change is
 * an in-place rename: Proxmox rewrites the `GROUP` references in cluster, host and guest rules.
 */
export const securityGroupKind: KindImpl = {
  noun: "security group",
  compared: ["name", "comment", "rules"],

  check(news) {
    const split = splitInputs(news, GROUP_INPUTS);
    const { name: rawName, comment: rawComment, rules: rawRules } = split.fields;
    const raw = { name: rawName, comment: rawComment };
    const issues: Issue[] = [...split.issues];
    const warnings: Issue[] = [];
    if (!containsUnknown(raw)) {
      const head = validateGroup({ ...raw, rules: [] });
      if (head.ok) warnings.push(...head.warnings);
      else issues.push(...head.issues);
    }
    const name = typeof rawName === "string" && !containsUnknown(rawName) ? rawName : "unknown";
    const rules = checkRules(rawRules, {
      kind: "group",
      group: /^[a-z][a-z0-9_-]{1,17}$/.test(name) ? name : "unknown",
    });
    issues.push(...rules.issues);
    warnings.push(...rules.warnings);
    const comment = typeof rawComment === "string" ? canonicalComment(rawComment) : rawComment;
    return { inputs: { ...split.common, name: rawName, comment, rules: rules.rules }, issues, warnings };
  },

  idOf(inputs) {
    return `cluster/group/${String(inputs["name"])}`;
  },

  replaces: () => [],
  deleteBeforeReplace: () => false,
  declares: (inputs) => ({ kind: "group", scope: CLUSTER, name: String(inputs["name"]) }),
  verifyReferences: checkReferences,

  async survey(ctx, inputs) {
    const desired = desiredOf(inputs);
    const group = (await ctx.api.listGroups()).find((g) => g.group === desired.group);
    if (!group) return undefined;
    // Through `lists`: the reference check of the create that follows compares against this read.
    const live = await ctx.lists.rules(groupScope(desired.group));
    const comment = canonicalComment(group.comment);
    const rules = surveyRuleList("", live, desired.rules, true);
    const n = live.length;
    const sameComment = comment === desired.comment;
    return {
      ...rules,
      headline: `security group '${desired.group}' already exists with ${n} ${n === 1 ? "rule" : "rules"}${comment ? ` (comment: ${comment})` : ""}`,
      mark: markOwner(comment),
      equal: sameComment && rules.equal,
      changes: [
        ...(sameComment ? [] : [`set the comment to ${JSON.stringify(desired.comment ?? "")}`]),
        ...rules.changes,
      ],
    };
  },

  /**
   * A new group with rules is created carrying the ownership mark as its comment, given its rules,
   * and its real comment by a last write (one extra write; a group without rules is one write).
   * References are verified before the first write. A half-made group of this resource is
   * finished the same way; an adopted group is reconciled like an update.
   */
  async create(ctx, inputs, intent) {
    const desired = desiredOf(inputs);
    const name = desired.group;
    const mark = intent.mode !== "adopt" && intent.owner !== undefined && desired.rules.length > 0;
    await checkReferences(ctx, inputs, { mode: intent.mode });
    // the last write, which replaces the mark by the real comment, is planned from the start (see ipset.ts)
    if (mark) ctx.journal.expect(1);
    if (intent.mode === "new") {
      const comment = mark ? ownerMark(intent.owner!) : desired.comment;
      ctx.journal.expect(1);
      await ctx.journal.writeSettled(
        `created the group${mark ? " marked as being created by this resource" : ""}`,
        () => ctx.api.createGroup(name, comment),
        async () => (await commentsOf(ctx.api, name))[0] === canonicalComment(comment),
      );
    }
    const applied = await applyGroupRules(ctx, name, desired.rules);
    if (mark || intent.mode !== "new") await renameGroup(ctx, name, name, desired.comment, mark);
    return groupProps(name, desired.comment, applied.rules, applied.digest);
  },

  async read(ctx, id, props) {
    const name = props?.["name"] !== undefined ? String(props["name"]) : id.replace(/^cluster\/group\//, "");
    const found = await readGroup(ctx.api, name);
    if (!found) return undefined;
    const { digest: _digest, ...inputs } = found;
    return { props: found, inputs };
  },

  async update(ctx, _id, olds, news) {
    const desired = desiredOf(news);
    const from = String(olds["name"]);
    await checkReferences(ctx, news, { olds });
    if (from !== desired.group || (olds["comment"] ?? "") !== (desired.comment ?? ""))
      await renameGroup(ctx, from, desired.group, desired.comment);
    const applied = await applyGroupRules(ctx, desired.group, desired.rules);
    return groupProps(desired.group, desired.comment, applied.rules, applied.digest);
  },

  async delete(ctx, _id, olds) {
    const name = String(olds["name"]);
    if (!(await ctx.api.listGroups()).some((g) => g.group === name)) return;
    await applyGroupRules(ctx, name, []); // Proxmox refuses to delete a group that still has rules
    ctx.journal.expect(1);
    await ctx.journal.writeSettled(
      "deleted the group",
      () => ctx.api.deleteGroup(name),
      async () => (await commentsOf(ctx.api, name))[0] === null,
    );
  },
};
