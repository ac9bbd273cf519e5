/**
 * One runner at a time per stack: a `proper-lockfile` lock next to the state file (`<state>.lock`),
 * kept fresh while the run lasts. A second runner waits a little for it, then fails naming the
 * stack; a lock left by a killed runner (kill -9) goes stale and is taken over after a few seconds.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { lock } from "proper-lockfile";
import { ConfigError } from "../errors";

/** A lock not refreshed for this long belongs to a dead runner and is taken over. */
export const LOCK_STALE_MS = 5_000;

/** How long a second runner waits for the lock before giving up. */
export const LOCK_WAIT_MS = 8_000;

/**
 * Takes the lock of `stateFile` (waiting up to {@link LOCK_WAIT_MS}); resolves with its release.
 *
 * @throws ConfigError when another runner holds it for longer
 */
export async function lockStack(
  stateFile: string,
  stack: string,
  onLost: (message: string) => void,
): Promise<() => Promise<void>> {
  mkdirSync(dirname(stateFile), { recursive: true });
  try {
    return await lock(stateFile, {
      realpath: false,
      stale: LOCK_STALE_MS,
      update: LOCK_STALE_MS / 5,
      retries: { retries: Math.ceil(LOCK_WAIT_MS / 500), factor: 1, minTimeout: 500, maxTimeout: 500 },
      onCompromised: (e) =>
        onLost(`the lock of stack ${stack} was lost (${e.message}); another run may write its state`),
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ELOCKED") throw e;
    throw new ConfigError(
      `stack ${stack} is locked by another pve-firewall run (${stateFile}.lock); ` +
        `waited ${LOCK_WAIT_MS / 1000} s: run again when it has finished (a killed run's lock expires after ${LOCK_STALE_MS / 1000} s)`,
    );
  }
}
