import { hasCode } from "../errors";

/**
 * A counted kind of write, summarised as one phrase ("added 120 of 2000 entries") instead of one
 * phrase per write: used where one operation may send thousands of similar writes (IPSet entries).
 */
export interface Tally {
  /** Groups writes: consecutive writes with the same key are summarised together. */
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
 * What one provider operation (a create, update or delete) has written so far, in user terms, so
 * that a failure can say what it already changed (only the error's `message` reaches the user
 * through Pulumi's gRPC boundary).
 *
 * Writes go through {@link WriteJournal.write}. A write that fails with a network error
 * (`FW_NETWORK`: no HTTP answer) may still have been applied by the server, so its outcome is
 * recorded as unknown; any other failure is an answer from Proxmox, which applies a write whole or
 * not at all.
 */
export class WriteJournal {
  readonly #done: Done[] = [];
  readonly #planned = new Map<string, number>();
  #unknown: string | undefined;

  /** Announces `n` more writes (counted under `tally` when given) that the current plan will send. */
  expect(n: number, tally?: Tally): void {
    const key = tally?.key ?? "";
    this.#planned.set(key, (this.#planned.get(key) ?? 0) + n);
  }

  /** Withdraws `n` announced writes that will not be sent (the rest of a plan dropped for a re-plan). */
  withdraw(n: number, tally?: Tally): void {
    this.expect(-n, tally);
  }

  /**
   * Sends one write and records `text` (past tense, e.g. `deleted rule 2`) when it succeeds. When it
   * fails without an HTTP answer, the write is recorded as possibly applied; the error is rethrown.
   */
  async write<T>(text: string, send: () => Promise<T>, tally?: Tally): Promise<T> {
    try {
      const result = await send();
      this.#done.push(tally ? { text, tally } : { text });
      return result;
    } catch (e) {
      if (hasCode(e, "FW_NETWORK")) this.#unknown = text;
      throw e;
    }
  }

  /** Writes that succeeded. */
  get count(): number {
    return this.#done.length;
  }

  /** Whether the server may have changed: a write succeeded, or one's outcome is unknown. */
  get touched(): boolean {
    return this.#done.length > 0 || this.#unknown !== undefined;
  }

  /**
   * `3 of 7 writes (created rule 0 disabled; moved rule 0 to 4; deleted rule 2)`, runs of tallied
   * writes as one phrase (`added 120 of 2000 entries`), at most {@link MAX_PHRASES} phrases, and
   * the write whose outcome is unknown, if any.
   */
  summary(): string {
    const planned = Math.max(
      [...this.#planned.values()].reduce((a, b) => a + b, 0),
      this.#done.length + (this.#unknown === undefined ? 0 : 1),
    );
    const phrases: string[] = [];
    for (let i = 0; i < this.#done.length; ) {
      const tally = this.#done[i]!.tally;
      if (!tally) {
        phrases.push(this.#done[i]!.text);
        i++;
        continue;
      }
      let j = i;
      while (j < this.#done.length && this.#done[j]!.tally?.key === tally.key) j++;
      phrases.push(this.#tallied(tally, j - i));
      i = j;
    }
    const shown =
      phrases.length > MAX_PHRASES
        ? [...phrases.slice(0, MAX_PHRASES - 1), `and ${phrases.length - MAX_PHRASES + 1} more`]
        : phrases;
    const head = `${this.#done.length} of ${planned} writes${shown.length > 0 ? ` (${shown.join("; ")})` : ""}`;
    return this.#unknown === undefined
      ? head
      : `${head}; the next write got no answer, so it may have been applied too (${this.#unknown})`;
  }

  #tallied(tally: Tally, n: number): string {
    const planned = this.#planned.get(tally.key) ?? n;
    if (planned > n) return `${tally.verb} ${n} of ${planned} ${planned === 1 ? tally.singular : tally.plural}`;
    return `${tally.verb} ${n} ${n === 1 ? tally.singular : tally.plural}`;
  }
}
