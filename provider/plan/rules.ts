import type { RuleFields } from "../model/wire";
import type { RuleOp } from "./ops";
import { agreeOnSharedPackets, isEnabled, ruleDiff, ruleIdentityKey, ruleKey, withExplicitEnable } from "./rule-fields";

export type { RuleSafetyResult } from "./rule-simulate";
export { checkRuleSafety, simulateRuleOps } from "./rule-simulate";

/** One rule of the list being planned, followed by identity while ops are emitted. */
interface Item {
  /** Index in the desired list, or -1 for a rule that is deleted. */
  readonly target: number;
  rule: RuleFields;
  /** Part of the in-order backbone (or already moved into place). */
  fixed: boolean;
}

/** Indices (into `seq`) of one longest strictly increasing subsequence; O(n log n), deterministic. */
function longestIncreasing(seq: readonly number[]): number[] {
  const tails: number[] = []; // tails[k] = index into seq of the smallest tail of a run of length k+1
  const prev = new Array<number>(seq.length).fill(-1);
  seq.forEach((v, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((seq[tails[mid] as number] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1] as number;
    tails[lo] = i;
  });
  const out: number[] = [];
  for (let i = tails.length > 0 ? (tails[tails.length - 1] as number) : -1; i >= 0; i = prev[i] as number) out.push(i);
  return out.reverse();
}

/** Pairs old and new indices whose keys are equal, k-th occurrence with k-th occurrence. */
function matchByKey(
  oldIdx: readonly number[],
  newIdx: readonly number[],
  key: (side: "old" | "new", i: number) => string,
  oldToNew: Int32Array,
): void {
  const queues = new Map<string, number[]>();
  for (const j of newIdx) {
    const k = key("new", j);
    const q = queues.get(k);
    if (q) q.push(j);
    else queues.set(k, [j]);
  }
  const heads = new Map<string, number>();
  for (const i of oldIdx) {
    const k = key("old", i);
    const q = queues.get(k);
    const h = heads.get(k) ?? 0;
    if (q && h < q.length) {
      oldToNew[i] = q[h] as number;
      heads.set(k, h + 1);
    }
  }
}

/**
 * Matches `current` to `desired`: old index → new index, or -1 when the old rule is deleted.
 * 1. exact matches (every field equal), k-th occurrence to k-th occurrence;
 * 2. among the rest, rules equal but for `enable`/`comment`/`log`;
 * 3. the backbone = a longest increasing run (LIS) of the matched rules' new indices; between two
 *    consecutive backbone rules, leftover old and new rules are paired positionally (in-place edits).
 */
function matchRules(
  cur: readonly RuleFields[],
  des: readonly RuleFields[],
): { oldToNew: Int32Array; backbone: Set<number> } {
  const oldToNew = new Int32Array(cur.length).fill(-1);
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  matchByKey(all(cur.length), all(des.length), (s, i) => ruleKey((s === "old" ? cur : des)[i] as RuleFields), oldToNew);
  const taken = (): Set<number> => new Set(Array.from(oldToNew).filter((j) => j >= 0));
  const takenNew = taken();
  matchByKey(
    all(cur.length).filter((i) => oldToNew[i] === -1),
    all(des.length).filter((j) => !takenNew.has(j)),
    (s, i) => ruleIdentityKey((s === "old" ? cur : des)[i] as RuleFields),
    oldToNew,
  );
  const matchedOld = all(cur.length).filter((i) => (oldToNew[i] as number) >= 0);
  const lis = longestIncreasing(matchedOld.map((i) => oldToNew[i] as number)).map((k) => matchedOld[k] as number);
  const backbone = new Set(lis);
  const usedNew = taken();
  // Walk the gaps between consecutive backbone rules (plus the ends) and pair leftovers in order.
  let oi = 0;
  let nj = 0;
  for (const anchor of [...lis, cur.length]) {
    const newEnd = anchor < cur.length ? (oldToNew[anchor] as number) : des.length;
    const olds: number[] = [];
    const news: number[] = [];
    for (; oi < anchor; oi++) if (oldToNew[oi] === -1) olds.push(oi);
    for (; nj < newEnd; nj++) if (!usedNew.has(nj)) news.push(nj);
    for (let k = 0; k < Math.min(olds.length, news.length); k++) {
      oldToNew[olds[k] as number] = news[k] as number;
      backbone.add(olds[k] as number);
    }
    oi = anchor + 1;
    nj = newEnd + 1;
  }
  return { oldToNew, backbone };
}

/**
 * The new rules of the top block (those above every kept rule in `desired`) that may be created
 * active: they end enabled and agree with every rule above them in the block that ends enabled
 * ({@link agreeOnSharedPackets}; the top one always may). Agreement depends only on a rule's
 * type and action, so one representative per type and action is kept: O(n · distinct actions).
 */
function activeOnCreate(des: readonly RuleFields[], kept: ReadonlySet<number>): Set<number> {
  const active = new Set<number>();
  const above = new Map<string, RuleFields>();
  for (let j = 0; j < des.length && !kept.has(j); j++) {
    const rule = des[j] as RuleFields;
    if (!isEnabled(rule)) continue;
    if ([...above.values()].every((q) => agreeOnSharedPackets(q, rule))) active.add(j);
    above.set(`${rule.type}\u0000${rule.action}`, rule);
  }
  return active;
}

/**
 * Where to cut a list made of the new rules (ascending final index) over the kept rules (ascending
 * too): the final index `t` such that keeping the new rules below `t` and the kept rules from `t`
 * on in place leaves the most rules unmoved (the longest increasing run of the two runs). The
 * smallest such `t`, so ties keep the kept rules where they are. O(n).
 */
function mergeCut(length: number, kept: ReadonlySet<number>): number {
  let unmoved = kept.size;
  let best = unmoved;
  let cut = 0;
  for (let t = 0; t < length; t++) {
    unmoved += kept.has(t) ? -1 : 1;
    if (unmoved > best) {
      best = unmoved;
      cut = t + 1;
    }
  }
  return cut;
}

/**
 * Plans the writes that turn the rule list `current` into `desired` (both canonical, `enable`
 * 0/1): minimal in calls and order-safe. `simulateRuleOps(current, ops)` equals `desired`.
 *
 * Matching: exact matches first, then rules equal but for enable/comment/log; a longest increasing
 * run of the matched rules (O(n log n) LIS on hashed keys, not an O(n²) LCS table) stays put as the
 * backbone; leftover old and new rules between the same two backbone rules are paired in order as
 * in-place edits (any rule becomes any other with ONE field-update PUT). Unpaired old rules are
 * deleted, unpaired new rules created.
 *
 * Safety invariant (Proxmox's default input policy is DROP; a wrong transient state locks
 * operators out), checked step by step by `checkRuleSafety`: no rule becomes active before it is
 * in its final order among enabled rules; no enabled rule ever carries content that is neither
 * its old nor its new content; no step increases the number of out-of-order pairs among enabled
 * rules; and activation is prefix-safe: a rule becomes active only when every rule above it in the
 * final order that ends enabled is already active in its final form or agrees with it on every
 * packet both match ({@link agreeOnSharedPackets}: different directions, or the same action).
 * Phases, in this order:
 * 1. Deactivate: edits whose result is disabled are applied in full (one PUT each, by position),
 *    then unpaired old rules are deleted from the highest position down. Removing and disabling
 *    first means every later state holds only rules that have a place in the final order, and
 *    nothing is activated while a doomed rule could still shadow it.
 * 2. Move: disabled matched rules move into place first (they cannot change filtering), then
 *    the enabled ones, greedily: the unplaced enabled rule with the lowest final index, put at the
 *    top of its gap, if that adds no out-of-order pair (always so when it moves up: it only
 *    crosses rules it was out of order with); else the one with the highest final index, put at
 *    the bottom of its gap, on the same condition (always so when it moves down). If neither
 *    qualifies (never with this LIS choice in an exhaustive check of all lists of up to 7 rules
 *    with every enabled/disabled mix; 2 of 1.9 million cases with other LIS choices), the lowest
 *    one is disabled, moved, and re-enabled in phase 4.
 * 3. Create, bottom-up: every new rule is POSTed (Proxmox puts it at index 0), the one lowest in
 *    `desired` first, so the new rules above every kept rule (the top block) land in place without
 *    a move. A new rule of the top block is created active when it ends enabled and agrees with
 *    every rule above it in the block that ends enabled (the top one always does); every other new
 *    rule is created disabled. The list is then the new rules over the kept ones, each run in
 *    order, and the fewest rules move ({@link mergeCut}): kept rules move up past disabled new
 *    rules only (the order of enabled rules is untouched), new rules move down into their gaps.
 * 4. Activate, top to bottom: every rule that still differs from its desired form (enable, or
 *    content of an enabled edit) gets one PUT. The list is in its final order here, and going
 *    top-down means every rule that takes precedence over the one being activated is already final.
 *
 * Verdicts. When `desired` only inserts rules into `current` (every current rule kept, unchanged
 * and in order: creating into an empty list, appending, inserting, prepending), every state
 * between two ops gives each packet its old verdict or its new one. Until phase 4, the active
 * rules are the created-active rules of the top block over the unchanged current rules: a packet
 * that meets none of the former gets its old verdict; one that first meets created-active rule r
 * gets r's verdict, and in the final list the first rule it meets is r or an enabled rule above r
 * that agrees with r, so that is its new verdict. Phase 4 then activates top to bottom: a packet
 * either meets the finished part of the final list first (new verdict), or meets the rest, which
 * is again created-active top-block rules over unchanged current rules (new or old verdict).
 * So creating N rules into an empty list costs N writes when they all agree (e.g. every enabled
 * non-group rule of a direction has the same action), 2N−1 when every rule but the top one has a
 * disagreeing enabled rule above it (all but the top one created disabled from the bottom up, the
 * top one enabled, then each enabled top to bottom), and in general N plus one enable for each
 * enabled rule below a disagreeing enabled one.
 *
 * Ownership of a create: the first-created rule is the new rule lowest in `desired`. When the plan
 * only inserts rules, its last update is the plan's last op whenever it has an update at all (it
 * ends enabled but is created disabled): phase 4 reaches it after every rule above it, and no rule
 * below it changes. It has no update when it is created in its final form (it ends disabled, or it
 * is created active). When other rules are edited, moved or deleted, rules below it may be
 * updated after it.
 *
 * Cost bound (asserted by the property tests): `ops.length <= deletes + edits + moved
 * + 2·fallbacks + Σ creates`, where `moved` = matched rules outside the LIS (≤ n − LIS) and each
 * create costs at most 3 (create disabled, move, enable), 2 in the top block (no move), 1 when it
 * is created in its final form; a kept rule moved in phase 3 replaces the move of a new rule.
 * Time: O(n log n) matching plus O(n) bookkeeping per emitted op.
 */
export function planRules(current: readonly RuleFields[], desired: readonly RuleFields[]): RuleOp[] {
  const cur = current.map(withExplicitEnable);
  const des = desired.map(withExplicitEnable);
  const { oldToNew, backbone } = matchRules(cur, des);
  const ops: RuleOp[] = [];
  const list: Item[] = cur.map((rule, i) => ({ target: oldToNew[i] as number, rule, fixed: backbone.has(i) }));
  const update = (item: Item, to: RuleFields): void => {
    const d = ruleDiff(item.rule, to);
    if (Object.keys(d.set).length === 0 && d.delete.length === 0) return;
    ops.push({ kind: "updateRule", pos: list.indexOf(item), set: d.set, delete: d.delete });
    item.rule = to;
  };

  // Phase 1: edits that end disabled, then deletes (highest position first).
  for (const item of list) {
    const want = item.target >= 0 ? (des[item.target] as RuleFields) : undefined;
    if (want && !isEnabled(want)) update(item, want);
  }
  for (let pos = list.length - 1; pos >= 0; pos--) {
    if ((list[pos] as Item).target === -1) {
      ops.push({ kind: "deleteRule", pos });
      list.splice(pos, 1);
    }
  }

  /** Where `item` belongs among the fixed rules: index in the list without it, and the crossing cost. */
  const slot = (item: Item, side: "start" | "end"): { from: number; to: number; delta: number } => {
    const from = list.indexOf(item);
    let pred = -1; // last fixed rule that belongs above, as an index in the list without `item`
    let succ = -1; // first fixed rule that belongs below
    for (let i = 0; i < list.length; i++) {
      const o = list[i] as Item;
      if (o === item || !o.fixed) continue;
      const k = i > from ? i - 1 : i;
      if (o.target < item.target) pred = k;
      else if (succ === -1) succ = k;
    }
    const to = side === "start" ? pred + 1 : succ === -1 ? list.length - 1 : succ;
    let delta = 0;
    if (isEnabled(item.rule)) {
      const [lo, hi] = to < from ? [to, from] : [from + 1, to + 1];
      for (let i = lo; i < hi; i++) {
        const o = list[i] as Item;
        if (!isEnabled(o.rule)) continue;
        const wasBefore = i < from;
        const inverted = wasBefore ? o.target > item.target : o.target < item.target;
        delta += inverted ? -1 : 1;
      }
    }
    return { from, to, delta };
  };
  const move = (item: Item, s: { from: number; to: number }): void => {
    if (s.to !== s.from) {
      ops.push({ kind: "moveRule", pos: s.from, moveto: s.to > s.from ? s.to + 1 : s.to });
      list.splice(s.from, 1);
      list.splice(s.to, 0, item);
    }
    item.fixed = true;
  };

  // Phase 2: moves, disabled rules first, then enabled ones greedily.
  const byTarget = (a: Item, b: Item) => a.target - b.target;
  for (const item of list.filter((o) => !o.fixed && !isEnabled(o.rule)).sort(byTarget)) move(item, slot(item, "start"));
  const enabled = list.filter((o) => !o.fixed).sort(byTarget);
  while (enabled.length > 0) {
    const low = enabled[0] as Item;
    const high = enabled[enabled.length - 1] as Item;
    const candidates: [Item, "start" | "end"][] = [
      [low, "start"],
      [high, "end"],
    ];
    const pick = candidates.map(([item, side]) => ({ item, s: slot(item, side) })).find(({ s }) => s.delta <= 0);
    if (pick) {
      move(pick.item, pick.s);
      enabled.splice(enabled.indexOf(pick.item), 1);
    } else {
      update(low, { ...low.rule, enable: 0 });
      move(low, slot(low, "start"));
      enabled.shift();
    }
  }

  // Phase 3: creates, lowest final index first (the top block lands in place), then the fewest moves.
  const kept = new Set(list.map((o) => o.target));
  const active = activeOnCreate(des, kept);
  for (let j = des.length - 1; j >= 0; j--) {
    if (kept.has(j)) continue;
    const want = des[j] as RuleFields;
    const item: Item = { target: j, rule: active.has(j) ? want : { ...want, enable: 0 }, fixed: false };
    ops.push({ kind: "createRule", fields: item.rule });
    list.unshift(item);
  }
  const cut = mergeCut(des.length, kept);
  for (const item of list) item.fixed = kept.has(item.target) ? item.target >= cut : item.target < cut;
  for (const item of list.filter((o) => !o.fixed).sort(byTarget)) move(item, slot(item, "start"));

  // Phase 4: activate top to bottom.
  for (const item of [...list]) update(item, des[item.target] as RuleFields);
  return ops;
}
