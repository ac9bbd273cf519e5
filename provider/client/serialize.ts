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
 * One FIFO mutex per key (a config file, see `fileKey`): holders of the same key run one after
 * another in arrival order, holders of different keys run concurrently.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Resolves when every earlier holder of `key` has released it. */
  async acquire(key: string): Promise<Release> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let free!: () => void;
    const mine = new Promise<void>((resolve) => {
      free = resolve;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    return once(() => {
      free();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
  }

  /** Keys currently held or waited for (for diagnostics and tests). */
  busyKeys(): string[] {
    return [...this.#tails.keys()];
  }
}
