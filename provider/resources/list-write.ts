/**
 * One digest-guarded write to a list whose digest also covers objects other resources own: a
 * scope's aliases, the security groups (BEHAVIOR.md §3: "aliases: the alias list of that scope",
 * "group list: [{group, comment}]").
 *
 * @module
 */
import { hasCode } from "../errors";
import type { Scope } from "../model/scope";
import { MAX_REPLANS } from "./apply-rules";
import type { KindContext } from "./framework";

/**
 * Runs `step` (a read of the list and the write it decides, carrying the digest it read) holding
 * the config file of `scope` against this process's other writes to it: a sibling resource's write
 * would otherwise change the digest and look like a concurrent edit. After a digest mismatch, which
 * can then only come from someone else, `step` runs again with a fresh read, at most
 * {@link MAX_REPLANS} times in all. `step` gets the attempt number, from 1.
 *
 * @throws whatever `step` throws; the DigestMismatchError of the last attempt
 */
export async function writeWithListDigest(
  ctx: KindContext,
  scope: Scope,
  step: (attempt: number) => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.api.holdingFile(scope, () => step(attempt));
      return;
    } catch (e) {
      if (!(hasCode(e, "FW_DIGEST_MISMATCH") && attempt < MAX_REPLANS)) throw e;
    }
  }
}
