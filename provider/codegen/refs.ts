/**
 * How a generated rule or IPSet entry points at the IPSet, alias or security group it names: through
 * that resource's outputs (`ipset.ref`, `alias.name`, `pulumi.interpolate\`+${ipset.name}\``), so
 * Pulumi orders the writes, while the value stays exactly the text Proxmox holds (`+management` stays
 * `+management`; `+dc/management` would be a change on the first `up`). References resolve as
 * Proxmox resolves them (Firewall.pm `verify_rule`, `resolve_alias`): IPSet and group names exactly,
 * alias names without regard to case, a guest's own objects before the datacenter's.
 *
 * @module
 */
import { code, type Value } from "./emit";

/** A generated resource others may point at. */
export interface Declared {
  /** The TypeScript variable holding the resource. */
  readonly id: string;
  /** The object's name as Proxmox holds it. */
  readonly name: string;
  /** What its `ref` output holds (`+dc/name`, `+guest/name`, `dc/name`, `guest/name`); `undefined` for groups. */
  readonly ref: string | undefined;
}

/** The objects a scope's rules and entries can name. */
export interface RefTables {
  /** Datacenter IPSets by name. */
  readonly clusterIpSets: ReadonlyMap<string, Declared>;
  /** Datacenter aliases by lower-cased name. */
  readonly clusterAliases: ReadonlyMap<string, Declared>;
  /** Security groups by name. */
  readonly groups: ReadonlyMap<string, Declared>;
  /** For a guest scope: its IPSets by name and aliases by lower-cased name. */
  readonly guest?: { readonly ipSets: ReadonlyMap<string, Declared>; readonly aliases: ReadonlyMap<string, Declared> };
}

/** A value for a field, and the resources it depends on without naming them in the value. */
export interface Resolved {
  readonly value: Value;
  /** Resources the text refers to but no output can spell exactly (a different letter case). */
  readonly dependsOn: readonly Declared[];
  /** Whether the value uses `pulumi.interpolate`. */
  readonly interpolates: boolean;
  /** The resource the text names, if any. */
  readonly target?: Declared;
}

const IPSET_REF = /^\+(guest\/|dc\/|sdn\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;
const ALIAS_REF = /^(guest\/|dc\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;

function literal(text: string): Resolved {
  return { value: text, dependsOn: [], interpolates: false };
}

/** `found.ref` when the text is exactly its ref, an interpolation of its name when only the prefix differs. */
function spell(text: string, prefix: string, name: string, found: Declared): Resolved {
  const target = found;
  if (text === found.ref) return { value: code(`${found.id}.ref`), dependsOn: [], interpolates: false, target };
  if (name !== found.name) return { value: text, dependsOn: [found], interpolates: false, target };
  if (prefix === "") return { value: code(`${found.id}.name`), dependsOn: [], interpolates: false, target };
  const value = code(`pulumi.interpolate\`${prefix}\${${found.id}.name}\``);
  return { value, dependsOn: [], interpolates: true, target };
}

function pick<T>(scope: string, local: T | undefined, cluster: T | undefined): T | undefined {
  if (scope === "dc/") return cluster;
  if (scope === "guest/") return local;
  return local ?? cluster;
}

/**
 * A rule's `source` or `dest`: an IPSet (`+name`, `+dc/name`, `+guest/name`) or alias (`name`,
 * `dc/name`, `guest/name`) reference resolved to that resource's output; anything else (addresses,
 * lists, `+sdn/...`, names no resource holds) as text.
 */
export function resolveAddress(text: string, tables: RefTables): Resolved {
  const ipset = IPSET_REF.exec(text);
  if (ipset) {
    const [, scope = "", name = ""] = ipset;
    if (scope === "sdn/") return literal(text);
    const found = pick(scope, tables.guest?.ipSets.get(name), tables.clusterIpSets.get(name));
    return found ? spell(text, `+${scope}`, name, found) : literal(text);
  }
  const alias = ALIAS_REF.exec(text);
  if (alias) return resolveAlias(text, alias[1] ?? "", alias[2]!, tables);
  return literal(text);
}

/** An IPSet entry's `cidr`: an alias reference resolved to the alias resource, else the text. */
export function resolveEntry(cidr: string, tables: RefTables): Resolved {
  const alias = ALIAS_REF.exec(cidr);
  return alias ? resolveAlias(cidr, alias[1] ?? "", alias[2]!, tables) : literal(cidr);
}

function resolveAlias(text: string, scope: string, name: string, tables: RefTables): Resolved {
  const key = name.toLowerCase();
  const found = pick(scope, tables.guest?.aliases.get(key), tables.clusterAliases.get(key));
  return found ? spell(text, scope, name, found) : literal(text);
}

/** A group rule's `action`: the group resource's `name` output when it names one exactly, else the text. */
export function resolveGroup(action: string, tables: RefTables): Resolved {
  const found = tables.groups.get(action);
  return found
    ? { value: code(`${found.id}.name`), dependsOn: [], interpolates: false, target: found }
    : literal(action);
}
