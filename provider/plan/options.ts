import type { OptionsOp } from "./ops";

/** A scope's options as the planner compares them (without `digest`). */
export type OptionsState = Readonly<Record<string, string | number>>;

/**
 * Plans the single `PUT .../options` that turns `current` into `desired`: `set` holds only the
 * fields whose value differs (compared with `===`, inputs being canonical), `delete` the fields
 * `current` has and `desired` lacks, which returns them to Proxmox's default. No op when equal.
 * Proxmox applies `delete` first and the sent values after (the reverse of rules), so a field is
 * never both set and deleted here.
 */
export function planOptions(current: OptionsState, desired: OptionsState): OptionsOp[] {
  const set: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(desired)) if (current[k] !== v) set[k] = v;
  const del = Object.keys(current)
    .filter((k) => !Object.hasOwn(desired, k))
    .sort();
  return Object.keys(set).length === 0 && del.length === 0 ? [] : [{ kind: "setOptions", set, delete: del }];
}
