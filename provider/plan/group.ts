import type { RuleFields } from "../model/wire";
import type { GroupOp, RuleOp } from "./ops";
import { planRules } from "./rules";

/** A security group as the planner compares it. */
export interface GroupState {
  readonly group: string;
  readonly comment?: string;
  readonly rules: readonly RuleFields[];
}

/**
 * Plans one security group and its rule list. Order:
 * - create (`createGroup`) when `current` is undefined, or one `renameGroup` POST when the name
 *   changed (`group=<new>`, `rename=<old>`; Proxmox rewrites `GROUP old` references in cluster,
 *   host and guest rules) or only the comment changed (`rename` = the same name);
 * - then the rule ops of {@link planRules} for the group's rules, addressed to the desired name;
 * - when `desired` is undefined: every rule is deleted first (Proxmox refuses to delete a group
 *   that still has rules), then `deleteGroup`.
 */
export function planGroup(current: GroupState | undefined, desired: GroupState | undefined): (GroupOp | RuleOp)[] {
  if (desired === undefined)
    return current === undefined
      ? []
      : [...planRules(current.rules, []), { kind: "deleteGroup", group: current.group }];
  const comment = desired.comment === undefined ? {} : { comment: desired.comment };
  if (current === undefined)
    return [{ kind: "createGroup", group: desired.group, ...comment }, ...planRules([], desired.rules)];
  const head: GroupOp[] =
    current.group !== desired.group || (current.comment ?? "") !== (desired.comment ?? "")
      ? [{ kind: "renameGroup", from: current.group, to: desired.group, ...comment }]
      : [];
  return [...head, ...planRules(current.rules, desired.rules)];
}
