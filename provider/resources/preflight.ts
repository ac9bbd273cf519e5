import type { FirewallApi } from "../client/firewall";
import { MissingReferenceError } from "../errors";
import { CLUSTER, type Scope, scopeId } from "../model/scope";
import { isNamedAlias, type RuleFields, type WireAlias } from "../model/wire";
import { ruleKey } from "../plan/rule-fields";
import { storedRule } from "./apply-rules";

/**
 * Reads for reference checks and alias lookups: each list (a scope's aliases, a scope's IPSets,
 * the security groups) is fetched at most once per provider operation, on first use.
 */
export class ReferenceLists {
  readonly #api: FirewallApi;
  readonly #cache = new Map<string, Promise<unknown>>();

  constructor(api: FirewallApi) {
    this.#api = api;
  }

  #once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let hit = this.#cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = read();
      this.#cache.set(key, hit);
    }
    return hit;
  }

  /**
   * The aliases of a cluster or guest scope, without the nameless alias of an `[ALIASES]` line
   * Proxmox could not parse (no rule can name it).
   */
  aliases(scope: Scope): Promise<WireAlias[]> {
    return this.#once(`aliases ${scopeId(scope)}`, async () =>
      (await this.#api.listAliases(scope)).filter(isNamedAlias),
    );
  }

  /** The IPSet names of a cluster or guest scope. */
  ipSets(scope: Scope): Promise<string[]> {
    return this.#once(`ipsets ${scopeId(scope)}`, async () => (await this.#api.listIpSets(scope)).map((s) => s.name));
  }

  /** The security group names. */
  groups(): Promise<string[]> {
    return this.#once("groups", async () => (await this.#api.listGroups()).map((g) => g.group));
  }

  /**
   * The rules of a scope's list or a security group (canonical), as they were when first asked for
   * in this operation: what {@link verifyReferences} compares declared rules against.
   */
  rules(scope: Scope): Promise<RuleFields[]> {
    return this.#once(`rules ${scopeId(scope)}`, async () => (await this.#api.listRules(scope)).rules.map(storedRule));
  }
}

/** Names an object kind can be looked up in, per level: `undefined` when the level does not apply. */
export interface Visible {
  readonly guest?: readonly string[];
  readonly cluster: readonly string[];
}

const ALIAS_REF = /^(?:(dc|guest)\/)?([A-Za-z][A-Za-z0-9_-]+)$/;
const IPSET_REF = /^\+(?:(dc|guest|sdn)\/)?([A-Za-z][A-Za-z0-9_-]+)$/;

/** A `source`/`dest` that names an alias or an IPSet (not an address list). */
export function referenceOf(spec: string): { kind: "alias" | "ipset"; prefix: string; name: string } | undefined {
  const ipset = IPSET_REF.exec(spec);
  if (ipset) return { kind: "ipset", prefix: ipset[1] ?? "", name: ipset[2]! };
  const alias = ALIAS_REF.exec(spec);
  if (alias) return { kind: "alias", prefix: alias[1] ?? "", name: alias[2]! };
  return undefined;
}

function names(list: readonly string[]): string {
  if (list.length === 0) return "none";
  const shown = list.length > 20 ? [...list.slice(0, 20), `... (${list.length} in all)`] : list;
  return shown.join(", ");
}

/**
 * Why the alias or IPSet reference `spec` does not resolve in a rule of a scope with these
 * `visible` objects, or `undefined` when it does. Proxmox's generation-time lookup (pve-firewall,
 * SIMULATOR.md §8.1): `dc/x` the cluster only, `guest/x` the guest only, an unscoped name the guest
 * first and then the cluster; rules of the cluster, nodes, VNets and security groups see only
 * cluster objects (`visible.guest` is absent). Alias names are compared case-insensitively, IPSet
 * names exactly (Proxmox lower-cases them when it parses). `+sdn/x` is not managed here: accepted.
 */
export function unresolved(
  spec: string,
  ref: { kind: "alias" | "ipset"; prefix: string; name: string },
  visible: Visible,
): string | undefined {
  if (ref.prefix === "sdn") return undefined;
  const noun = ref.kind === "alias" ? "alias" : "IPSet";
  const nouns = ref.kind === "alias" ? "aliases" : "IPSets";
  const fold = (s: string) => (ref.kind === "alias" ? s.toLowerCase() : s);
  const has = (list: readonly string[] | undefined) => list?.some((n) => fold(n) === fold(ref.name)) ?? false;
  const seen = `cluster ${nouns}: ${names(visible.cluster)}`;
  const guestSeen = `guest ${nouns}: ${names(visible.guest ?? [])}`;
  if (ref.prefix === "guest") {
    if (!visible.guest)
      return `'${spec}' names a guest ${noun}, but only guest rules see guest objects (this rule sees cluster ${nouns} only)`;
    if (has(visible.guest)) return undefined;
    const hint = has(visible.cluster) ? `; the cluster has one: write '${spec.replace("guest/", "dc/")}'` : "";
    return `no guest ${noun} '${ref.name}' (${guestSeen})${hint}`;
  }
  if (ref.prefix === "dc") {
    if (has(visible.cluster)) return undefined;
    const hint = has(visible.guest) ? `; the guest has one: write '${spec.replace("dc/", "guest/")}'` : "";
    return `no cluster ${noun} '${ref.name}' (${seen})${hint}`;
  }
  if (has(visible.guest) || has(visible.cluster)) return undefined;
  const where = visible.guest
    ? `neither the guest nor the cluster has ${noun} '${ref.name}'`
    : `no cluster ${noun} '${ref.name}'`;
  const sdn = ref.kind === "ipset" ? `; for an SDN IPSet write '+sdn/${ref.name}'` : "";
  return `${where} (${visible.guest ? `${guestSeen}; ` : ""}${seen})${sdn}`;
}

/** The kinds of objects rules name. */
export type DeclaredKind = "alias" | "ipset" | "group";

/** Objects the program declares besides those on the server (see `GuardSession.declare`). */
export interface DeclaredNames {
  /** Names of the declared objects of `kind` in `scope` (a cluster or guest scope; the cluster for groups). */
  names(kind: DeclaredKind, scope: Scope): readonly string[];
}

/** Options of {@link verifyReferences}. */
export interface VerifyOptions {
  /**
   * The list whose rules the desired ones replace (a scope's, or a group's under its current name),
   * read through `lists` only when some reference does not resolve.
   *
   * @default - the list is new (nothing on the server yet): every unresolved reference refuses
   */
  readonly existing?: Scope;
  /** Receives the warning about each unresolved reference that is let through. @default - none */
  readonly warn?: (line: string) => void;
  /**
   * Objects that count as existing although they are not on the server yet: what the program
   * declares, for the check of a preview, when Pulumi has not created them yet.
   *
   * @default - only what is on the server counts (the check before a write)
   */
  readonly declared?: DeclaredNames;
}

/**
 * Verifies, before the first write of a rule list of `scope` (a scope's rules or a security
 * group's), that every security group, alias and IPSet its `desired` rules name exists where
 * Proxmox will look for it when it generates the ruleset. Proxmox itself never checks `GROUP`
 * names (a missing group silently applies nothing) and checks alias/IPSet names without their
 * scope, so a rule that would be skipped at generation is accepted by the API.
 *
 * A declared rule that is already on the server exactly as declared (every field; Proxmox lists
 * such a rule with `errors` when it names a missing alias or IPSet) is let through with a warning:
 * the plan keeps such a rule as it is (at most it moves), so this write does not make it, and
 * refusing would block every other change of the list, and the adoption of an imported program
 * (whose rules equal the live ones). Only writes that would create such a rule or edit one (its
 * reference, comment, enable or log) are refused. Duplicates count: two declared copies of a rule
 * that is there once are one kept rule and one new one.
 *
 * Reads only the lists that some rule needs (through `lists`, at most once each), and the existing
 * rules only when some reference does not resolve.
 *
 * @param what - how the message names the list, e.g. `rules of qemu/pve1/100`
 * @throws MissingReferenceError naming every unresolved reference of a rule this write would make
 *   (`rules[2].source: ...`) and what exists; nothing has been written then
 */
export async function verifyReferences(
  lists: ReferenceLists,
  scope: Scope,
  desired: readonly RuleFields[],
  what: string,
  options: VerifyOptions = {},
): Promise<void> {
  const byRule = await unresolvedReferences(lists, scope, desired, options.declared);
  if (byRule.size === 0) return;
  const kept = new Map<string, number>();
  for (const rule of options.existing ? await lists.rules(options.existing) : [])
    kept.set(ruleKey(rule), (kept.get(ruleKey(rule)) ?? 0) + 1);
  const problems: string[] = [];
  for (const [i, found] of byRule) {
    const key = ruleKey(desired[i]!);
    const left = kept.get(key) ?? 0;
    if (left === 0) {
      problems.push(...found);
      continue;
    }
    kept.set(key, left - 1);
    for (const problem of found)
      options.warn?.(
        `warning: ${what}: ${problem}; the rule is already on the server exactly as declared and is left as it is: fix the reference, or remove the rule`,
      );
  }
  if (problems.length > 0)
    throw new MissingReferenceError(
      `${what}: ${problems.join("; ")}; nothing was written (create the missing object first, referencing it through its resource's output so that Pulumi creates it before this list)`,
    );
}

/** Each declared rule's unresolved references, by index (rules whose references resolve are left out). */
async function unresolvedReferences(
  lists: ReferenceLists,
  scope: Scope,
  desired: readonly RuleFields[],
  declared: DeclaredNames | undefined,
): Promise<Map<number, string[]>> {
  const guest = scope.kind === "vm" ? scope : undefined;
  // What the server holds, then what only the program declares (so a listing reads as the write's).
  const withDeclared = (live: readonly string[], kind: DeclaredKind, s: Scope) => {
    const fold = (n: string) => (kind === "alias" ? n.toLowerCase() : n);
    const seen = new Set(live.map(fold));
    return [...live, ...(declared?.names(kind, s) ?? []).filter((n) => !seen.has(fold(n)))];
  };
  const byRule = new Map<number, string[]>();
  const add = (i: number, problem: string) => byRule.set(i, [...(byRule.get(i) ?? []), problem]);
  for (const [i, rule] of desired.entries()) {
    if (rule.type === "group") {
      const groups = withDeclared(await lists.groups(), "group", CLUSTER);
      if (!groups.includes(rule.action))
        add(
          i,
          `rules[${i}].action: security group '${rule.action}' does not exist (security groups: ${names(groups)}); Proxmox would apply nothing for this rule`,
        );
      continue;
    }
    for (const field of ["source", "dest"] as const) {
      const spec = rule[field];
      const ref = spec === undefined ? undefined : referenceOf(spec);
      if (!spec || !ref || ref.prefix === "sdn") continue;
      const read = async (s: Scope) =>
        withDeclared(
          ref.kind === "alias" ? (await lists.aliases(s)).map((a) => a.name) : await lists.ipSets(s),
          ref.kind,
          s,
        );
      const visible: Visible = {
        cluster: await read({ kind: "cluster" }),
        ...(guest ? { guest: await read(guest) } : {}),
      };
      const why = unresolved(spec, ref, visible);
      if (why) add(i, `rules[${i}].${field}: ${why}; Proxmox would skip this rule`);
    }
  }
  return byRule;
}
