import type { FirewallApi } from "../client/firewall";
import { hasCode, InputError } from "../errors";
import { canonicalComment, type Issue } from "../model/common";
import { canonicalIpSet, canonicalIpSetEntry, IPSET_INPUT_KEYS, ipSetFromWire, validateIpSet } from "../model/ipset";
import { type Scope, scopeId } from "../model/scope";
import type { IpSetEntryFields } from "../model/wire";
import { planIpSetEntries } from "../plan/ipset";
import type { IpSetOp } from "../plan/ops";
import { MAX_REPLANS } from "./apply-rules";
import { derivedIssue, type InputSpec, splitInputs } from "./check-input";
import { entryLine } from "./describe";
import { listDigest } from "./digest";
import { containsUnknown, type KindContext, type KindImpl, type Props } from "./framework";
import { type Tally, WriteJournal } from "./journal";
import { objectId, parseObjectId } from "./object-id";
import { markOwner, ownerMark } from "./ownership";
import { checkScope, propsScope, scopeArgsOf, scopeReplaces } from "./scope-input";

/**
 * Entry-hashing budget for digest prediction (entries × guarded writes). Beyond it only the first
 * write carries a digest (the one read), so a mass edit of a huge set does not hash it thousands of times.
 */
const DIGEST_BUDGET = 2_000_000;

const byCidr = (a: IpSetEntryFields, b: IpSetEntryFields) => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0);

/** The digest Proxmox computes over a set's entries (sorted by cidr text; `nomatch` 1 or absent). */
function entriesDigest(entries: readonly IpSetEntryFields[]): string | undefined {
  if (entries.length === 0) return undefined;
  return listDigest([...entries].sort(byCidr).map((e) => ({ cidr: e.cidr, comment: e.comment, nomatch: e.nomatch })));
}

async function readEntries(api: FirewallApi, scope: Scope, name: string) {
  const { entries, digest } = await api.listIpSetEntries(scope, name);
  return { entries: entries.map((e) => canonicalIpSetEntry(e)), digest };
}

/**
 * Makes the entries of set `name` equal `desired`: adds first, then in-place updates, then deletes,
 * so the set is never emptied on an update; each PUT/DELETE carries the digest the set has at that
 * moment (predicted; within {@link DIGEST_BUDGET}). On a concurrent edit the set is re-read and
 * re-planned. Returns the number of writes.
 */
export async function applyIpSetEntries(
  api: FirewallApi,
  scope: Scope,
  name: string,
  desired: readonly IpSetEntryFields[],
  journal: WriteJournal = new WriteJournal(),
): Promise<number> {
  let writes = 0;
  for (let attempt = 1; ; attempt++) {
    const current = await readEntries(api, scope, name);
    const ops = planIpSetEntries(current.entries, desired);
    if (ops.length === 0) return writes;
    for (const op of ops) journal.expect(1, TALLY[op.kind]);
    const guarded = ops.filter((op) => op.kind !== "addEntry").length;
    const predict = guarded * (current.entries.length + ops.length) <= DIGEST_BUDGET;
    const state = new Map(current.entries.map((e) => [e.cidr, e]));
    let written = 0;
    const digestFor = (op: IpSetOp): string | undefined => {
      if (op.kind === "addEntry") return undefined; // an entry POST takes no digest
      if (written === 0) return current.digest; // the set as read, in file order
      return predict ? entriesDigest([...state.values()]) : undefined; // every save sorts by cidr
    };
    try {
      for (const op of ops) {
        const digest = digestFor(op);
        await journal.write(entryOpDone(op), () => sendEntryOp(api, scope, name, op, digest), TALLY[op.kind]);
        written++;
        writes++;
        applyEntryOp(state, op);
      }
      return writes;
    } catch (e) {
      if (hasCode(e, "FW_DIGEST_MISMATCH") && attempt < MAX_REPLANS) {
        for (const op of ops.slice(written)) journal.withdraw(1, TALLY[op.kind]);
        continue;
      }
      throw e;
    }
  }
}

/** Entry writes are summarised by kind: `added 120 of 2000 entries`. */
const TALLY: Readonly<Record<string, Tally>> = {
  addEntry: { key: "addEntry", verb: "added", singular: "entry", plural: "entries" },
  updateEntry: { key: "updateEntry", verb: "updated", singular: "entry", plural: "entries" },
  deleteEntry: { key: "deleteEntry", verb: "deleted", singular: "entry", plural: "entries" },
};

function entryOpDone(op: IpSetOp): string {
  if (op.kind === "addEntry") return `added entry ${op.entry.cidr}`;
  if (op.kind === "updateEntry") return `updated entry ${op.cidr}`;
  if (op.kind === "deleteEntry") return `deleted entry ${op.cidr}`;
  return op.kind;
}

function applyEntryOp(state: Map<string, IpSetEntryFields>, op: IpSetOp): void {
  if (op.kind === "addEntry") state.set(op.entry.cidr, op.entry);
  else if (op.kind === "updateEntry")
    state.set(op.cidr, canonicalIpSetEntry({ cidr: op.cidr, comment: op.comment, nomatch: op.nomatch }));
  else if (op.kind === "deleteEntry") state.delete(op.cidr);
}

function sendEntryOp(api: FirewallApi, scope: Scope, name: string, op: IpSetOp, digest: string | undefined) {
  switch (op.kind) {
    case "addEntry":
      return api.addIpSetEntry(scope, name, op.entry);
    case "updateEntry":
      return api.updateIpSetEntry(scope, name, op.cidr, { comment: op.comment, nomatch: op.nomatch === 1 }, digest);
    case "deleteEntry":
      return api.deleteIpSetEntry(scope, name, op.cidr, digest);
    default:
      throw new Error(`unexpected op ${op.kind} in an entry plan`);
  }
}

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

async function readSet(api: FirewallApi, scope: Scope, name: string): Promise<Props | undefined> {
  const sets = await api.listIpSets(scope);
  const set = sets.find((s) => s.name === name);
  if (!set) return undefined;
  const { entries, digest } = await readEntries(api, scope, name);
  const canonical = canonicalIpSet({ name, comment: set.comment, entries });
  return {
    scope: scopeArgsOf(scope),
    ...ipSetFromWire(canonical),
    ref: refOf(scope, name),
    digest: digest ?? "",
  };
}

/** The canonical inputs of read props: all but the digest (`ref` is derived from the inputs in `check`). */
function inputsOf(props: Props): Props {
  const { digest: _digest, ...inputs } = props;
  return inputs;
}

function entryOpPlanned(op: IpSetOp): string {
  if (op.kind === "addEntry") return `add entry ${entryLine(op.entry)}`;
  if (op.kind === "updateEntry")
    return `update entry ${entryLine({ cidr: op.cidr, nomatch: op.nomatch === 1 ? 1 : undefined, comment: op.comment || undefined })}`;
  if (op.kind === "deleteEntry") return `delete entry ${op.cidr}`;
  return op.kind;
}

/** The canonical set the (checked) props declare. */
function desiredOf(props: Props) {
  const result = validateIpSet({ name: props["name"], comment: props["comment"], entries: props["entries"] ?? [] });
  if (!result.ok) throw new InputError(result.issues[0]!.path, result.issues[0]!.reason);
  return result.value;
}

/** Sets the set's comment (a rename to the same name), when it differs; one write. */
async function setComment(ctx: KindContext, scope: Scope, name: string, comment: string | undefined): Promise<void> {
  const set = (await ctx.api.listIpSets(scope)).find((s) => s.name === name);
  if (set && canonicalComment(set.comment) === comment) return;
  ctx.journal.expect(1);
  await ctx.journal.write(comment === undefined ? "cleared the comment" : "set the comment", () =>
    ctx.api.renameIpSet(scope, name, name, comment ?? ""),
  );
}

/**
 * An IPSet and all its entries (`IpSet`). Entries are reconciled one by one (a 10,000-entry set
 * costs one or two calls per changed entry). A name or scope change is a create-before-delete
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

  async survey(ctx, inputs) {
    const scope = propsScope(inputs);
    const desired = desiredOf(inputs);
    const set = (await ctx.api.listIpSets(scope)).find((s) => s.name === desired.name);
    if (!set) return undefined;
    const { entries } = await readEntries(ctx.api, scope, desired.name);
    const comment = canonicalComment(set.comment);
    const plan = planIpSetEntries(entries, desired.entries);
    const wanted = new Set(desired.entries.map(entryLine));
    const n = entries.length;
    return {
      headline: `ipset '${desired.name}' already exists in ${scopeId(scope)} with ${n} ${n === 1 ? "entry" : "entries"}${comment ? ` (comment: ${comment})` : ""}`,
      items: [...entries].sort(byCidr).map(entryLine),
      mark: markOwner(comment),
      equal: comment === desired.comment && plan.length === 0,
      subset: entries.every((e) => wanted.has(entryLine(e))),
      changes: [
        ...(comment === desired.comment ? [] : [`set the comment to ${JSON.stringify(desired.comment ?? "")}`]),
        ...plan.map(entryOpPlanned),
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
    if (intent.mode === "new") {
      const comment = mark ? ownerMark(intent.owner!) : desired.comment;
      ctx.journal.expect(1);
      await ctx.journal.write(`created the set${mark ? " marked as being created by this resource" : ""}`, () =>
        ctx.api.createIpSet(scope, name, comment),
      );
    }
    await applyIpSetEntries(ctx.api, scope, name, desired.entries, ctx.journal);
    if (mark || intent.mode !== "new") await setComment(ctx, scope, name, desired.comment);
    return (await readSet(ctx.api, scope, name)) ?? {};
  },

  async read(ctx, id, props) {
    const target =
      props?.["scope"] !== undefined
        ? { scope: propsScope(props), name: String(props["name"]) }
        : parseObjectId(id, "ipset");
    if (!target) return undefined;
    const props2 = await readSet(ctx.api, target.scope, target.name);
    return props2 && { props: props2, inputs: inputsOf(props2) };
  },

  async update(ctx, _id, olds, news) {
    const scope = propsScope(news);
    const desired = desiredOf(news);
    if ((olds["comment"] ?? "") !== (desired.comment ?? ""))
      await setComment(ctx, scope, desired.name, desired.comment);
    await applyIpSetEntries(ctx.api, scope, desired.name, desired.entries, ctx.journal);
    return (await readSet(ctx.api, scope, desired.name)) ?? {};
  },

  async delete(ctx, _id, olds) {
    const name = String(olds["name"]);
    try {
      ctx.journal.expect(1);
      await ctx.journal.write(`deleted the set`, () => ctx.api.deleteIpSet(propsScope(olds), name, { force: true }));
    } catch (e) {
      if (!hasCode(e, "FW_NOT_FOUND")) throw e; // already gone: the goal of a delete
    }
  },
};
