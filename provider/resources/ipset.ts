import type { FirewallApi } from "../client/firewall";
import { hasCode, InputError } from "../errors";
import type { Issue } from "../model/common";
import { canonicalIpSet, canonicalIpSetEntry, IPSET_INPUT_KEYS, ipSetFromWire, validateIpSet } from "../model/ipset";
import { type Scope, scopeId } from "../model/scope";
import type { IpSetEntryFields } from "../model/wire";
import { planIpSetEntries } from "../plan/ipset";
import type { IpSetOp } from "../plan/ops";
import { MAX_REPLANS } from "./apply-rules";
import { derivedIssue, type InputSpec, splitInputs } from "./check-input";
import { listDigest } from "./digest";
import { containsUnknown, type KindImpl, type Props } from "./framework";
import { objectId, parseObjectId } from "./object-id";
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
): Promise<number> {
  let writes = 0;
  for (let attempt = 1; ; attempt++) {
    const current = await readEntries(api, scope, name);
    const ops = planIpSetEntries(current.entries, desired);
    if (ops.length === 0) return writes;
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
        await sendEntryOp(api, scope, name, op, digest);
        written++;
        writes++;
        applyEntryOp(state, op);
      }
      return writes;
    } catch (e) {
      if (hasCode(e, "FW_DIGEST_MISMATCH") && attempt < MAX_REPLANS) continue;
      throw e;
    }
  }
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

/** The set's own properties of checked props (what its model validates). */
function setFields(props: Props): Props {
  return { name: props["name"], comment: props["comment"], entries: props["entries"] };
}

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

/**
 * An IPSet and all its entries (`IpSet`). Entries are reconciled one by one (a 10,000-entry set
 * costs one or two calls per changed entry). A name or scope change is a create-before-delete
 * replacement, because Proxmox does not rewrite `+old` references: the new set exists before the
 * rules referencing it (through `ref`) are updated, and the old one is deleted last.
 */
export const ipSetKind: KindImpl = {
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

  async create(ctx, inputs) {
    const scope = propsScope(inputs);
    const name = String(inputs["name"]);
    const desired = validateIpSet(setFields(inputs));
    if (!desired.ok) throw new InputError(desired.issues[0]!.path, desired.issues[0]!.reason);
    if ((await ctx.api.listIpSets(scope)).some((s) => s.name === name))
      throw new InputError(
        "name",
        `ipset '${name}' already exists in ${scopeId(scope)}; adopt it with IpSet.get(name, "${objectId(scope, "ipset", name)}") or import it`,
      );
    await ctx.api.createIpSet(scope, name, desired.value.comment);
    await applyIpSetEntries(ctx.api, scope, name, desired.value.entries);
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
    const name = String(news["name"]);
    const desired = validateIpSet(setFields(news));
    if (!desired.ok) throw new InputError(desired.issues[0]!.path, desired.issues[0]!.reason);
    if ((olds["comment"] ?? "") !== (desired.value.comment ?? ""))
      await ctx.api.renameIpSet(scope, name, name, desired.value.comment ?? "");
    await applyIpSetEntries(ctx.api, scope, name, desired.value.entries);
    return (await readSet(ctx.api, scope, name)) ?? {};
  },

  async delete(ctx, _id, olds) {
    try {
      await ctx.api.deleteIpSet(propsScope(olds), String(olds["name"]), { force: true });
    } catch (e) {
      if (!hasCode(e, "FW_NOT_FOUND")) throw e; // already gone: the goal of a delete
    }
  },
};
