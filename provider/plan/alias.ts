import type { AliasFields } from "../model/wire";
import type { AliasOp } from "./ops";

/**
 * Plans one alias: `createAlias` when it does not exist, `deleteAlias` when it should not, and
 * otherwise at most one `updateAlias` PUT. That PUT always sends `cidr` (required by Proxmox) and
 * `comment` (`""` when none: Proxmox clears an omitted comment). Alias names are case-insensitive
 * keys: a name that differs only in case is fixed by a PUT on the new spelling (Proxmox stores the
 * URL's case); any other name change is a rename (`rename` = new name). Rules that reference the
 * old name are not rewritten by Proxmox.
 */
export function planAlias(current: AliasFields | undefined, desired: AliasFields | undefined): AliasOp[] {
  if (current === undefined) return desired === undefined ? [] : [{ kind: "createAlias", fields: desired }];
  if (desired === undefined) return [{ kind: "deleteAlias", name: current.name }];
  const sameKey = current.name.toLowerCase() === desired.name.toLowerCase();
  if (
    current.name === desired.name &&
    current.cidr === desired.cidr &&
    (current.comment ?? "") === (desired.comment ?? "")
  )
    return [];
  const base = { kind: "updateAlias" as const, cidr: desired.cidr, comment: desired.comment ?? "" };
  return [sameKey ? { ...base, name: desired.name } : { ...base, name: current.name, rename: desired.name }];
}

/**
 * Plans a scope's aliases as a whole, keyed by lower-cased name: creates, updates and deletes via
 * {@link planAlias}, in that order (creates first, so references can resolve before anything is
 * removed). Renames are not inferred here; a name change is a delete plus a create.
 */
export function planAliases(current: readonly AliasFields[], desired: readonly AliasFields[]): AliasOp[] {
  const have = new Map(current.map((a) => [a.name.toLowerCase(), a]));
  const want = new Map(desired.map((a) => [a.name.toLowerCase(), a]));
  const creates: AliasOp[] = [];
  const updates: AliasOp[] = [];
  const deletes: AliasOp[] = [];
  for (const [key, a] of want) {
    const old = have.get(key);
    (old === undefined ? creates : updates).push(...planAlias(old, a));
  }
  for (const [key, a] of have) if (!want.has(key)) deletes.push(...planAlias(a, undefined));
  return [...creates, ...updates, ...deletes];
}
