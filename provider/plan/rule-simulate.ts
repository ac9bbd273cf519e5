import { InputError } from "../errors";
import type { RuleFields } from "../model/wire";
import type { RuleOp } from "./ops";
import { agreeOnSharedPackets, isEnabled, RULE_FIELDS, ruleKey, withExplicitEnable } from "./rule-fields";

/** A rule with a stable identity, so a rule can be followed through moves and renumbering. */
interface Tracked {
  readonly id: number;
  rule: RuleFields;
}

/** Proxmox drops fields sent as "" (copy_rule_data) and reads `enable` back as 0/1. */
function dropEmpty(rule: RuleFields): RuleFields {
  const out: Record<string, unknown> = {};
  for (const f of RULE_FIELDS) {
    const v = rule[f];
    if (v !== undefined && v !== "") out[f] = v;
  }
  return out as RuleFields;
}

function assertPos(list: readonly unknown[], pos: number, step: number): void {
  if (!Number.isInteger(pos) || pos < 0 || pos >= list.length)
    throw new InputError(`ops[${step}].pos`, `no rule at position ${pos}`);
}

/** Applies one op to `list` in place, with Proxmox's exact position semantics. */
function applyTracked(list: Tracked[], op: RuleOp, step: number, newId: number): void {
  switch (op.kind) {
    case "createRule": {
      // POST ignores `pos` and defaults `enable` to 0.
      const rule = dropEmpty({ ...op.fields, enable: op.fields.enable ?? 0 });
      list.unshift({ id: newId, rule: withExplicitEnable(rule) });
      return;
    }
    case "updateRule": {
      assertPos(list, op.pos, step);
      const item = list[op.pos] as Tracked;
      const merged: Record<string, unknown> = { ...item.rule, ...op.set };
      for (const f of op.delete) {
        if (f === "type" || f === "action")
          throw new InputError(`ops[${step}].delete`, `unable to delete required property '${f}'`);
        delete merged[f];
      }
      item.rule = withExplicitEnable(dropEmpty(merged as RuleFields));
      return;
    }
    case "moveRule": {
      assertPos(list, op.pos, step);
      if (op.moveto === op.pos) return; // a normal field update without fields: no change
      const [item] = list.splice(op.pos, 1) as [Tracked];
      // Inserted before the element that had old index `moveto`; moving down lands at moveto-1.
      const at = op.moveto > op.pos ? op.moveto - 1 : op.moveto;
      list.splice(Math.min(at, list.length), 0, item);
      return;
    }
    case "deleteRule":
      assertPos(list, op.pos, step);
      list.splice(op.pos, 1);
      return;
  }
}

/**
 * The rule list Proxmox holds after running `ops` in order on `list`, as a list GET would return
 * it (without `pos`/`digest`): create inserts at index 0 (ignoring `pos`, `enable` defaulting to 0);
 * a move takes the rule out and inserts it before the element that had old index `moveto`
 * (`moveto >= length` appends; `moveto == pos` changes nothing); an update merges `set`, then
 * removes `delete` (fields sent as "" are removed too; `enable` reads back as 0/1, a deleted
 * `enable` as 1); a delete renumbers later rules densely.
 *
 * @throws InputError (`FW_INPUT`) for a position with no rule or a delete of `type`/`action`,
 *   as Proxmox would refuse the call
 */
export function simulateRuleOps(list: readonly RuleFields[], ops: readonly RuleOp[]): RuleFields[] {
  const tracked = list.map((rule, id) => ({ id, rule }));
  for (const [step, op] of ops.entries()) applyTracked(tracked, op, step, list.length + step);
  return tracked.map((t) => t.rule);
}

/** Result of {@link checkRuleSafety}: `step` is the index in `ops` of the first unsafe op. */
export type RuleSafetyResult = { ok: true } | { ok: false; step: number; reason: string };

/** Number of pairs out of order in `seq` (Fenwick tree, O(n log n)). */
function countInversions(seq: readonly number[], size: number): number {
  const tree = new Array<number>(size + 1).fill(0);
  let inversions = 0;
  for (let i = seq.length - 1; i >= 0; i--) {
    const v = seq[i] as number;
    for (let k = v; k > 0; k -= k & -k) inversions += tree[k] as number; // smaller values seen to the right
    for (let k = v + 1; k <= size; k += k & -k) tree[k] = (tree[k] as number) + 1;
  }
  return inversions;
}

/**
 * Checks the safety invariant of a rule plan: replays `ops` on `initial` (following every rule by
 * identity) and fails at the first op after which
 * 1. an enabled rule has content that is neither its initial enabled content nor its final
 *    enabled content (no transient rule is ever active);
 * 2. a rule that was activated (created enabled, enabled, edited while enabled, or re-enabled)
 *    is out of its final relative order with any other enabled surviving rule, or is active while
 *    an enabled rule the plan deletes is still present;
 * 3. the number of out-of-order pairs among enabled surviving rules (by final index) grows;
 * 4. a rule is activated (becomes enabled with its final content) while a rule above it in the
 *    final list that ends enabled is not yet enabled with its final content, unless the two agree
 *    on every packet both match (`agreeOnSharedPackets`): activation is prefix-safe.
 * It also fails (at `step = ops.length`) when the ops do not produce `final`.
 */
export function checkRuleSafety(
  initial: readonly RuleFields[],
  ops: readonly RuleOp[],
  final: readonly RuleFields[],
): RuleSafetyResult {
  const replay = (visit?: (list: readonly Tracked[], step: number) => string | undefined): RuleSafetyResult => {
    const list: Tracked[] = initial.map((r, id) => ({ id, rule: withExplicitEnable(r) }));
    for (let step = 0; step < ops.length; step++) {
      try {
        applyTracked(list, ops[step] as RuleOp, step, initial.length + step);
      } catch (e) {
        return { ok: false, step, reason: e instanceof Error ? e.message : String(e) };
      }
      const reason = visit?.(list, step);
      if (reason !== undefined) return { ok: false, step, reason };
    }
    const got = list.map((t) => ruleKey(t.rule));
    const want = final.map(ruleKey);
    if (got.length !== want.length || got.some((k, i) => k !== want[i]))
      return { ok: false, step: ops.length, reason: "the ops do not produce the final rule list" };
    finalIndex = new Map(list.map((t, i) => [t.id, i]));
    finalEnabled = list.filter((t) => isEnabled(t.rule));
    finalEnabledKey = new Map(finalEnabled.map((t) => [t.id, ruleKey(t.rule)]));
    return { ok: true };
  };
  let finalIndex = new Map<number, number>();
  let finalEnabled: Tracked[] = [];
  let finalEnabledKey = new Map<number, string>();
  const end = replay();
  if (!end.ok) return end;

  const initialEnabledKey = new Map(initial.flatMap((r, id) => (isEnabled(r) ? [[id, ruleKey(r)] as const] : [])));
  const interrupted = new Set<number>();
  /** Ids enabled with their final content, as of the previous step. */
  let inFinalForm = new Set(
    initial.flatMap((r, id) => (isEnabled(r) && finalEnabledKey.get(id) === ruleKey(r) ? [id] : [])),
  );
  /** Condition 4 for the rules that reached their final enabled form at this step. */
  const prefixBreach = (list: readonly Tracked[]): string | undefined => {
    const now = new Set(
      list.filter((t) => isEnabled(t.rule) && finalEnabledKey.get(t.id) === ruleKey(t.rule)).map((t) => t.id),
    );
    const previous = inFinalForm;
    inFinalForm = now;
    for (const r of finalEnabled) {
      if (!now.has(r.id) || previous.has(r.id)) continue;
      const below = finalIndex.get(r.id) as number;
      const pending = finalEnabled.find(
        (q) => (finalIndex.get(q.id) as number) < below && !now.has(q.id) && !agreeOnSharedPackets(q.rule, r.rule),
      );
      if (pending !== undefined)
        return `rule at final index ${below} is activated while rule at final index ${finalIndex.get(pending.id)}, above it and disagreeing with it, is not yet active`;
    }
    return undefined;
  };
  let inversions = countInversions(
    initial.flatMap((r, id) => (isEnabled(r) && finalIndex.has(id) ? [finalIndex.get(id) as number] : [])),
    finalIndex.size,
  );
  return replay((list, step) => {
    const survivors: { pos: number; target: number; activated: boolean }[] = [];
    let doomedEnabledAt = -1;
    for (let pos = 0; pos < list.length; pos++) {
      const t = list[pos] as Tracked;
      const key = ruleKey(t.rule);
      if (!isEnabled(t.rule) || key !== initialEnabledKey.get(t.id)) interrupted.add(t.id);
      if (!isEnabled(t.rule)) continue;
      if (key !== initialEnabledKey.get(t.id) && key !== finalEnabledKey.get(t.id))
        return `rule at position ${pos} is enabled with content that is neither its initial nor its final content`;
      const target = finalIndex.get(t.id);
      if (target === undefined) doomedEnabledAt = pos;
      else survivors.push({ pos, target, activated: interrupted.has(t.id) });
    }
    const activated = survivors.filter((s) => s.activated);
    if (activated.length > 0 && doomedEnabledAt >= 0)
      return `rule at position ${activated[0]?.pos} is active while rule at position ${doomedEnabledAt}, which is deleted later, is still enabled`;
    const prefixMax: number[] = [];
    for (const [i, s] of survivors.entries())
      prefixMax.push(Math.max(s.target, i > 0 ? (prefixMax[i - 1] as number) : -1));
    let suffixMin = Number.POSITIVE_INFINITY;
    for (let i = survivors.length - 1; i >= 0; i--) {
      const s = survivors[i] as (typeof survivors)[number];
      const before = i > 0 ? (prefixMax[i - 1] as number) : -1;
      if (s.activated && (before > s.target || suffixMin < s.target))
        return `rule at position ${s.pos} is active before it is in its final order among enabled rules`;
      suffixMin = Math.min(suffixMin, s.target);
    }
    const now = countInversions(
      survivors.map((s) => s.target),
      finalIndex.size,
    );
    if (now > inversions)
      return `out-of-order pairs among enabled rules grow from ${inversions} to ${now} at step ${step}`;
    inversions = now;
    return prefixBreach(list);
  });
}
