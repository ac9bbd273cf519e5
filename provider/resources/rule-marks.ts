import type { RuleFields } from "../model/wire";
import type { RuleField, RuleOp, UpdateRuleOp } from "../plan/ops";
import { ruleKey } from "../plan/rule-fields";
import { markOwner } from "./ownership";

/** The index and owner of the first rule whose comment is an ownership mark, if any. */
export function markedRule(rules: readonly RuleFields[]): { index: number; owner: string } | undefined {
  for (const [index, rule] of rules.entries()) {
    const owner = markOwner(rule.comment);
    if (owner !== undefined) return { index, owner };
  }
  return undefined;
}

function without(rule: RuleFields, fields: readonly RuleField[]): RuleFields {
  const out: Record<string, unknown> = { ...rule };
  for (const f of fields) delete out[f];
  return out as RuleFields;
}

/**
 * Whether the live list holds nothing but declared rules, as a create interrupted part-way leaves
 * it: every live rule equals a distinct desired rule, ignoring `enable` (rules are created
 * disabled and enabled last) and, for the rule at `markedIndex`, its comment (the mark).
 */
export function holdsOnlyDeclared(
  live: readonly RuleFields[],
  desired: readonly RuleFields[],
  markedIndex: number | undefined,
): boolean {
  const pool = (fields: readonly RuleField[]) => {
    const counts = new Map<string, number>();
    for (const r of desired) {
      const k = ruleKey(without(r, fields));
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return counts;
  };
  const take = (counts: Map<string, number>, key: string) => {
    const n = counts.get(key) ?? 0;
    if (n === 0) return false;
    counts.set(key, n - 1);
    return true;
  };
  const plain = pool(["enable"]);
  const taken: RuleFields[] = [];
  for (const [i, r] of live.entries()) {
    if (i === markedIndex) continue;
    if (!take(plain, ruleKey(without(r, ["enable"])))) return false;
    taken.push(without(r, ["enable"]));
  }
  if (markedIndex === undefined) return true;
  // The marked rule may be any declared rule not taken by the others.
  const rest = pool(["enable", "comment"]);
  for (const r of taken) take(rest, ruleKey(without(r, ["comment"])));
  return take(rest, ruleKey(without(live[markedIndex]!, ["enable", "comment"])));
}

/**
 * Rewrites a rule plan so that the list stays marked as half-made by this resource until the plan's
 * last write. The marked rule is the live rule whose comment is `mark`; when there is none, the
 * list is empty and the plan has two or more writes, the first rule created gets the mark. Updates
 * of the marked rule leave its comment alone; its real comment (from `desired`) is set by the plan's
 * last write when that write updates the marked rule anyway (normally: enabling the bottom rule,
 * which is created first), otherwise by one extra `PUT` appended at the end. A one-write plan on an
 * empty list (or a plan on a list without the mark) is returned unchanged.
 */
export function markRulePlan(
  current: readonly RuleFields[],
  ops: readonly RuleOp[],
  mark: string,
  desired: readonly RuleFields[],
): RuleOp[] {
  const ids = current.map((_, i) => i);
  let marked: number | undefined = current.findIndex((r) => r.comment === mark);
  if (marked < 0) marked = undefined;
  const firstCreate = ops.findIndex((op) => op.kind === "createRule");
  const markCreate = marked === undefined && current.length === 0 && ops.length >= 2 && firstCreate >= 0;
  if (marked === undefined && !markCreate) return [...ops];
  let nextId = current.length;
  const out: RuleOp[] = [];
  for (const [step, op] of ops.entries()) {
    switch (op.kind) {
      case "createRule": {
        const id = nextId++;
        ids.unshift(id);
        if (markCreate && step === firstCreate) {
          marked = id;
          out.push({ ...op, fields: { ...op.fields, comment: mark } });
        } else out.push(op);
        break;
      }
      case "moveRule": {
        const [id] = ids.splice(op.pos, 1);
        const at = op.moveto > op.pos ? op.moveto - 1 : op.moveto;
        ids.splice(Math.min(at, ids.length), 0, id!);
        out.push(op);
        break;
      }
      case "deleteRule":
        if (ids[op.pos] === marked) return [...ops]; // the marked rule is not part of the result: nothing to keep
        ids.splice(op.pos, 1);
        out.push(op);
        break;
      case "updateRule": {
        if (ids[op.pos] !== marked) {
          out.push(op);
          break;
        }
        const { comment: _comment, ...set } = op.set;
        const del = op.delete.filter((f) => f !== "comment");
        if (Object.keys(set).length > 0 || del.length > 0) out.push({ ...op, set, delete: del });
        break;
      }
    }
  }
  const at = ids.indexOf(marked!);
  const comment = desired[at]?.comment;
  const last = out[out.length - 1];
  const base: UpdateRuleOp =
    last?.kind === "updateRule" && last.pos === at
      ? (out.pop() as UpdateRuleOp)
      : { kind: "updateRule", pos: at, set: {}, delete: [] };
  out.push(
    comment === undefined
      ? { ...base, delete: [...base.delete, "comment"] }
      : { ...base, set: { ...base.set, comment } },
  );
  return out;
}
