import type { FirewallApi } from "../client/firewall";
import { hasCode, InputError } from "../errors";
import { canonicalComment, type Issue } from "../model/common";
import { canonicalGroup, GROUP_INPUT_KEYS, validateGroup } from "../model/group";
import type { Scope } from "../model/scope";
import { applyRuleList, MAX_REPLANS, storedRule } from "./apply-rules";
import { type InputSpec, splitInputs } from "./check-input";
import { containsUnknown, type KindImpl, type Props } from "./framework";
import { aliasVersions, checkRules, ruleStates } from "./rules";

function groupScope(name: string): Scope {
  return { kind: "group", group: name };
}

async function readGroup(api: FirewallApi, name: string): Promise<Props | undefined> {
  const groups = await api.listGroups();
  const group = groups.find((g) => g.group === name);
  if (!group) return undefined;
  const { rules, digest } = await api.listRules(groupScope(name));
  const canonical = canonicalGroup({ group: name, comment: group.comment, rules: rules.map(storedRule) });
  return {
    name,
    ...(canonical.comment === undefined ? {} : { comment: canonical.comment }),
    rules: ruleStates(canonical.rules),
    digest: digest ?? "",
  };
}

function desiredOf(props: Props) {
  const result = validateGroup({ name: props["name"], comment: props["comment"], rules: props["rules"] ?? [] });
  if (!result.ok) throw new InputError(result.issues[0]!.path, result.issues[0]!.reason);
  return result.value;
}

async function applyGroupRules(api: FirewallApi, name: string, rules: Parameters<typeof applyRuleList>[2]) {
  const scope = groupScope(name);
  await applyRuleList(api, scope, rules, await aliasVersions(api, scope, rules));
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

  async create(ctx, inputs) {
    const desired = desiredOf(inputs);
    if ((await ctx.api.listGroups()).some((g) => g.group === desired.group))
      throw new InputError(
        "name",
        `security group '${desired.group}' already exists; adopt it with SecurityGroup.get(name, "cluster/group/${desired.group}") or import it`,
      );
    await ctx.api.createGroup(desired.group, desired.comment);
    await applyGroupRules(ctx.api, desired.group, desired.rules);
    return (await readGroup(ctx.api, desired.group)) ?? {};
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
    if (from !== desired.group || (olds["comment"] ?? "") !== (desired.comment ?? "")) {
      for (let attempt = 1; ; attempt++) {
        const groups = await ctx.api.listGroups();
        try {
          await ctx.api.renameGroup(from, desired.group, desired.comment ?? "", groups[0]?.digest);
          break;
        } catch (e) {
          if (!(hasCode(e, "FW_DIGEST_MISMATCH") && attempt < MAX_REPLANS)) throw e;
        }
      }
    }
    await applyGroupRules(ctx.api, desired.group, desired.rules);
    return (await readGroup(ctx.api, desired.group)) ?? {};
  },

  async delete(ctx, _id, olds) {
    const name = String(olds["name"]);
    if (!(await ctx.api.listGroups()).some((g) => g.group === name)) return;
    await applyGroupRules(ctx.api, name, []); // Proxmox refuses to delete a group that still has rules
    await ctx.api.deleteGroup(name);
  },
};
