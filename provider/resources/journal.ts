import { mayHaveApplied } from "../client/http";

/**
 * A counted kind of write, summarised as one phrase ("added 120 of 2000 entries") instead of one
 * phrase per write: used where one operation may send thousands of similar writes (IPSet entries).
 */
export interface Tally {
  /** Groups writes: every write with the same key is summarised in one phrase, where the first one was. */
  readonly key: string;
  /** Past tense, e.g. `added`. */
  readonly verb: string;
  readonly singular: string;
  readonly plural: string;
}

interface Done {
  readonly text: string;
  readonly tally?: Tally;
}

/** How many phrases a summary lists before it says how many more there were. */
const MAX_PHRASES = 12;

/**
 * In-run convergence bound: how many writes in a row may fail with an unknown outcome, each settled
 * by a re-read, before the operation gives up (a write that lands resets the count). At the worst
 * rates faults are tested with (4 % each of 500s, drops before and drops after the write) a write
 * fails ambiguously about 12 % of the time, so 5 in a row happen about twice per 100,000 writes;
 * a server that fails every write ends the run after 5 attempts and 5 reads.
 */
export const MAX_UNSETTLED_IN_A_ROW = 5;

/** In-run convergence bound over a whole operation: this many re-reads, or one per 4 planned writes if more. */
export const MIN_REREAD_BUDGET = 8;

/**
 * What one provider operation (a create, update or delete) has written so far, in user terms, so
 * that a failure can say what it already changed (only the error's `message` reaches the user
 * through Pulumi's gRPC boundary).
 *
 * Writes go through {@link WriteJournal.write}. A write that fails in a way that may still have
 * been applied ({@link mayHaveApplied}: no answer after sending, or a 5xx that is not one of
 * Proxmox's known refusals) is recorded as unknown until the caller re-reads and
 * {@link WriteJournal.settle}s it; any other failure is an answer from Proxmox, which applies a write
 * whole or not at all. The journal also keeps the bound of these re-reads ({@link WriteJournal.allowRetry}).
 */
export class WriteJournal {
  readonly #done: Done[] = [];
  readonly #planned = new Map<string, number>();
  readonly #unknown: Done[] = [];
  /** Settled as not landed: still counted as planned until the next plan is announced (or for good). */
  readonly #notLanded: Done[] = [];
  #unsettledInARow = 0;
  #rereads = 0;
  #plannedTotal = 0;
  /** The most writes this operation has had planned at once (the base of the re-read budget). */
  #peakPlanned = 0;

  /**
   * Announces `n` more writes (counted under `tally` when given) that the current plan will send.
   * Writes settled as not landed are withdrawn first: the new plan holds them again if still needed.
   */
  expect(n: number, tally?: Tally): void {
    for (const w of this.#notLanded.splice(0)) this.#add(-1, w.tally);
    this.#add(n, tally);
  }

  /** Withdraws `n` announced writes that will not be sent (the rest of a plan dropped for a re-plan). */
  withdraw(n: number, tally?: Tally): void {
    this.#add(-n, tally);
  }

  /**
   * Sends one write and records `text` (past tense, e.g. `deleted rule 2`) when it succeeds. When it
   * fails in a way that may still have been applied, it is recorded as unknown until
   * {@link settle}d; the error is rethrown.
   */
  async write<T>(text: string, send: () => Promise<T>, tally?: Tally): Promise<T> {
    try {
      const result = await send();
      this.#record({ text, ...(tally ? { tally } : {}) });
      return result;
    } catch (e) {
      if (mayHaveApplied(e)) this.#unknown.push({ text, ...(tally ? { tally } : {}) });
      throw e;
    }
  }

  /**
   * Settles a write recorded as unknown (found by its `text`) once a read showed whether it landed:
   * `true` records it as done; `false` leaves it not done (planned until the next plan is
   * announced, so that a run that gives up counts it among the writes not done); `undefined` (the
   * read cannot tell, e.g. someone else changed the same object) keeps it unknown.
   */
  settle(text: string, landed: boolean | undefined): void {
    if (landed === undefined) return;
    const i = this.#unknown.findIndex((u) => u.text === text);
    if (i < 0) return;
    const [write] = this.#unknown.splice(i, 1);
    if (landed) this.#record(write!);
    else this.#notLanded.push(write!);
  }

  /**
   * After a write of unknown outcome was settled by a re-read, before the caller plans again:
   * rethrows `e` once this operation has had {@link MAX_UNSETTLED_IN_A_ROW} such failures in a row
   * with no write landing in between, or more than max({@link MIN_REREAD_BUDGET}, a quarter of the
   * most writes planned at once) in all. This bounds in-run convergence: a server that keeps failing ends the run.
   */
  allowRetry(e: unknown): void {
    this.#unsettledInARow++;
    this.#rereads++;
    const budget = Math.max(MIN_REREAD_BUDGET, Math.ceil(this.#peakPlanned / 4));
    if (this.#unsettledInARow >= MAX_UNSETTLED_IN_A_ROW || this.#rereads > budget) throw e;
  }

  /**
   * One write whose effect a read can check, sent until it lands: after a failure that may have been
   * applied, `landed()` re-reads and decides; when it did not land, the write is sent again, within
   * {@link allowRetry}'s bound. A create's POST that landed is therefore never sent twice.
   */
  async writeSettled(text: string, send: () => Promise<unknown>, landed: () => Promise<boolean>): Promise<void> {
    for (;;) {
      try {
        await this.write(text, send);
        return;
      } catch (e) {
        if (!mayHaveApplied(e)) throw e;
        const applied = await landed();
        this.settle(text, applied);
        if (applied) return;
        this.expect(1);
        this.allowRetry(e);
      }
    }
  }

  /** Writes that succeeded. */
  get count(): number {
    return this.#done.length;
  }

  /** Whether the server may have changed: a write succeeded, or one's outcome is unknown. */
  get touched(): boolean {
    return this.#done.length > 0 || this.#unknown.length > 0;
  }

  /**
   * `3 of 7 writes (created rule 0 disabled; moved rule 0 to 4; deleted rule 2)`, tallied writes as
   * one phrase each (`added 120 of 2000 entries`), at most {@link MAX_PHRASES} phrases, and the
   * writes whose outcome is unknown, if any.
   */
  summary(): string {
    const planned = Math.max(this.#plannedTotal, this.#done.length + this.#unknown.length);
    const head = `${this.#done.length} of ${planned} writes${this.#phrases(this.#done, true)}`;
    const n = this.#unknown.length;
    if (n === 0) return head;
    const what =
      n === 1 ? "the next write got no clear answer, so it" : `${n} more writes got no clear answer, so they`;
    return `${head}; ${what} may have been applied too${this.#phrases(this.#unknown, false)}`;
  }

  #add(n: number, tally: Tally | undefined): void {
    const key = tally?.key ?? "";
    this.#planned.set(key, (this.#planned.get(key) ?? 0) + n);
    this.#plannedTotal += n;
    this.#peakPlanned = Math.max(this.#peakPlanned, this.#plannedTotal);
  }

  #record(write: Done): void {
    this.#done.push(write);
    this.#unsettledInARow = 0;
  }

  /** ` (phrase; phrase; ...)`, or "" for none; tallied writes of one key are one phrase. */
  #phrases(writes: readonly Done[], ofPlanned: boolean): string {
    const phrases: string[] = [];
    const tallies = new Map<string, { tally: Tally; n: number; at: number }>();
    for (const w of writes) {
      if (!w.tally) {
        phrases.push(w.text);
        continue;
      }
      const seen = tallies.get(w.tally.key);
      if (seen) seen.n++;
      else {
        tallies.set(w.tally.key, { tally: w.tally, n: 1, at: phrases.length });
        phrases.push("");
      }
    }
    for (const { tally, n, at } of tallies.values()) phrases[at] = this.#tallied(tally, n, ofPlanned);
    if (phrases.length === 0) return "";
    const shown =
      phrases.length > MAX_PHRASES
        ? [...phrases.slice(0, MAX_PHRASES - 1), `and ${phrases.length - MAX_PHRASES + 1} more`]
        : phrases;
    return ` (${shown.join("; ")})`;
  }

  #tallied(tally: Tally, n: number, ofPlanned: boolean): string {
    const planned = ofPlanned ? (this.#planned.get(tally.key) ?? n) : n;
    if (planned > n) return `${tally.verb} ${n} of ${planned} ${planned === 1 ? tally.singular : tally.plural}`;
    return `${tally.verb} ${n} ${n === 1 ? tally.singular : tally.plural}`;
  }
}
