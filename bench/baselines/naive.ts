/**
 * The naive strategy: delete everything in the list and recreate it in order, with no diff and no
 * attempt at safety (the list is empty, then partial, while it runs).
 *
 * - Rules: GET the list (to know how many rules to delete), DELETE every position bottom-up, then
 *   POST the desired rules bottom-up (each lands at index 0, so they end in order), enabled ones
 *   enabled. No read-back.
 * - IPSet: DELETE the set with `force=1` (Proxmox deletes its entries with it), POST the set, POST
 *   every entry. The strongest naive variant: deleting entry by entry first would double its writes.
 *   Creating a set that does not exist yet skips the DELETE.
 * - Refresh and preview: one GET of every list the resources live in (a naive tool keeps no state
 *   to diff against, so a preview reads everything).
 */
import type { RuleFields } from "../../provider/model/wire";
import { entryBody, type IpSetSpec, setBody } from "./bpg-ipset";
import { listStep, readStep, type Step, segment } from "./steps";

/** A rule's POST body: every field it has, `enable` as 0/1. */
function ruleBody(rule: RuleFields): Record<string, string> {
  const body: Record<string, string> = {};
  for (const [k, v] of Object.entries(rule)) if (v !== undefined) body[k] = String(v);
  body.enable = rule.enable === 0 ? "0" : "1";
  return body;
}

/** Rewrites the list at `path` (e.g. `/nodes/pve1/firewall/rules`) from `current` to `desired`. */
export function naiveRules(path: string, current: readonly RuleFields[], desired: readonly RuleFields[]): Step[] {
  return [
    listStep(path, current.length),
    ...current.map((_, i): Step => ({ method: "DELETE", path: `${path}/${current.length - 1 - i}` })),
    ...[...desired].reverse().map((r): Step => ({ method: "POST", path, params: ruleBody(r) })),
  ];
}

/** Creates `set` under `base` (e.g. `/cluster/firewall/ipset`), or re-creates it when `exists`. */
export function naiveIpSet(base: string, set: IpSetSpec, exists: boolean): Step[] {
  const path = `${base}/${segment(set.name)}`;
  return [
    ...(exists ? [{ method: "DELETE", path, params: { force: "1" } } satisfies Step] : []),
    { method: "POST", path: base, params: setBody(set) },
    ...set.entries.map((e): Step => ({ method: "POST", path, params: entryBody(e) })),
  ];
}

/** One GET of each list path; `lengths` gives the expected item count where it is known. */
export function naiveReads(paths: readonly string[], lengths: ReadonlyMap<string, number> = new Map()): Step[] {
  return paths.map((p) => {
    const n = lengths.get(p);
    return n === undefined ? readStep(p) : listStep(p, n);
  });
}
