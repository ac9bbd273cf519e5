import { pathSegment } from "../client/encode";
import type { FirewallApi } from "../client/firewall";
import { mayHaveApplied } from "../client/http";
import { firewallPath } from "../client/scope";
import { DigestMismatchError, hasCode } from "../errors";
import { canonicalIpSetEntry } from "../model/ipset";
import { type Scope, scopeId } from "../model/scope";
import type { IpSetEntryFields } from "../model/wire";
import { planIpSetEntries } from "../plan/ipset";
import type { IpSetOp } from "../plan/ops";
import { MAX_REPLANS } from "./apply-rules";
import {
  assertNotFlagged,
  byCidr,
  type EntryList,
  entriesDigest,
  type FlaggedEntry,
  readEntries,
  rewrittenSet,
} from "./ipset-flagged";
import { type Tally, WriteJournal } from "./journal";

/**
 * Entry-hashing budget for digest prediction (entries × digest-carrying writes). Beyond it only the
 * first such write of a round carries a digest, so a mass edit of a huge set does not hash it
 * thousands of times.
 */
const DIGEST_BUDGET = 2_000_000;

/**
 * A pipelined batch stops sending new writes once this many of its writes had an unknown outcome
 * and they are more than half of those that finished (a server that fails every write), so that
 * the re-read and the bound of {@link WriteJournal.allowRetry} decide before thousands are sent.
 */
const MIN_UNKNOWN_TO_STOP = 16;

/** Options of {@link applyIpSetEntries}. */
export interface ApplyEntriesOptions {
  /**
   * Records every write in user terms (for failure messages).
   *
   * @default - a private journal
   */
  readonly journal?: WriteJournal;
  /**
   * The set as this operation already read it, or knows it without reading (a set it has just
   * created: empty). Saves the first read; what the writes then leave is read once to prove it.
   *
   * @default - the set is read first
   */
  readonly known?: EntryList;
}

/** The result of {@link applyIpSetEntries}: the entries as they now are, and the writes that landed. */
export interface AppliedEntries extends EntryList {
  readonly writes: number;
}

/** Entry writes are summarised by kind: `added 120 of 2000 entries`. */
const TALLY: Readonly<Record<string, Tally>> = {
  addEntry: { key: "addEntry", verb: "added", singular: "entry", plural: "entries" },
  updateEntry: { key: "updateEntry", verb: "updated", singular: "entry", plural: "entries" },
  deleteEntry: { key: "deleteEntry", verb: "deleted", singular: "entry", plural: "entries" },
};

function entryOpDone(op: IpSetOp): string {
  if (op.kind === "addEntry") return `added entry ${op.entry.cidr}`;
  if (op.kind === "updateEntry") return `updated entry ${op.cidr}`;
  if (op.kind === "deleteEntry") return `deleted entry ${op.cidr}`;
  return op.kind;
}

function updated(op: Extract<IpSetOp, { kind: "updateEntry" }>): IpSetEntryFields {
  return canonicalIpSetEntry({ cidr: op.cidr, comment: op.comment, nomatch: op.nomatch });
}

function applyEntryOp(state: Map<string, IpSetEntryFields>, op: IpSetOp): void {
  if (op.kind === "addEntry") state.set(op.entry.cidr, op.entry);
  else if (op.kind === "updateEntry") state.set(op.cidr, updated(op));
  else if (op.kind === "deleteEntry") state.delete(op.cidr);
}

const sameEntry = (a: IpSetEntryFields | undefined, b: IpSetEntryFields) =>
  a !== undefined && a.cidr === b.cidr && a.nomatch === b.nomatch && a.comment === b.comment;

/**
 * Whether `op` landed, judged from the set as read after it (entry ops touch one entry each): its
 * entry is there as written, or gone for a remove. An add whose cidr is there with other fields
 * was not ours to judge (someone else added it): unknown.
 */
function landed(now: ReadonlyMap<string, IpSetEntryFields>, op: IpSetOp): boolean | undefined {
  if (op.kind === "addEntry") {
    const found = now.get(op.entry.cidr);
    return found === undefined ? false : sameEntry(found, op.entry) ? true : undefined;
  }
  if (op.kind === "updateEntry") return sameEntry(now.get(op.cidr), updated(op));
  if (op.kind === "deleteEntry") return !now.has(op.cidr);
  return undefined;
}

function sendEntryOp(api: FirewallApi, scope: Scope, name: string, op: IpSetOp, digest: string | undefined) {
  switch (op.kind) {
    case "addEntry":
      return api.addIpSetEntry(scope, name, op.entry);
    case "updateEntry":
      return api.updateIpSetEntry(scope, name, op.cidr, { comment: op.comment, nomatch: op.nomatch === 1 }, digest);
    case "deleteEntry":
      return api.deleteIpSetEntry(scope, name, op.cidr, digest);
    default:
      throw new Error(`unexpected op ${op.kind} in an entry plan`);
  }
}

/**
 * What a batch of writes did: those that landed, those whose outcome is unknown, those not sent,
 * and the first refusal (a failure that was certainly not applied), if any.
 */
interface Batch {
  readonly landed: IpSetOp[];
  readonly unknown: { readonly op: IpSetOp; readonly error: unknown }[];
  readonly unsent: IpSetOp[];
  refusal?: { readonly error: unknown };
}

/**
 * Sends `ops` with up to `limit` in flight (the client admits `ipsetWriteConcurrency` of one file
 * at once). A refusal (a failure that was certainly not applied) stops new sends; so do many writes
 * of unknown outcome ({@link MIN_UNKNOWN_TO_STOP}). Waits for every write in flight.
 */
async function pipeline(ops: readonly IpSetOp[], limit: number, send: (op: IpSetOp) => Promise<void>): Promise<Batch> {
  const batch: Batch = { landed: [], unknown: [], unsent: [] };
  let next = 0;
  const stop = () =>
    batch.refusal !== undefined ||
    (batch.unknown.length >= MIN_UNKNOWN_TO_STOP && batch.unknown.length * 2 > batch.landed.length);
  const worker = async () => {
    while (next < ops.length && !stop()) {
      const op = ops[next++]!;
      try {
        await send(op);
        batch.landed.push(op);
      } catch (error) {
        if (mayHaveApplied(error)) batch.unknown.push({ op, error });
        else batch.refusal ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, ops.length) }, worker));
  batch.unsent.push(...ops.slice(next));
  return batch;
}

/** The set during a round: the entries as predicted, and whether they are known to be exact. */
interface Round {
  readonly entries: Map<string, IpSetEntryFields>;
  /** The entries Proxmox flags, as read, then as its rewrite of the file leaves them. */
  flagged: readonly FlaggedEntry[];
  /** Read, or proven by a write whose digest Proxmox checked. */
  exact: boolean;
  /**
   * The digest of the set, valid while `hashed` (hashed at most once per change, see
   * {@link digestOf}); `null` when only a read can tell (see {@link rewrittenSet}).
   */
  digest: string | undefined | null;
  hashed: boolean;
}

/**
 * The digest of the round's set at this moment, flagged entries included: after a write, as
 * Proxmox's rewrite of the file leaves them (which the round then keeps); `null` when that cannot
 * be predicted.
 */
function digestOf(round: Round): string | undefined | null {
  if (!round.hashed) {
    if (round.flagged.length === 0) round.digest = entriesDigest(round.entries.values());
    else {
      const after = rewrittenSet(round.entries.values(), round.flagged);
      round.digest = after ? after.digest : null;
      if (after) round.flagged = after.flagged;
    }
    round.hashed = true;
  }
  return round.digest;
}

/**
 * After `landed` writes succeeded (without or with a checked digest), the round's prediction. A
 * remove takes every entry with its cidr, a flagged repeat too (Proxmox filters the set by cidr).
 */
function advance(round: Round, landed: readonly IpSetOp[], checked: boolean): void {
  for (const op of landed) {
    applyEntryOp(round.entries, op);
    if (op.kind === "deleteEntry") round.flagged = round.flagged.filter((f) => f.cidr !== op.cidr);
  }
  if (landed.length > 0) [round.exact, round.hashed] = [checked, false];
}

/** What one round's writes are sent with. */
interface RoundContext {
  readonly api: FirewallApi;
  readonly scope: Scope;
  readonly name: string;
  readonly journal: WriteJournal;
  /** Pipelined writes in flight at once. */
  readonly limit: number;
}

/**
 * How a round ended: every op sent (`done`, with the prediction), cut short by writes of unknown
 * outcome that a read settled (`reread`, with that read), or by a digest mismatch.
 */
type RoundEnd =
  | { readonly end: "done"; readonly round: Round; readonly writes: number }
  | { readonly end: "reread"; readonly list: EntryList; readonly writes: number }
  | {
      readonly end: "mismatch";
      readonly error: DigestMismatchError;
      readonly writes: number;
      /** The ops of the round not applied, still announced: withdrawn once the caller re-plans. */
      readonly unsent: readonly IpSetOp[];
    };

/**
 * Sends one round's plan from `list`: adds pipelined; updates (and a single remove) one at a time
 * with the digest of the moment; two or more removes pipelined without one. A refusal is thrown
 * once the writes in flight finished (and writes of unknown outcome were settled); announced
 * writes that a re-plan replaces are withdrawn from the journal once it is sure to re-plan (until
 * then a failure counts them among the writes not done).
 */
async function sendRound(
  ctx: RoundContext,
  list: EntryList,
  exact: boolean,
  ops: readonly IpSetOp[],
): Promise<RoundEnd> {
  const { journal } = ctx;
  const round: Round = {
    entries: new Map(list.entries.map((e) => [e.cidr, e])),
    flagged: list.flagged,
    exact,
    digest: list.digest,
    hashed: true,
  };
  const adds = ops.filter((op) => op.kind === "addEntry");
  const updates = ops.filter((op) => op.kind === "updateEntry");
  const deletes = ops.filter((op) => op.kind === "deleteEntry");
  const serial = [...updates, ...(deletes.length === 1 ? deletes : [])];
  const pipelinedDeletes = deletes.length > 1 ? deletes : [];
  const predict = serial.length * (list.entries.length + ops.length) <= DIGEST_BUDGET;
  const write = (op: IpSetOp, digest: string | undefined) =>
    journal.write(entryOpDone(op), () => sendEntryOp(ctx.api, ctx.scope, ctx.name, op, digest), TALLY[op.kind]);
  const withdraw = (from: readonly IpSetOp[]) => {
    for (const op of from) journal.withdraw(1, TALLY[op.kind]);
  };
  let writes = 0;
  const cutShort = async (batch: Batch, rest: readonly IpSetOp[]): Promise<RoundEnd> => {
    const settled = await settle(ctx, batch);
    withdraw([...batch.unsent, ...rest]);
    return { end: "reread", list: settled.list, writes: writes + settled.writes };
  };

  const added = await pipeline(adds, ctx.limit, (op) => write(op, undefined));
  writes += added.landed.length;
  advance(round, added.landed, false);
  if (added.refusal || added.unknown.length > 0) return cutShort(added, [...updates, ...deletes]);

  for (const [i, op] of serial.entries()) {
    const digest = i === 0 || predict ? digestOf(round) : undefined;
    if (digest === null) {
      // Proxmox's rewrite of the flagged entries cannot be predicted: one read says what the set is.
      withdraw([...serial.slice(i), ...pipelinedDeletes]);
      return { end: "reread", list: await readEntries(ctx.api, ctx.scope, ctx.name), writes };
    }
    try {
      await write(op, digest);
    } catch (e) {
      const rest = [...serial.slice(i + 1), ...pipelinedDeletes];
      if (hasCode(e, "FW_DIGEST_MISMATCH"))
        return { end: "mismatch", error: e as DigestMismatchError, writes, unsent: [op, ...rest] };
      if (!mayHaveApplied(e)) throw e;
      return cutShort({ landed: [], unknown: [{ op, error: e }], unsent: [] }, rest);
    }
    writes++;
    advance(round, [op], digest !== undefined);
  }

  const removed = await pipeline(pipelinedDeletes, ctx.limit, (op) => write(op, undefined));
  writes += removed.landed.length;
  advance(round, removed.landed, false);
  if (removed.refusal || removed.unknown.length > 0) return cutShort(removed, []);
  return { end: "done", round, writes };
}

/**
 * Makes the entries of set `name` equal `desired` (canonical), with the minimal entry plan, in
 * rounds. Each round sends its adds first, then its updates, then its removes, so the set is never
 * emptied on an update:
 *
 * - Adds (POST: Proxmox takes no digest) are pipelined: up to `ipsetWriteConcurrency` in flight,
 *   which hides the request latency around the server's per-file lock.
 * - Updates (PUT) go one at a time, each with the digest the set has at that moment (predicted),
 *   so a concurrent edit of the set makes Proxmox refuse it; the set is then re-read and re-planned,
 *   at most {@link MAX_REPLANS} times. A single remove goes the same way.
 * - Two or more removes are pipelined without a digest. That loses nothing: a removed entry is
 *   gone whatever anyone did to it meanwhile, and removing a missing entry is a no-op.
 *
 * How concurrent edits are still caught: a round whose last write carried a digest that Proxmox
 * checked ends knowing the set exactly (the digest proves the set was as predicted before that
 * write), so its result is the prediction, without a read. A round that ends with writes that
 * carried none (adds, pipelined removes) reads the set once; that read must have the predicted
 * digest, else someone edited the set meanwhile and the set is re-planned from the read (counted
 * like a digest mismatch). Either way the result, entries and digest, is what a read returns.
 *
 * In-run convergence: writes that fail without saying whether they were applied (no answer after
 * sending, an unclear 5xx) end the round after the writes in flight; one read settles each of them
 * (an add landed when its entry is there, a remove when it is gone) and the next round plans the
 * rest from that read, so an add that landed is never sent twice. Bounded by
 * {@link WriteJournal.allowRetry}. A refusal stops the round and is thrown after the writes in
 * flight finished (and, when some had an unknown outcome, after one read settled them).
 *
 * Entries Proxmox flags (`ipset-flagged.ts`) are left alone: never planned, written or removed
 * (except that removing an entry removes its flagged repeats with it, as Proxmox does), but counted
 * in every predicted digest as Proxmox's rewrite of the file leaves them. When that rewrite cannot
 * be predicted (an entry that reads back as a section header), the set is read after the first
 * writes instead, and planned from that read.
 *
 * @throws MissingReferenceError before the first write when a declared entry's cidr is held only by
 *   an entry Proxmox flags (e.g. `dc/office` while the alias does not exist): Proxmox would refuse
 *   to add it
 */
export async function applyIpSetEntries(
  api: FirewallApi,
  scope: Scope,
  name: string,
  desired: readonly IpSetEntryFields[],
  options: ApplyEntriesOptions = {},
): Promise<AppliedEntries> {
  const journal = options.journal ?? new WriteJournal();
  const ctx: RoundContext = { api, scope, name, journal, limit: api.http.pipelinedWrites };
  let writes = 0;
  let mismatches = 0;
  const mismatch = (e?: DigestMismatchError) => {
    mismatches++;
    if (mismatches >= MAX_REPLANS) throw giveUp(scope, name, mismatches, e);
  };
  let list = options.known ?? (await readEntries(api, scope, name));
  let exact = options.known === undefined;
  assertNotFlagged(scope, name, list, desired);
  for (;;) {
    const ops = planIpSetEntries(list.entries, desired);
    if (ops.length === 0) return { ...list, writes };
    for (const op of ops) journal.expect(1, TALLY[op.kind]);
    const end = await sendRound(ctx, list, exact, ops);
    writes += end.writes;
    exact = true; // from here on `list` is a read
    if (end.end === "reread") {
      list = end.list;
      continue;
    }
    if (end.end === "mismatch") {
      mismatch(end.error);
      list = await readEntries(api, scope, name);
      for (const op of end.unsent) journal.withdraw(1, TALLY[op.kind]); // the next plan holds what is still needed
      continue;
    }
    const { round } = end;
    const predicted = digestOf(round);
    if (round.exact && predicted !== null)
      return { entries: [...round.entries.values()].sort(byCidr), flagged: round.flagged, digest: predicted, writes };
    // The last writes carried no digest: one read proves the result, or shows a concurrent edit.
    list = await readEntries(api, scope, name);
    if (predicted === null) continue; // nothing to prove against: planned again from the read
    if (list.digest === predicted) return { ...list, writes };
    mismatch();
  }
}

/**
 * Ends a round cut short: when writes had an unknown outcome, reads the set once and settles each
 * (then {@link WriteJournal.allowRetry} decides whether to go on); rethrows a refusal after that.
 * Returns the set as read and how many of the unknown writes landed.
 */
async function settle(ctx: RoundContext, batch: Batch): Promise<{ list: EntryList; writes: number }> {
  const { journal } = ctx;
  let list: EntryList | undefined;
  let writes = 0;
  if (batch.unknown.length > 0) {
    try {
      list = await readEntries(ctx.api, ctx.scope, ctx.name);
    } catch (readError) {
      if (batch.refusal) throw batch.refusal.error;
      throw readError;
    }
    const now = new Map(list.entries.map((e) => [e.cidr, e]));
    for (const { op } of batch.unknown) {
      const outcome = landed(now, op);
      journal.settle(entryOpDone(op), outcome);
      if (outcome === true) writes++;
    }
  }
  if (batch.refusal) throw batch.refusal.error;
  journal.allowRetry(batch.unknown[0]!.error);
  return { list: list!, writes };
}

function giveUp(scope: Scope, name: string, attempts: number, e?: DigestMismatchError): DigestMismatchError {
  const details = e ?? {
    method: "GET",
    path: `${firewallPath(scope)}/ipset/${pathSegment(name)}`,
    status: 200,
    pveMessage: "the set read after the writes differs from their result",
  };
  return new DigestMismatchError(
    { method: details.method, path: details.path, status: details.status, pveMessage: details.pveMessage },
    {
      ...(e ? { cause: e } : {}),
      message: `update ipset ${scopeId(scope)}/ipset/${name}: digest mismatch (edited concurrently); re-read and re-planned ${attempts} times, giving up: run again once the other edit is done`,
    },
  );
}
