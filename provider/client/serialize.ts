/** Gives back what {@link Semaphore.acquire} or {@link KeyedMutex.acquire} took. Idempotent. */
export type Release = () => void;

function once(fn: () => void): Release {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/** A counting semaphore with a FIFO queue: at most `limit` holders at once, served in arrival order. */
export class Semaphore {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError("limit: expected an integer of at least 1");
    this.#limit = limit;
  }

  /** Resolves once a slot is free; call the returned function to free it. */
  async acquire(): Promise<Release> {
    if (this.#active < this.#limit) this.#active++;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    return once(() => {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    });
  }
}

/**
 * How a holder takes a key: `exclusive` alone (after every earlier holder released it), `shared`
 * together with other shared holders, up to the mutex's `sharedLimit`.
 */
export type LockMode = "exclusive" | "shared";

interface Waiter {
  readonly mode: LockMode;
  readonly grant: () => void;
}

interface KeyState {
  exclusive: boolean;
  shared: number;
  readonly queue: Waiter[];
}

/**
 * One FIFO lock per key (a config file, see `fileKey`). Exclusive holders of a key run one after
 * another in arrival order; shared holders run together, at most `sharedLimit` at once, but never
 * together with an exclusive one, and never ahead of an earlier waiter (so an exclusive holder
 * waits for every shared holder that came before it, and a shared holder that comes after an
 * exclusive one waits for it). Holders of different keys run concurrently.
 */
export class KeyedMutex {
  readonly #sharedLimit: number;
  readonly #keys = new Map<string, KeyState>();

  /** @param sharedLimit - shared holders of one key at once @default 1 */
  constructor(sharedLimit = 1) {
    if (!Number.isInteger(sharedLimit) || sharedLimit < 1)
      throw new RangeError("sharedLimit: expected an integer of at least 1");
    this.#sharedLimit = sharedLimit;
  }

  /** Resolves when `key` can be held in `mode` (see the class comment); call the result to release it. */
  async acquire(key: string, mode: LockMode = "exclusive"): Promise<Release> {
    let state = this.#keys.get(key);
    if (!state) {
      state = { exclusive: false, shared: 0, queue: [] };
      this.#keys.set(key, state);
    }
    const s = state;
    if (s.queue.length === 0 && this.#fits(s, mode)) this.#take(s, mode);
    else await new Promise<void>((grant) => s.queue.push({ mode, grant }));
    return once(() => {
      if (mode === "exclusive") s.exclusive = false;
      else s.shared--;
      this.#serve(key, s);
    });
  }

  /** Keys currently held or waited for (for diagnostics and tests). */
  busyKeys(): string[] {
    return [...this.#keys.keys()];
  }

  #fits(s: KeyState, mode: LockMode): boolean {
    if (s.exclusive) return false;
    return mode === "exclusive" ? s.shared === 0 : s.shared < this.#sharedLimit;
  }

  #take(s: KeyState, mode: LockMode): void {
    if (mode === "exclusive") s.exclusive = true;
    else s.shared++;
  }

  #serve(key: string, s: KeyState): void {
    while (s.queue.length > 0 && this.#fits(s, s.queue[0]!.mode)) {
      const next = s.queue.shift()!;
      this.#take(s, next.mode);
      next.grant();
    }
    if (!s.exclusive && s.shared === 0 && s.queue.length === 0) this.#keys.delete(key);
  }
}
