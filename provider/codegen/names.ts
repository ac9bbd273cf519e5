/**
 * Readable, unique names for generated resources: the Pulumi logical name (`dc-ipset-management`,
 * `qemu-100-rules`) and the TypeScript variable holding the resource (`dcIpsetManagement`).
 *
 * @module
 */
import type { Scope } from "../model/scope";

/** What a resource manages, as it appears in its logical name. */
export type ObjectKind = "options" | "rules" | "alias" | "ipset" | "group";

/** The logical-name prefix of a scope: `dc`, `node-pve1`, `qemu-100`, `lxc-101`, `vnet-v1`. */
function scopePrefix(scope: Scope): string {
  switch (scope.kind) {
    case "cluster":
    case "group":
      return "dc";
    case "node":
      return `node-${scope.node}`;
    case "vm":
      return `${scope.guestType}-${scope.vmid}`;
    case "vnet":
      return `vnet-${scope.vnet}`;
  }
}

/**
 * The Pulumi logical name of one object: `<scope>-options`, `<scope>-rules`,
 * `<scope>-alias-<name>` (alias names lower-cased, as Proxmox compares them), `<scope>-ipset-<name>`,
 * `group-<name>`.
 */
export function logicalName(scope: Scope, kind: ObjectKind, name?: string): string {
  if (kind === "group") return `group-${name}`;
  const base = `${scopePrefix(scope)}-${kind}`;
  return name === undefined ? base : `${base}-${kind === "alias" ? name.toLowerCase() : name}`;
}

/** Hands out names and identifiers, adding `-2`, `-3`, ... (`2`, `3`, ...) when one is taken. */
export class NameRegistry {
  readonly #names = new Set<string>();
  readonly #identifiers = new Set<string>();

  /** A logical name not handed out before, derived from `wanted`. */
  name(wanted: string): string {
    return unique(wanted, this.#names, "-");
  }

  /** A TypeScript identifier for a logical name: camelCase of its words (`dc-ipset-my_set` → `dcIpsetMySet`). */
  identifier(logical: string): string {
    const words = logical.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
    const camel = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1))).join("");
    return unique(/^[A-Za-z]/.test(camel) ? camel : `r${camel}`, this.#identifiers, "");
  }
}

function unique(wanted: string, taken: Set<string>, separator: string): string {
  let name = wanted;
  for (let n = 2; taken.has(name); n++) name = `${wanted}${separator}${n}`;
  taken.add(name);
  return name;
}
