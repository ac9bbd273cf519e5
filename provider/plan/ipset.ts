import type { IpSetEntryFields } from "../model/wire";
import type { IpSetOp } from "./ops";

/** An IPSet as the planner compares it: name, comment and entries (cidr in Proxmox's normalised text). */
export interface IpSetState {
  readonly name: string;
  readonly comment?: string;
  readonly entries: readonly IpSetEntryFields[];
}

function nomatchOf(e: IpSetEntryFields): 0 | 1 {
  return e.nomatch === 1 || e.nomatch === true ? 1 : 0;
}

/**
 * Plans the entry writes that turn `current` into `desired` (entries keyed by canonical cidr text):
 * a new cidr is one `addEntry`, a changed `nomatch` or `comment` is one in-place `updateEntry`
 * (which sends both fields, because Proxmox's PUT replaces both), a cidr that is gone is one
 * `deleteEntry`. Changing one entry of a 10 000-entry set therefore costs one op (two when its
 * cidr changes). Map based, O(n) time.
 *
 * Order: adds, then updates, then deletes, each in desired/current order. Adding before deleting
 * means the set is never transiently empty when both `current` and `desired` are non-empty (a
 * rule referencing an empty set matches nothing, which for an ACCEPT rule is a lockout).
 * The ops carry no positions and touch distinct entries, so the executor may run them
 * concurrently; Proxmox still serialises them on the file's lock.
 */
export function planIpSetEntries(
  current: readonly IpSetEntryFields[],
  desired: readonly IpSetEntryFields[],
): IpSetOp[] {
  const have = new Map(current.map((e) => [e.cidr, e]));
  const want = new Map(desired.map((e) => [e.cidr, e]));
  const adds: IpSetOp[] = [];
  const updates: IpSetOp[] = [];
  const deletes: IpSetOp[] = [];
  for (const [cidr, e] of want) {
    const old = have.get(cidr);
    if (old === undefined) adds.push({ kind: "addEntry", entry: e });
    else if (nomatchOf(old) !== nomatchOf(e) || (old.comment ?? "") !== (e.comment ?? ""))
      updates.push({ kind: "updateEntry", cidr, comment: e.comment ?? "", nomatch: nomatchOf(e) });
  }
  for (const cidr of have.keys()) if (!want.has(cidr)) deletes.push({ kind: "deleteEntry", cidr });
  return [...adds, ...updates, ...deletes];
}

/**
 * Plans a whole IPSet: creates it when `current` is undefined (then adds every entry), renames it
 * when the name changed (one POST with `rename=<old>`, which also sets the comment), or sets a
 * changed comment (one POST with `rename` = the same name); then the entry ops of
 * {@link planIpSetEntries}, addressed to the desired name.
 */
export function planIpSet(current: IpSetState | undefined, desired: IpSetState): IpSetOp[] {
  const comment = desired.comment === undefined ? {} : { comment: desired.comment };
  if (current === undefined)
    return [{ kind: "createIpSet", name: desired.name, ...comment }, ...planIpSetEntries([], desired.entries)];
  const head: IpSetOp[] =
    current.name !== desired.name || (current.comment ?? "") !== (desired.comment ?? "")
      ? [{ kind: "renameIpSet", from: current.name, to: desired.name, ...comment }]
      : [];
  return [...head, ...planIpSetEntries(current.entries, desired.entries)];
}
