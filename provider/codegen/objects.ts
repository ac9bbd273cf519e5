/**
 * The arguments of each generated resource, built from what Proxmox holds so that the provider's
 * canonical form of the arguments equals the canonical form of the live object (the first `up`
 * then writes nothing). What a resource cannot represent is left out and reported.
 *
 * @module
 */
import { printRuleLine } from "../fw/rule";
import type { FwIpSet } from "../fw/types";
import { canonicalAliasCidr, validateAlias } from "../model/alias";
import { canonicalComment, formatIssues } from "../model/common";
import { canonicalIpSetCidr, validateIpSet } from "../model/ipset";
import { canonicalOptions, type OptionsScopeKind, optionsFromWire, validateOptions } from "../model/options";
import { canonicalRule, checkRule, inertRuleIssues, ruleFromWire } from "../model/rule";
import { type Scope, scopeId } from "../model/scope";
import type { AliasFields, IpSetEntryFields, RuleFields } from "../model/wire";
import { comment, type Value } from "./emit";
import { type Declared, type RefTables, resolveAddress, resolveEntry, resolveGroup } from "./refs";
import { aliasSubject, entrySubject, type FwLines, ruleSubject } from "./snapshot";

/** Where a warning points: the object's line (when the file was read) and its subject. */
export interface WarnAt {
  readonly line?: number;
  /** See `SnapshotWarning.subject`. */
  readonly subject?: string;
}

/** Collects what one resource needs besides its arguments, and what could not be carried over. */
export interface BuildContext {
  readonly tables: RefTables;
  /** Where the file's objects are, when the file itself was read. */
  readonly lines?: FwLines;
  /** Resources the arguments refer to without an output in the value. */
  readonly dependsOn: Set<Declared>;
  /** Reports something left out or suspicious; the caller adds the file. */
  warn(message: string, at?: WarnAt): void;
  /** Set when a value uses `pulumi.interpolate`. */
  interpolates: boolean;
}

const RULE_FIELDS = ["macro", "iface", "source", "dest", "proto", "dport", "sport", "icmpType", "log"] as const;

/**
 * Rule `index` of the list of `scope` (a security group's when `scope` is a group) as arguments, in
 * a readable order, with references resolved; defaults (`type: "in"`, `enable: true`) left out.
 *
 * A rule Proxmox never applies (see `inertRuleIssues`: an unknown action, a port above 65535, a
 * `GROUP` name in upper case, ...) is left out with a warning and a comment in its place: the
 * provider would refuse to declare it, and the first `up` deletes it, which changes no packet's
 * fate. A rule that Proxmox applies but the provider rejects is declared, with a warning per issue.
 */
export function ruleArgs(fields: RuleFields, index: number, scope: Scope, ctx: BuildContext): Value {
  const canonical = canonicalRule(fields);
  const isGroup = scope.kind === "group";
  const where = isGroup ? `group '${scope.group}' rules[${index}]` : `${scopeId(scope)} rules[${index}]`;
  const line = (isGroup ? ctx.lines?.groups[scope.group.toLowerCase()] : ctx.lines?.rules)?.[index];
  const at: WarnAt = { ...(line === undefined ? {} : { line }), subject: ruleSubject(scope, index) };
  const inert = inertRuleIssues(canonical, scope);
  if (inert.length > 0) {
    const text = printRuleLine(canonical, !isGroup);
    const why = inert.map((i) => `${i.path}: ${i.reason}`).join("; ");
    ctx.warn(
      `${where} \`${text}\` is left out: ${why}; Proxmox keeps this rule but never applies it, so the first up will delete it from Proxmox; it never filtered anything`,
      at,
    );
    return comment(
      `Left out: rules[${index}] \`${text}\` (${why}). Proxmox never applies it; the first up deletes it.`,
    );
  }
  for (const issue of checkRule(canonical, scope))
    ctx.warn(`${where}.${issue.path}: ${issue.reason} (the provider will reject this rule; fix it in Proxmox)`, at);
  const rule = ruleFromWire(canonical);
  const args: Record<string, Value | undefined> = {};
  if (rule.type !== "in") args.type = rule.type;
  args.action = rule.type === "group" ? use(resolveGroup(rule.action, ctx.tables), ctx) : rule.action;
  for (const field of RULE_FIELDS) {
    const value = rule[field];
    if (value === undefined) continue;
    args[field] = field === "source" || field === "dest" ? use(resolveAddress(String(value), ctx.tables), ctx) : value;
  }
  if (!rule.enable) args.enable = false;
  if (rule.comment !== undefined) args.comment = rule.comment;
  return args;
}

function use(resolved: ReturnType<typeof resolveAddress>, ctx: BuildContext): Value {
  for (const d of resolved.dependsOn) ctx.dependsOn.add(d);
  if (resolved.interpolates) ctx.interpolates = true;
  return resolved.value;
}

/** An alias's arguments (`name`, `cidr`, `comment`), or `undefined` for the nameless alias. */
export function aliasArgs(alias: AliasFields, ctx: BuildContext): Record<string, Value> | undefined {
  if (alias.name === "") {
    ctx.warn(
      "an [ALIASES] line Proxmox could not parse (it keeps a nameless alias, which no resource can hold) is left out; " +
        "fix or remove the line",
      { subject: aliasSubject("") },
    );
    return undefined;
  }
  const checked = validateAlias(alias);
  if (!checked.ok) ctx.warn(`alias '${alias.name}': ${formatIssues(checked.issues)}`);
  // A live cidr with host bits is declared as its network: the provider treats both as equal (what
  // iptables matches), so adopting it writes nothing, and check has nothing to warn about.
  const cidr = canonicalAliasCidr(alias.cidr);
  if (cidr !== alias.cidr && /\/\d+$/.test(cidr))
    ctx.warn(`alias '${alias.name}': cidr ${alias.cidr} has host bits set; declared as its network ${cidr}`);
  const comment = canonicalComment(alias.comment);
  return { name: alias.name, cidr, ...(comment === undefined ? {} : { comment }) };
}

/**
 * The entries of an IPSet the program can declare, in Proxmox's order. Every entry Proxmox flags
 * (no cidr, not an address, a zero prefix, a repeat of an earlier entry, an alias that does not
 * exist) is left out and reported: it is not the `IpSet` resource's (the resource leaves it as it
 * is and out of its state), so declaring it would make the first `up` try to add it again.
 */
export function declarableEntries(set: FwIpSet, ctx: BuildContext): IpSetEntryFields[] {
  const seen = new Set<string>();
  const out: IpSetEntryFields[] = [];
  const lines = ctx.lines?.ipsetEntries[set.name.toLowerCase()];
  for (const [i, entry] of set.entries.entries()) {
    const line = lines?.[i];
    const at: WarnAt = { ...(line === undefined ? {} : { line }), subject: entrySubject(set.name, i) };
    const error = entry.errors?.cidr;
    const what = entry.cidr === "" ? "an entry without cidr" : `entry '${entry.cidr}'`;
    const key = canonicalIpSetCidr(entry.cidr);
    if (seen.has(key) || error?.startsWith("duplicate ")) {
      ctx.warn(
        `ipset '${set.name}': ${what} repeats an earlier entry and is left out (Proxmox drops it on its next write)`,
        at,
      );
      continue;
    }
    if (error !== undefined) {
      const fix = error.startsWith("no such alias")
        ? "create the alias and declare the entry, or remove it in Proxmox"
        : "remove it in Proxmox";
      ctx.warn(
        `ipset '${set.name}': ${what} is left out: Proxmox flags it (${error.trimEnd()}) and skips it, and the IpSet resource leaves it as it is; ${fix}`,
        at,
      );
      continue;
    }
    seen.add(key);
    const comment = canonicalComment(entry.comment);
    const nomatch = entry.nomatch !== undefined && Number(entry.nomatch) >= 1;
    out.push({ cidr: entry.cidr, ...(nomatch ? { nomatch: 1 } : {}), ...(comment === undefined ? {} : { comment }) });
  }
  const checked = validateIpSet({ name: set.name, comment: set.comment, entries: [] });
  if (!checked.ok) ctx.warn(`ipset '${set.name}': ${formatIssues(checked.issues)}`);
  return out;
}

/**
 * One entry as the program declares it: the bare cidr, or `{ cidr, nomatch, comment }`. An alias
 * entry points at the alias resource (`alias.ref`, `alias.name`); with `literal` (entries kept in
 * a JSON data file) it stays text and the alias becomes a `dependsOn`.
 */
export function entryValue(entry: IpSetEntryFields, ctx: BuildContext, literal: boolean): Value {
  const resolved = resolveEntry(entry.cidr, ctx.tables);
  if (literal && resolved.target) ctx.dependsOn.add(resolved.target);
  const cidr = literal ? entry.cidr : use(resolved, ctx);
  const nomatch = entry.nomatch !== undefined;
  if (!nomatch && entry.comment === undefined) return cidr;
  return {
    cidr,
    ...(nomatch ? { nomatch: true } : {}),
    ...(entry.comment === undefined ? {} : { comment: entry.comment }),
  };
}

/**
 * A scope's options as arguments (camelCase, booleans, numbers, `logRatelimit` as an object).
 * Options the resource has no argument for (e.g. a guest's `ips`) are left out and reported: the
 * resource would remove them.
 */
export function optionArgs(kind: OptionsScopeKind, options: Readonly<Record<string, string>>, ctx: BuildContext) {
  const known = canonicalOptions(kind, options);
  for (const key of Object.keys(options)) {
    if (!(key in known))
      ctx.warn(`option '${key}' has no argument in this package and is left out; the first up would remove it`);
  }
  const args = optionsFromWire(kind, options) as Record<string, Value | undefined>;
  if (typeof args.logRatelimit === "string") {
    ctx.warn(`option 'log_ratelimit: ${args.logRatelimit}' does not parse and is left out`);
    delete args.logRatelimit;
  }
  if (kind === "cluster" && Number(options.enable) > 1)
    ctx.warn(`option 'enable: ${options.enable}' is a pending anti-lockout timestamp; declared as enable: true (1)`);
  const checked = validateOptions(kind, args);
  if (!checked.ok) ctx.warn(`options: ${formatIssues(checked.issues)}`);
  return args;
}
