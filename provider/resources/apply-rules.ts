import type { FirewallApi } from "../client/firewall";
import { DigestMismatchError, hasCode } from "../errors";
import { canonicalRule } from "../model/rule";
import type { Scope } from "../model/scope";
import { scopeId } from "../model/scope";
import type { RuleFields, WireParams, WireRule } from "../model/wire";
import type { RuleOp } from "../plan/ops";
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

/** A rule list as read: canonical rules plus what Proxmox derived (`ipversion`), for digest prediction. */
interface ListState {
  readonly rules: RuleFields[];
  readonly versions: (4 | 6 | undefined)[];
  readonly digest: string | undefined;
}

async function readList(api: FirewallApi, scope: Scope): Promise<ListState> {
  const { rules, digest } = await api.listRules(scope);
  return {
    rules: rules.map(storedRule),
    versions: rules.map((r) => (r.ipversion === 4 || r.ipversion === 6 ? r.ipversion : undefined)),
    digest,
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

/** Result of {@link applyRuleList}: the list as read back, and how many writes it took. */
export interface AppliedRules {
  readonly rules: RuleFields[];
  readonly digest: string | undefined;
  readonly writes: number;
}

/**
 * Makes the rule list of `scope` equal `desired` (canonical), with the planner's minimal,
 * order-safe ops. Every PUT/DELETE carries the digest the list has at that moment, predicted from
 * the plan (Proxmox returns none from a write), so a concurrent edit anywhere in the list fails the
 * next write instead of being overwritten; the list is then re-read and re-planned, at most
 * {@link MAX_REPLANS} times. When a rule's `ipversion` depends on an alias the caller cannot resolve,
 * the list is re-read after that write to keep the prediction exact. Ends with one read-back.
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
  for (let attempt = 0; ; attempt++) {
    let state = await readList(api, scope);
    const planned = planRules(state.rules, desired);
    const ops = options.shape ? options.shape(state.rules, planned) : planned;
    if (ops.length === 0) return { rules: state.rules, digest: state.digest, writes };
    journal.expect(ops.length);
    let sent = 0;
    try {
      for (const [i, op] of ops.entries()) {
        // The first write carries the digest as read; later ones the digest predicted for that moment.
        const digest = i === 0 ? state.digest : predictDigest(state.rules, state.versions);
        await journal.write(ruleOpDone(op, state.rules.length), () => send(api, scope, op, digest));
        sent++;
        writes++;
        state = await advance(api, scope, state, op, aliasVersion);
      }
    } catch (e) {
      if (!hasCode(e, "FW_DIGEST_MISMATCH")) throw e;
      journal.withdraw(ops.length - sent);
      if (attempt + 1 >= MAX_REPLANS) throw giveUp(e as DigestMismatchError, scope, attempt + 1);
      continue;
    }
    const final = await readList(api, scope);
    return { rules: final.rules, digest: final.digest, writes };
  }
}

/** The list after `op`, predicted; re-read when an alias makes the prediction uncertain. */
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
  return { rules, versions, digest: predictDigest(rules, versions) };
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
