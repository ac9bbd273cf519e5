import { printRuleLine } from "../fw/rule";
import type { IpSetEntryFields, RuleFields } from "../model/wire";
import type { IpSetOp, RuleOp } from "../plan/ops";
import { ruleIdentityKey } from "../plan/rule-fields";
import { simulateRuleOps } from "../plan/rules";

/**
 * Writes and objects in user terms, for messages: what a failed apply already changed, what a
 * takeover will change, what a refused create found.
 */

/** A rule as its `.fw` line (`|IN ACCEPT -p tcp -dport 22 # ssh`), the form the Proxmox docs use. */
export function ruleLine(rule: RuleFields, scopeIsGroup = false): string {
  return printRuleLine(rule, !scopeIsGroup);
}

/** `0: IN ACCEPT ...` for each rule of a list. */
export function ruleLines(rules: readonly RuleFields[], scopeIsGroup = false): string[] {
  return rules.map((r, i) => `${i}: ${ruleLine(r, scopeIsGroup)}`);
}

/** An IPSet entry as Proxmox writes it (`!10.0.0.0/8 # comment`). */
export function entryLine(entry: IpSetEntryFields): string {
  return `${entry.nomatch ? "!" : ""}${entry.cidr}${entry.comment ? ` # ${entry.comment}` : ""}`;
}

/** The index a moved rule ends at (Proxmox inserts before the rule that had index `moveto`). */
function movedTo(op: Extract<RuleOp, { kind: "moveRule" }>, length: number): number {
  return Math.min(op.moveto > op.pos ? op.moveto - 1 : op.moveto, length - 1);
}

/**
 * One rule write in the past tense, without the rule's content: `created rule 0 disabled`,
 * `moved rule 0 to 4`, `enabled rule 3`, `updated rule 1 (comment, dport)`, `deleted rule 2`.
 * `length` is the list's length before the write.
 */
export function ruleOpDone(op: RuleOp, length: number): string {
  switch (op.kind) {
    case "createRule":
      return `created rule 0${op.fields.enable === 1 ? "" : " disabled"}`;
    case "moveRule":
      return `moved rule ${op.pos} to ${movedTo(op, length)}`;
    case "deleteRule":
      return `deleted rule ${op.pos}`;
    case "updateRule": {
      const fields = [...Object.keys(op.set), ...op.delete];
      if (fields.length === 1 && fields[0] === "enable")
        return `${op.set.enable === 1 ? "enabled" : "disabled"} rule ${op.pos}`;
      return `updated rule ${op.pos} (${fields.join(", ")})`;
    }
  }
}

/**
 * A rule plan in the future tense, one line per write, with the content of every rule created,
 * changed or removed: `delete rule 2: IN ACCEPT -p tcp -dport 80 # web`; an in-place edit that
 * changes what a rule matches or does (so removes the old rule) is a `replace`, one that changes
 * only `enable`, `comment` or `log` an `update`.
 */
export function rulePlanLines(current: readonly RuleFields[], ops: readonly RuleOp[], scopeIsGroup = false): string[] {
  const lines: string[] = [];
  let list = [...current];
  for (const op of ops) {
    const before = list;
    list = simulateRuleOps(before, [op]);
    switch (op.kind) {
      case "createRule":
        lines.push(`create rule 0${op.fields.enable === 1 ? "" : " (disabled)"}: ${ruleLine(list[0]!, scopeIsGroup)}`);
        break;
      case "moveRule":
        lines.push(`move rule ${op.pos} to ${movedTo(op, before.length)}`);
        break;
      case "deleteRule":
        lines.push(`delete rule ${op.pos}: ${ruleLine(before[op.pos]!, scopeIsGroup)}`);
        break;
      case "updateRule": {
        // An edit that changes what the rule matches or does removes the old rule: say so.
        const verb = ruleIdentityKey(before[op.pos]!) === ruleIdentityKey(list[op.pos]!) ? "update" : "replace";
        lines.push(
          `${verb} rule ${op.pos}: ${ruleLine(before[op.pos]!, scopeIsGroup)} => ${ruleLine(list[op.pos]!, scopeIsGroup)}`,
        );
        break;
      }
    }
  }
  return lines;
}

/**
 * An entry plan in the future tense, one line per write, with the entries as Proxmox writes them
 * (`!` for nomatch, `# comment`), as {@link rulePlanLines} shows rules: `add entry 203.0.113.9 # vpn`,
 * `delete entry !198.18.5.0/24 # partner inside`, `update entry 10.0.0.0/8 => !10.0.0.0/8 # hole`.
 * `current` holds the set's entries before the plan.
 */
export function entryPlanLines(current: readonly IpSetEntryFields[], ops: readonly IpSetOp[]): string[] {
  const byCidr = new Map(current.map((e) => [e.cidr, e]));
  const was = (cidr: string) => entryLine(byCidr.get(cidr) ?? { cidr });
  return ops.map((op) => {
    switch (op.kind) {
      case "addEntry":
        return `add entry ${entryLine(op.entry)}`;
      case "updateEntry": {
        const now = {
          cidr: op.cidr,
          nomatch: op.nomatch === 1 ? (1 as const) : undefined,
          comment: op.comment || undefined,
        };
        return `update entry ${was(op.cidr)} => ${entryLine(now)}`;
      }
      case "deleteEntry":
        return `delete entry ${was(op.cidr)}`;
      default:
        return op.kind;
    }
  });
}
