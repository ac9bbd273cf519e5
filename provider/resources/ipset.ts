import type { FirewallApi } from "../client/firewall";
import { hasCode, InputError } from "../errors";
import { canonicalComment, type Issue } from "../model/common";
import { canonicalIpSet, IPSET_INPUT_KEYS, ipSetFromWire, validateIpSet } from "../model/ipset";
import { type Scope, scopeId } from "../model/scope";
import { planIpSetEntries } from "../plan/ipset";
import { derivedIssue, type InputSpec, splitInputs } from "./check-input";
import { entryLine, entryPlanLines } from "./describe";
import { containsUnknown, type KindContext, type KindImpl, type Props } from "./framework";
import { applyIpSetEntries } from "./ipset-entries";
import { type EntryList, flaggedWarning, readEntries } from "./ipset-flagged";
import { objectId, parseObjectId } from "./object-id";
import { markOwner, ownerMark } from "./ownership";
import { checkScope, propsScope, scopeArgsOf, scopeReplaces } from "./scope-input";

const IPSET_INPUTS: InputSpec = {
  resource: "IpSet",
  fields: IPSET_INPUT_KEYS,
  outputs: ["digest"],
  derived: ["ref"],
  scope: true,
};

/** Entries as the user may write them: a bare string is `{ cidr }`. */
function entryObjects(entries: unknown): unknown {
  return Array.isArray(entries) ? entries.map((e) => (typeof e === "string" ? { cidr: e } : e)) : entries;
}

function refOf(scope: Scope, name: string): string {
  return scope.kind === "vm" ? `+guest/${name}` : `+dc/${name}`;
}

/**
 * The props of a set with this comment and these entries: what {@link readSet} returns for it. The
 * entries are the resource's own: those Proxmox flags are not part of the state (the digest, an
 * output, still covers them).
 */
function setProps(scope: Scope, name: string, comment: string | undefined, list: EntryList): Props {
  const canonical = canonicalIpSet({ name, comment, entries: list.entries });
  return { scope: scopeArgsOf(scope), ...ipSetFromWire(canonical), ref: refOf(scope, name), digest: list.digest ?? "" };
}

/** Reports, once, the entries Proxmox flags in a set just read (see `ipset-flagged.ts`). */
function warnFlagged(ctx: KindContext, scope: Scope, name: string, list: EntryList): void {
  const line = flaggedWarning(`${scopeId(scope)}/ipset/${name}`, list.flagged);
  if (line) ctx.warn(line);
}

/** The set as it is: one GET of the scope's sets, one of its entries. */
async function readSet(ctx: KindContext, scope: Scope, name: string): Promise<Props | undefined> {
  const sets = await ctx.api.listIpSets(scope);
  const set = sets.find((s) => s.name === name);
  if (!set) return undefined;
  const list = await readEntries(ctx.api, scope, name);
  warnFlagged(ctx, scope, name, list);
  return setProps(scope, name, set.comment, list);
}

/** The canonical inputs of read props: all but the digest (`ref` is derived from the inputs in `check`). */
function inputsOf(props: Props): Props {
  const { digest: _digest, ...inputs } = props;
  return inputs;
}

/** The canonical set the (checked) props declare. */
function desiredOf(props: Props) {
  const result = validateIpSet({ name: props["name"], comment: props["comment"], entries: props["entries"] ?? [] });
  if (!result.ok) throw new InputError(result.issues[0]!.path, result.issues[0]!.reason);
  return result.value;
}

/** The comment of set `name` in canonical form, or `null` when there is no such set. */
async function commentOf(api: FirewallApi, scope: Scope, name: string): Promise<string | undefined | null> {
  const set = (await api.listIpSets(scope)).find((s) => s.name === name);
  return set ? canonicalComment(set.comment) : null;
}

/**
 * Sets the set's comment (a rename to the same name), when it differs; one read, one write. With
 * `announced`, the caller has already counted that write among the planned ones (a create's last
 * write), and it is withdrawn when it turns out not to be needed.
 */
async function setComment(
  ctx: KindContext,
  scope: Scope,
  name: string,
  comment: string | undefined,
  announced = false,
): Promise<void> {
  if ((await commentOf(ctx.api, scope, name)) === comment) {
    if (announced) ctx.journal.withdraw(1);
    return;
  }
  if (!announced) ctx.journal.expect(1);
  await ctx.journal.writeSettled(
    comment === undefined ? "cleared the comment" : "set the comment",
    () => ctx.api.renameIpSet(scope, name, name, comment ?? ""),
    async () => (await commentOf(ctx.api, scope, name)) === comment,
  );
}

/**
 * An IPSet and all its entries (`IpSet`). Entries are reconciled one by one (a 10,000-entry set
 * costs one or two calls per changed entry), see {@link applyIpSetEntries}; a create or update
 * returns what a read would, derived from its writes (reads: at most 2 for an entry edit). A name or scope change is a create-before-delete
 * replacement, because Proxmox does not rewrite `+old` references: the new set exists before the
 * rules referencing it (through `ref`) are updated, and the old one is deleted last.
 */
export const ipSetKind: KindImpl = {
  noun: "ipset",
  compared: ["scope", "name", "comment", "entries"],

  check(news) {
    const split = splitInputs(news, IPSET_INPUTS);
    const scope = checkScope(news["scope"], ["cluster", "vm"]);
    const raw = split.fields;
    const top = [...split.issues, ...scope.issues];
    if (containsUnknown(raw))
      return {
        inputs: { ...split.common, ...raw, scope: scope.args, entries: entryObjects(raw["entries"] ?? []) },
        issues: top,
      };
    const result = validateIpSet(raw);
    const issues: Issue[] = [...top, ...(result.ok ? [] : result.issues)];
    if (!result.ok) return { inputs: news, issues };
    // `ref` is derived here, so a preview knows it even while the set itself is being updated.
    const ref = scope.scope && refOf(scope.scope, result.value.name);
    const refIssue = derivedIssue(IPSET_INPUTS, "ref", split.derived["ref"], ref);
    if (refIssue) return { inputs: news, issues: [...issues, refIssue] };
    return {
      inputs: { ...split.common, scope: scope.args, ...ipSetFromWire(result.value), ref },
      issues,
      warnings: result.warnings,
    };
  },

  idOf(inputs) {
    return objectId(propsScope(inputs), "ipset", String(inputs["name"]));
  },

  replaces(olds, news) {
    return [...scopeReplaces(olds, news), ...(olds["name"] === news["name"] ? [] : ["name"])];
  },
  deleteBeforeReplace: () => false,
  declares: (inputs) => ({ kind: "ipset", scope: propsScope(inputs), name: String(inputs["name"]) }),

  async survey(ctx, inputs) {
    const scope = propsScope(inputs);
    const desired = desiredOf(inputs);
    const set = (await ctx.api.listIpSets(scope)).find((s) => s.name === desired.name);
    if (!set) return undefined;
    const list = await readEntries(ctx.api, scope, desired.name);
    warnFlagged(ctx, scope, desired.name, list);
    const { entries } = list;
    const comment = canonicalComment(set.comment);
    const plan = planIpSetEntries(entries, desired.entries);
    const wanted = new Set(desired.entries.map(entryLine));
    const n = entries.length;
    const f = list.flagged.length;
    const flagged = f === 0 ? "" : ` (and ${f} that Proxmox flags, which are left alone)`;
    return {
      headline: `ipset '${desired.name}' already exists in ${scopeId(scope)} with ${n} ${n === 1 ? "entry" : "entries"}${flagged}${comment ? ` (comment: ${comment})` : ""}`,
      items: entries.map(entryLine),
      mark: markOwner(comment),
      equal: comment === desired.comment && plan.length === 0,
      subset: entries.every((e) => wanted.has(entryLine(e))),
      changes: [
        ...(comment === desired.comment ? [] : [`set the comment to ${JSON.stringify(desired.comment ?? "")}`]),
        ...entryPlanLines(entries, plan),
      ],
    };
  },

  /**
   * A new set with entries is created carrying the ownership mark as its comment, filled, and given
   * its real comment by a last write (one extra write; a set without entries is one write). A
   * half-made set of this resource is filled and finished the same way; an adopted set is
   * reconciled like an update.
   */
  async create(ctx, inputs, intent) {
    const scope = propsScope(inputs);
    const desired = desiredOf(inputs);
    const name = desired.name;
    const mark = intent.mode !== "adopt" && intent.owner !== undefined && desired.entries.length > 0;
    // the last write, which replaces the mark by the real comment, is planned from the start, so a
    // failure on the way counts it among the writes not done
    if (mark) ctx.journal.expect(1);
    if (intent.mode === "new") {
      const comment = mark ? ownerMark(intent.owner!) : desired.comment;
      ctx.journal.expect(1);
      await ctx.journal.writeSettled(
        `created the set${mark ? " marked as being created by this resource" : ""}`,
        () => ctx.api.createIpSet(scope, name, comment),
        async () => (await commentOf(ctx.api, scope, name)) === canonicalComment(comment),
      );
    }
    // A set this create made is empty: the entries are added without a first read, then read once.
    const known = intent.mode === "new" ? { entries: [], flagged: [], digest: undefined } : undefined;
    const list = await applyIpSetEntries(ctx.api, scope, name, desired.entries, { journal: ctx.journal, known });
    if (mark || intent.mode !== "new") await setComment(ctx, scope, name, desired.comment, mark);
    return setProps(scope, name, desired.comment, list);
  },

  async read(ctx, id, props) {
    const target =
      props?.["scope"] !== undefined
        ? { scope: propsScope(props), name: String(props["name"]) }
        : parseObjectId(id, "ipset");
    if (!target) return undefined;
    const props2 = await readSet(ctx, target.scope, target.name);
    return props2 && { props: props2, inputs: inputsOf(props2) };
  },

  /**
   * Reconciles the entries (their first read reports the entries Proxmox flags, and refuses, before
   * any write, a declared entry only a flagged one holds), then the comment.
   */
  async update(ctx, _id, olds, news) {
    const scope = propsScope(news);
    const desired = desiredOf(news);
    const known = await readEntries(ctx.api, scope, desired.name);
    warnFlagged(ctx, scope, desired.name, known);
    const list = await applyIpSetEntries(ctx.api, scope, desired.name, desired.entries, {
      journal: ctx.journal,
      known,
    });
    if ((olds["comment"] ?? "") !== (desired.comment ?? ""))
      await setComment(ctx, scope, desired.name, desired.comment);
    return setProps(scope, desired.name, desired.comment, list);
  },

  async delete(ctx, _id, olds) {
    const scope = propsScope(olds);
    const name = String(olds["name"]);
    try {
      ctx.journal.expect(1);
      await ctx.journal.writeSettled(
        `deleted the set`,
        () => ctx.api.deleteIpSet(scope, name, { force: true }),
        async () => (await commentOf(ctx.api, scope, name)) === null,
      );
    } catch (e) {
      if (!hasCode(e, "FW_NOT_FOUND")) throw e; // already gone: the goal of a delete
    }
  },
};
