/**
 * pmxcfs-style named locks (`firewall-cluster`, `firewall-vm-100`, ...): one holder at a time,
 * waiters queue in order and give up after a timeout with Proxmox's cfs-lock error.
 */
import { plainError } from "./http-error";

interface Waiter {
  readonly grant: () => void;
  readonly timer: NodeJS.Timeout;
}

/** Proxmox's message when a cfs lock cannot be obtained in time. */
export function lockTimeoutMessage(key: string): string {
  return `cfs-lock '${key}' error: got lock request timeout`;
}

/** A table of named locks; create one per emulator instance. */
export class LockTable {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, Waiter[]>();

  /** Acquires `key`, waiting at most `timeoutMs`; resolves to the release function. */
  acquire(key: string, timeoutMs: number): Promise<() => void> {
    const release = (): void => this.release(key);
    if (!this.held.has(key)) {
      this.held.add(key);
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(key) ?? [];
      this.queues.set(key, queue);
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve(release);
        },
        timer: setTimeout(() => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          reject(plainError(lockTimeoutMessage(key)));
        }, timeoutMs),
      };
      queue.push(waiter);
    });
  }

  /** Runs `fn` while holding `key`. */
  async with<T>(key: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key, timeoutMs);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private release(key: string): void {
    const next = this.queues.get(key)?.shift();
    if (next) next.grant();
    else this.held.delete(key);
  }
}
