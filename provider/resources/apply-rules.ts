import type { FirewallApi } from "../client/firewall";
import { mayHaveApplied } from "../client/http";
import { rulesPath } from "../client/scope";
import { DigestMismatchError, hasCode } from "../errors";
import { canonicalRule } from "../model/rule";
import type { Scope } from "../model/scope";
import { scopeId } from "../model/scope";
import type { RuleFields, WireParams, WireRule } from "../model/wire";
import type { RuleOp } from "../plan/ops";
import { ruleKey } from "../plan/rule-fields";
import { planRules, simulateRuleOps } from "../plan/rules";
import { ruleOpDone } from "./describe";
import { type AliasVersionLookup, listDigest, predictIpVersion } from "./digest";
import { WriteJournal } from "./journal";

/** How often a rule list is re-read and re-planned after a digest mismatch before giving up. */
export const MAX_REPLANS = 3;

/** The canonical stored fields of a rule as a list GET returns it (pos, digest, ipversion, errors dropped). */
export function storedRule(rule: WireRule): RuleFields {
  const { pos: _pos, digest: _digest, ipversion: _ipversion, errors: _errors, ...fields } = rule;
  return canonicalRule(fields);
}

/**
 * A rule list as read or predicted: canonical rules plus what Proxmox derived (`ipversion`), for
 * digest prediction. `exact` when it is known to be the list on the server: read, or predicted
 * after a write whose digest Proxmox checked (which proves the list before it was as predicted).
 */
interface ListState {
  readonly rules: RuleFields[];
  readonly versions: (4 | 6 | undefined)[];
  readonly digest: string | undefined;
  readonly exact: boolean;
}

async function readList(api: FirewallApi, scope: Scope): Promise<ListState> {
  const { rules, digest } = await api.listRules(scope);
  return {
    rules: rules.map(storedRule),
    versions: rules.map((r) => (r.ipversion === 4 || r.ipversion === 6 ? r.ipversion : undefined)),
    digest,
    exact: true,
  };
}

/** The digest Proxmox computes for `rules` (its hashed entries include the derived ipversion). */
function predictDigest(rules: readonly RuleFields[], versions: readonly (4 | 6 | undefined)[]): string | undefined {
  if (rules.length === 0) return undefined;
  return listDigest(rules.map((r, i) => ({ ...r, ipversion: versions[i] })));
}

function wireParams(fields: Partial<RuleFields>): WireParams {
  return fields as WireParams;
}

async function send(api: FirewallApi, scope: Scope, op: RuleOp, digest: string | undefined): Promise<void> {
  switch (op.kind) {
    case "createRule":
      return api.createRule(scope, wireParams(op.fields)); // POST ignores a digest (BEHAVIOR.md §3)
    case "updateRule":
      return api.updateRule(scope, op.pos, wireParams(op.set), { delete: [...op.delete], digest });
    case "moveRule":
      return api.moveRule(scope, op.pos, op.moveto, digest);
    case "deleteRule":
      return api.deleteRule(scope, op.pos, digest);
  }
}

/** Options of {@link applyRuleList}. */
export interface ApplyRuleListOptions {
  /**
   * Records every write in user terms (for failure messages).
   *
   * @default - a private journal
   */
  readonly journal?: WriteJournal;
  /**
   * Rewrites each plan before it is sent (the ownership mark of a create, see `rule-marks.ts`);
   * the executor then predicts digests from the rewritten plan.
   *
   * @default - the planner's ops as they are
   */
  readonly shape?: (current: readonly RuleFields[], ops: RuleOp[]) => RuleOp[];
}

/** Result of {@link applyRuleList}: the list as it now is, and how many writes it took. */
export interface AppliedRules {
  readonly rules: RuleFields[];
  readonly digest: string | undefined;
  readonly writes: number;
}

/**
 * How one plan ended: every op sent (`done`), cut short by a write of unknown outcome that a re-read
 * settled (`reread`: `state` is that read), or by a digest mismatch (`mismatch`).
 */
type PlanEnd =
  | { readonly end: "done" | "reread"; readonly state: ListState; readonly sent: number }
  | { readonly end: "mismatch"; readonly error: DigestMismatchError; readonly sent: number };

/**
 * Makes the rule list of `scope` equal `desired` (canonical), with the planner's minimal,
 * order-safe ops, after one read of the list.
 *
 * Digests: every PUT/DELETE carries the digest the list has at that moment, predicted from the plan
 * (Proxmox returns none from a write), so a concurrent edit anywhere in the list fails the next
 * write instead of being overwritten; the list is then re-read and re-planned, at most
 * {@link MAX_REPLANS} times. When a rule's `ipversion` depends on an alias the caller cannot
 * resolve, the list is re-read after that write to keep the prediction exact.
 *
 * Result without a read-back: a write that carried a digest and succeeded proves that the list was
 * exactly as predicted before it, so after it the list is the prediction, rules and digest. Only
 * when the last write carried none (a POST, which Proxmox never checks) is the list read once more;
 * that read must equal the prediction, else the list was edited concurrently and is re-planned as
 * after a digest mismatch.
 *
 * In-run convergence: a write that fails without saying whether it was applied (no answer after
 * sending, or an unclear 5xx) is settled by re-reading the list (it landed when the list equals the
 * prediction with it and not the one without it), and the rest is planned again from what was
 * read, so a POST that landed is never sent twice. Bounded by {@link WriteJournal.allowRetry}.
 */
export async function applyRuleList(
  api: FirewallApi,
  scope: Scope,
  desired: readonly RuleFields[],
  aliasVersion: AliasVersionLookup,
  options: ApplyRuleListOptions = {},
): Promise<AppliedRules> {
  const journal = options.journal ?? new WriteJournal();
  let writes = 0;
  let mismatches = 0;
  let state = await readList(api, scope);
  for (;;) {
    const planned = planRules(state.rules, desired);
    const ops = options.shape ? options.shape(state.rules, planned) : planned;
    if (ops.length === 0) return { rules: state.rules, digest: state.digest, writes };
    journal.expect(ops.length);
    const end = await sendPlan(api, scope, state, ops, aliasVersion, journal);
    writes += end.sent;
    if (end.end === "mismatch") {
      mismatches++;
      if (mismatches >= MAX_REPLANS) throw giveUp(end.error, scope, mismatches);
      state = await readList(api, scope);
      journal.withdraw(ops.length - end.sent); // the rest of this plan: the next one holds what is still needed
      continue;
    }
    state = end.state;
    if (end.end === "reread") continue;
    if (state.exact) return { rules: state.rules, digest: state.digest, writes };
    // The last write carried no digest: one read proves the result, or shows a concurrent edit.
    const now = await readList(api, scope);
    if (now.digest === state.digest) return { rules: now.rules, digest: now.digest, writes };
    mismatches++;
    if (mismatches >= MAX_REPLANS) throw concurrentEdit(scope, mismatches);
    state = now;
  }
}

/**
 * Sends `ops` one by one from `start`, each PUT/DELETE with the digest predicted for that moment,
 * until one fails: a digest mismatch ends the plan, a write of unknown outcome is settled by a
 * re-read that ends it too, any other failure is thrown. Announced writes that are not sent stay
 * announced while the operation may still fail (so its message counts them among those not done),
 * and are withdrawn from the journal once it goes on with a new plan.
 */
async function sendPlan(
  api: FirewallApi,
  scope: Scope,
  start: ListState,
  ops: readonly RuleOp[],
  aliasVersion: AliasVersionLookup,
  journal: WriteJournal,
): Promise<PlanEnd> {
  let state = start;
  for (const [sent, op] of ops.entries()) {
    const before = state;
    const text = ruleOpDone(op, before.rules.length);
    try {
      await journal.write(text, () => send(api, scope, op, before.digest));
    } catch (e) {
      if (hasCode(e, "FW_DIGEST_MISMATCH")) return { end: "mismatch", error: e as DigestMismatchError, sent };
      if (!mayHaveApplied(e)) throw e;
      const now = await readList(api, scope);
      const outcome = landed(now, before, op);
      journal.settle(text, outcome);
      journal.allowRetry(e);
      // going on: the rest of this plan is withdrawn, the next plan holds what is still needed
      journal.withdraw(ops.length - sent - 1);
      return { end: "reread", state: now, sent: sent + (outcome === true ? 1 : 0) };
    }
    state = await advance(api, scope, before, op, aliasVersion);
  }
  return { end: "done", state, sent: ops.length };
}

/**
 * The list after `op` succeeded, predicted; exact when `op` carried a digest (a POST carries none);
 * re-read when an alias makes the prediction uncertain.
 */
async function advance(
  api: FirewallApi,
  scope: Scope,
  state: ListState,
  op: RuleOp,
  aliasVersion: AliasVersionLookup,
): Promise<ListState> {
  const rules = simulateRuleOps(state.rules, [op]);
  const touched = op.kind === "createRule" ? 0 : op.kind === "updateRule" ? op.pos : -1;
  const versions = [...state.versions];
  if (op.kind === "createRule") versions.unshift(undefined);
  if (op.kind === "deleteRule") versions.splice(op.pos, 1);
  if (op.kind === "moveRule" && op.moveto !== op.pos) {
    const [v] = versions.splice(op.pos, 1);
    versions.splice(Math.min(op.moveto > op.pos ? op.moveto - 1 : op.moveto, versions.length), 0, v);
  }
  if (touched >= 0) {
    const v = predictIpVersion(rules[touched]!, aliasVersion);
    if (v === "unknown") return readList(api, scope);
    versions[touched] = v;
  }
  const exact = op.kind !== "createRule" && state.digest !== undefined;
  return { rules, versions, digest: predictDigest(rules, versions), exact };
}

/** Whether `op` landed: the list equals the one with it and not the one without it; else unknown. */
function landed(now: ListState, before: ListState, op: RuleOp): boolean | undefined {
  const same = (a: readonly RuleFields[], b: readonly RuleFields[]) =>
    a.length === b.length && a.every((r, i) => ruleKey(r) === ruleKey(b[i]!));
  const after = simulateRuleOps(before.rules, [op]);
  const withIt = same(now.rules, after);
  const withoutIt = same(now.rules, before.rules);
  return withIt === withoutIt ? undefined : withIt;
}

function giveUp(e: DigestMismatchError, scope: Scope, attempts: number): DigestMismatchError {
  return new DigestMismatchError(
    { method: e.method, path: e.path, status: e.status, pveMessage: e.pveMessage },
    {
      cause: e,
      message: `update rules of ${scopeId(scope)}: digest mismatch (edited concurrently); re-read and re-planned ${attempts} times, giving up: run again once the other edit is done`,
    },
  );
}

/** The list changed between our writes and the read that should have proven them (no write failed). */
function concurrentEdit(scope: Scope, attempts: number): DigestMismatchError {
  return new DigestMismatchError(
    {
      method: "GET",
      path: rulesPath(scope),
      status: 200,
      pveMessage: "the list read after the writes differs from their result",
    },
    {
      message: `update rules of ${scopeId(scope)}: digest mismatch (edited concurrently); re-read and re-planned ${attempts} times, giving up: run again once the other edit is done`,
    },
  );
}
