/**
 * A call-count model of a naive reconciliation strategy, modelled on the documented behaviour of
 * the bpg Terraform provider's SDKv2 firewall resources (`proxmoxtf/resource/firewall/rules.go`
 * and `ipset.go`; see `STYLE.md` §1). It is a MODEL, not a measurement: the benchmark never runs
 * that provider. Every count below is a lower bound of what the modelled code does:
 *
 * - Rules read: one list GET that yields only positions, then one GET per position (N + 1).
 * - Rules update: the rule list is rewritten, not diffed: every desired rule is fetched at its
 *   position and PUT back (M GETs, M PUTs). A new rule is POSTed (Proxmox puts it at the top), after
 *   which the list is re-listed and every position GET again to re-establish positions
 *   (1 + current length reads per new rule: the O(n²) loop). Surplus rules are DELETEd. The update
 *   ends with a read of the list (M + 1).
 * - IPSet read: list the sets (for the comment) and GET the set's entries (2 reads).
 * - IPSet entry change: the entry list forces replacement (their issue #3046), so ANY entry change
 *   deletes the set and re-creates it: DELETE set + POST set + one POST per desired entry, then the
 *   2-read refresh. (The modelled delete also lists and deletes each entry first; that is left out,
 *   so the model is conservative.)
 */
import type { CallCount } from "./measure";

/** The model's calls to refresh a rule list of `n` rules. */
export function naiveRulesRead(n: number): CallCount {
  return { reads: 1 + n, writes: 0 };
}

/**
 * The model's calls to turn a list of `current` rules into `desired` rules of which `created` are
 * new (appended or inserted anywhere: the model rewrites every position either way).
 */
export function naiveRulesUpdate(current: number, desired: number, created: number): CallCount {
  let reads = 0;
  let writes = 0;
  let length = current;
  for (let k = 0; k < created; k++) {
    writes += 1; // POST, lands at index 0
    length += 1;
    reads += 1 + length; // re-list, then GET every position
  }
  reads += desired; // GET each desired position before rewriting it
  writes += desired; // PUT each desired rule back at its position
  writes += Math.max(0, length - desired); // DELETE the surplus
  const readBack = naiveRulesRead(desired);
  return { reads: reads + readBack.reads, writes };
}

/** The model's calls to refresh an IPSet (any size). */
export function naiveIpSetRead(): CallCount {
  return { reads: 2, writes: 0 };
}

/** The model's calls to apply any entry change to an IPSet that ends with `desired` entries. */
export function naiveIpSetEntryChange(desired: number): CallCount {
  const refresh = naiveIpSetRead();
  return { reads: refresh.reads, writes: 1 + 1 + desired };
}
