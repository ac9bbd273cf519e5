import type { FirewallApi } from "../client/firewall";
import { InputError } from "../errors";
import { ALIAS_INPUT_KEYS, aliasFromWire, canonicalAlias, validateAlias } from "../model/alias";
import type { Issue } from "../model/common";
import { type Scope, scopeId } from "../model/scope";
import { type AliasFields, isNamedAlias } from "../model/wire";
import { derivedIssue, type InputSpec, splitInputs } from "./check-input";
import { containsUnknown, type KindContext, type KindImpl, type Props, sameValue } from "./framework";
import { writeWithListDigest } from "./list-write";
import { objectId, parseObjectId } from "./object-id";
import { checkScope, propsScope, scopeArgsOf, scopeReplaces } from "./scope-input";

function refOf(scope: Scope, name: string): string {
  return scope.kind === "vm" ? `guest/${name}` : `dc/${name}`;
}

/**
 * The alias `name` (case-insensitive, as Proxmox compares them) with the list digest. The nameless
 * alias Proxmox keeps for an `[ALIASES]` line it could not parse is never found: no name matches
 * it, no resource holds it, and it is never written or deleted.
 */
async function findAlias(api: FirewallApi, scope: Scope, name: string) {
  const aliases = (await api.listAliases(scope)).filter(isNamedAlias);
  const found = aliases.find((a) => a.name.toLowerCase() === name.toLowerCase());
  return found && { alias: canonicalAlias(found), digest: found.digest };
}

/** The props of this alias (canonical): what {@link readAlias} returns for it. */
function aliasProps(scope: Scope, alias: AliasFields): Props {
  return { scope: scopeArgsOf(scope), ...aliasFromWire(alias), ref: refOf(scope, alias.name) };
}

/** The alias as it is: one GET of the scope's aliases. */
async function readAlias(api: FirewallApi, scope: Scope, name: string): Promise<Props | undefined> {
  const found = await findAlias(api, scope, name);
  return found && aliasProps(scope, found.alias);
}

function desiredOf(props: Props) {
  const result = validateAlias({ name: props["name"], cidr: props["cidr"], comment: props["comment"] });
  if (!result.ok) throw new InputError(result.issues[0]!.path, result.issues[0]!.reason);
  return result.value;
}

/** `office = 192.0.2.0/24 # comment`. */
function aliasLine(alias: AliasFields): string {
  return `${alias.name} = ${alias.cidr}${alias.comment ? ` # ${alias.comment}` : ""}`;
}

/**
 * Replaces the alias now named `from` (any case) with `alias`, guarded by the list digest and
 * re-read on a concurrent edit (see {@link writeWithListDigest}). No write when it already equals `alias`. A write of unknown
 * outcome is settled by reading the aliases (it landed when the alias equals `alias`).
 */
function putAlias(ctx: KindContext, scope: Scope, from: string, alias: AliasFields): Promise<void> {
  return writeWithListDigest(ctx, scope, async (attempt) => {
    const current = await findAlias(ctx.api, scope, from);
    if (!current) throw new InputError("name", `alias '${from}' no longer exists in ${scopeId(scope)}; run a refresh`);
    if (sameValue(current.alias, alias)) return;
    // PUT rebuilds the alias from its parameters (cidr required, omitted comment cleared) and
    // stores the name in the case of the URL, so a case-only rename is this same call.
    if (attempt === 1) ctx.journal.expect(1);
    await ctx.journal.writeSettled(
      `updated alias ${alias.name}`,
      () => ctx.api.updateAlias(scope, alias.name, { cidr: alias.cidr, comment: alias.comment ?? "" }, current.digest),
      async () => sameValue((await findAlias(ctx.api, scope, alias.name))?.alias, alias),
    );
  });
}

const ALIAS_INPUTS: InputSpec = {
  resource: "Alias",
  fields: ALIAS_INPUT_KEYS,
  outputs: [],
  derived: ["ref"],
  scope: true,
};

/**
 * An IP alias (`Alias`). A name change (other than its case) or a scope change is a
 * create-before-delete replacement, because Proxmox does not rewrite rule references on rename:
 * the new alias exists before rules referencing it (through `ref`) are updated.
 */
export const aliasKind: KindImpl = {
  noun: "alias",
  compared: ["scope", "name", "cidr", "comment"],

  check(news) {
    const split = splitInputs(news, ALIAS_INPUTS);
    const scope = checkScope(news["scope"], ["cluster", "vm"]);
    const raw = split.fields;
    const top = [...split.issues, ...scope.issues];
    if (containsUnknown(raw)) return { inputs: { ...split.common, ...raw, scope: scope.args }, issues: top };
    const result = validateAlias(raw);
    const issues: Issue[] = [...top, ...(result.ok ? [] : result.issues)];
    if (!result.ok) return { inputs: news, issues };
    // `ref` is derived here, so a preview knows it even while the alias itself is being updated.
    const ref = scope.scope && refOf(scope.scope, result.value.name);
    const refIssue = derivedIssue(ALIAS_INPUTS, "ref", split.derived["ref"], ref);
    if (refIssue) return { inputs: news, issues: [...issues, refIssue] };
    return {
      inputs: { ...split.common, scope: scope.args, ...aliasFromWire(result.value), ref },
      issues,
      warnings: result.warnings,
    };
  },

  idOf(inputs) {
    return objectId(propsScope(inputs), "alias", String(inputs["name"]));
  },

  replaces(olds, news) {
    const renamed = String(olds["name"]).toLowerCase() !== String(news["name"]).toLowerCase();
    return [...scopeReplaces(olds, news), ...(renamed ? ["name"] : [])];
  },
  deleteBeforeReplace: () => false,
  declares: (inputs) => ({ kind: "alias", scope: propsScope(inputs), name: String(inputs["name"]) }),

  async survey(ctx, inputs) {
    const scope = propsScope(inputs);
    const alias = desiredOf(inputs);
    const found = await findAlias(ctx.api, scope, alias.name);
    if (!found) return undefined;
    const equal = sameValue(found.alias, alias);
    return {
      headline: `alias '${found.alias.name}' already exists in ${scopeId(scope)}`,
      items: [aliasLine(found.alias)],
      mark: undefined,
      equal,
      subset: false,
      changes: equal ? [] : [`update alias: ${aliasLine(found.alias)} => ${aliasLine(alias)}`],
    };
  },

  /**
   * One POST; an adopted alias is updated in place when it differs (one PUT), else left alone. The
   * outputs are the alias as written (Proxmox stores a POSTed or PUT alias exactly as sent, in the
   * canonical form), so no read follows.
   */
  async create(ctx, inputs, intent) {
    const scope = propsScope(inputs);
    const alias = desiredOf(inputs);
    const found = intent.mode === "adopt" ? await findAlias(ctx.api, scope, alias.name) : undefined;
    if (found) await putAlias(ctx, scope, found.alias.name, alias);
    else {
      ctx.journal.expect(1);
      await ctx.journal.writeSettled(
        `created alias ${alias.name}`,
        () => ctx.api.createAlias(scope, alias),
        async () => sameValue((await findAlias(ctx.api, scope, alias.name))?.alias, alias),
      );
    }
    return aliasProps(scope, alias);
  },

  async read(ctx, id, props) {
    const target =
      props?.["scope"] !== undefined
        ? { scope: propsScope(props), name: String(props["name"]) }
        : parseObjectId(id, "alias");
    if (!target) return undefined;
    const found = await readAlias(ctx.api, target.scope, target.name);
    if (!found) return undefined;
    return { props: found, inputs: found };
  },

  async update(ctx, _id, olds, news) {
    const scope = propsScope(news);
    const alias = desiredOf(news);
    await putAlias(ctx, scope, String(olds["name"]), alias);
    return aliasProps(scope, alias);
  },

  async delete(ctx, _id, olds) {
    const scope = propsScope(olds);
    const name = String(olds["name"]);
    ctx.journal.expect(1);
    await ctx.journal.writeSettled(
      `deleted alias ${name}`,
      () => ctx.api.deleteAlias(scope, name),
      async () => (await findAlias(ctx.api, scope, name)) === undefined,
    );
  },
};
