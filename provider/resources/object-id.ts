import { parseScopeId, type Scope, scopeId } from "../model/scope";

/** Named objects that live inside a scope. */
export type ObjectKind = "ipset" | "alias";

/** `cluster/ipset/management`, `qemu/pve1/100/alias/web`: the scope's ID, the kind, the name. */
export function objectId(scope: Scope, kind: ObjectKind, name: string): string {
  return `${scopeId(scope)}/${kind}/${name}`;
}

/** Inverse of {@link objectId}; `undefined` when `id` is not an ID of `kind`. */
export function parseObjectId(id: string, kind: ObjectKind): { scope: Scope; name: string } | undefined {
  const marker = `/${kind}/`;
  const at = id.lastIndexOf(marker);
  if (at <= 0) return undefined;
  const scope = parseScopeId(id.slice(0, at));
  const name = id.slice(at + marker.length);
  if (!scope || (scope.kind !== "cluster" && scope.kind !== "vm") || !/^[A-Za-z][A-Za-z0-9_-]+$/.test(name))
    return undefined;
  return { scope, name };
}
