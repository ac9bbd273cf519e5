import type { FirewallApi } from "../client/firewall";
import { mayHaveApplied } from "../client/http";
import { hasCode } from "../errors";
import type { Issue } from "../model/common";
import {
  canonicalOptions,
  OPTIONS_RESOURCE,
  OPTIONS_SCHEMAS,
  type OptionsScopeKind,
  optionKeyReason,
  optionsFromWire,
  optionsToWire,
  validateOptions,
} from "../model/options";
import { parseScopeId, type Scope, scopeId } from "../model/scope";
import type { WireOptions } from "../model/wire";
import type { OptionsOp } from "../plan/ops";
import { planOptions } from "../plan/options";
import { MAX_REPLANS } from "./apply-rules";
import { type InputSpec, splitInputs } from "./check-input";
import { optionsDigest } from "./digest";
import { containsUnknown, type KindContext, type KindImpl, type Props } from "./framework";
import { WriteJournal } from "./journal";
import { confirmEnable, durableOptions, enablesFirewall, TENTATIVE_NOTE, tentativeEnable } from "./safe-enable";
import { checkScope, propsScope, scopeArgsOf, scopeReplaces } from "./scope-input";

/** Props that are not options: the scope, the cluster selector and outputs. */
const NOT_OPTIONS = new Set(["scope", "cluster", "digest", "enforced", "enforcementReasons", "__provider"]);

function optionFields(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([k, v]) => !NOT_OPTIONS.has(k) && v !== undefined));
}

/** A scope's options: as stored (`raw`, what the digest covers), in canonical wire form, and the digest. */
interface OptionsState {
  readonly raw: Readonly<Record<string, unknown>>;
  readonly options: Record<string, string | number>;
  readonly digest: string;
}

/** Reads a scope's options in canonical wire form (an unconfirmed `enable` timestamp as 0), with their digest. One GET. */
async function readOptions(api: FirewallApi, kind: OptionsScopeKind, scope: Scope): Promise<OptionsState> {
  const { options, digest } = await api.getOptions(scope);
  return { raw: options, options: durableOptions(kind, canonicalOptions(kind, options)), digest };
}

/**
 * The options after a PUT of `set` and `delete` was applied to `current`: Proxmox removes `delete`,
 * stores each sent value as sent, and the digest is the hash of the result (BEHAVIOR.md §3, §7).
 */
function afterPut(kind: OptionsScopeKind, current: OptionsState, op: OptionsOp): OptionsState {
  const raw: Record<string, unknown> = { ...current.raw };
  for (const key of op.delete) delete raw[key];
  for (const [key, value] of Object.entries(op.set)) raw[key] = String(value);
  return { raw, options: durableOptions(kind, canonicalOptions(kind, raw as WireOptions)), digest: optionsDigest(raw) };
}

/**
 * Makes a scope's options equal `desired` (canonical wire form) with at most one PUT carrying only
 * the changed values and `delete` for the rest, guarded by the options digest; on a concurrent edit
 * the options are re-read and re-planned. Turning the cluster firewall on takes Proxmox's two-step
 * safe enable (`safe-enable.ts`): one more write, after a new connection has reached the API. The
 * result is what a read would return: after the PUTs whose digest Proxmox checked, it is derived
 * from the options read before them, so a change costs one read. A PUT of unknown outcome (no
 * answer, an unclear 5xx) is settled by reading the options again: it landed when they are as the
 * PUT leaves them; if not, it is planned again, within {@link WriteJournal.allowRetry}'s bound.
 */
export async function applyOptions(
  api: FirewallApi,
  kind: OptionsScopeKind,
  scope: Scope,
  desired: Record<string, string | number>,
  journal: WriteJournal = new WriteJournal(),
): Promise<{ options: Record<string, string | number>; digest: string }> {
  let current = await readOptions(api, kind, scope);
  for (let mismatches = 0; ; ) {
    const [op] = planOptions(current.options, desired);
    if (!op) return current;
    const twoStep = kind === "cluster" && enablesFirewall(current.options, op);
    const sent = twoStep ? tentativeEnable(op) : op;
    journal.expect(twoStep ? 2 : 1);
    const text = `set ${optionChanges(sent).join(", ")}${twoStep ? TENTATIVE_NOTE : ""}`;
    try {
      await journal.write(text, () =>
        api.setOptions(scope, sent.set, { delete: [...sent.delete], digest: current.digest }),
      );
      // The confirming PUT stores `enable=1`: the options end as `op` leaves them.
      if (twoStep) await confirmEnable(api, journal);
      return afterPut(kind, current, op);
    } catch (e) {
      if (hasCode(e, "FW_DIGEST_MISMATCH") && ++mismatches < MAX_REPLANS) {
        journal.withdraw(twoStep ? 2 : 1);
        current = await readOptions(api, kind, scope);
        continue;
      }
      if (!mayHaveApplied(e)) throw e;
      const before = current;
      current = await readOptions(api, kind, scope);
      const after = afterPut(kind, before, op);
      journal.settle(
        text,
        current.digest === after.digest ? true : current.digest === before.digest ? false : undefined,
      );
      journal.allowRetry(e);
    }
  }
}

/** `policy_in=DROP`, `log_level_in removed`: one phrase per changed option. */
function optionChanges(op: { set: Readonly<Record<string, string | number>>; delete: readonly string[] }): string[] {
  return [...Object.entries(op.set).map(([k, v]) => `${k}=${v}`), ...op.delete.map((k) => `${k} removed`)];
}

/**
 * Whether a guest's firewall filters traffic now, and why not, given the guest's options (as read
 * or just written): reads the cluster options and the guest's config (one GET each).
 */
export async function guestEnforcement(
  api: FirewallApi,
  scope: Extract<Scope, { kind: "vm" }>,
  guest: Readonly<Record<string, string | number>>,
) {
  const reasons: string[] = [];
  const cluster = await api.getOptions({ kind: "cluster" });
  // A value > 1 is the GUI's enable-with-timeout handshake: enabled while it is fresh.
  if (!(Number(cluster.options["enable"] ?? 0) >= 1)) reasons.push("cluster firewall is disabled");
  if (Number(guest["enable"] ?? 0) !== 1) reasons.push("guest firewall is disabled");
  try {
    const config = await api.getGuestConfig(scope.node, scope.guestType, scope.vmid);
    const nics = Object.entries(config).filter(([k]) => /^net\d+$/.test(k));
    if (nics.length === 0) reasons.push("guest has no network interface");
    else if (!nics.some(([, v]) => /(^|,)firewall=1(,|$)/.test(String(v))))
      reasons.push("no network interface has firewall=1");
  } catch (e) {
    if (!hasCode(e, "FW_NOT_FOUND")) throw e;
    reasons.push(`guest ${scope.guestType}/${scope.vmid} not found on node ${scope.node}`);
  }
  return { enforced: reasons.length === 0, enforcementReasons: reasons };
}

const SCOPE_OF: Record<OptionsScopeKind, Scope["kind"]> = { cluster: "cluster", node: "node", vm: "vm", vnet: "vnet" };

/**
 * The options of one scope kind (`ClusterFirewallOptions`, `NodeFirewallOptions`,
 * `GuestFirewallOptions`, `VnetFirewallOptions`). Authoritative for the scope's `[OPTIONS]`: an option
 * left out of the program is removed (Proxmox default); deleting the resource removes every option.
 */
export function optionsKind(kind: OptionsScopeKind): KindImpl {
  const fields = Object.keys(OPTIONS_SCHEMAS[kind].shape);
  const inputs: InputSpec = {
    resource: OPTIONS_RESOURCE[kind],
    fields,
    outputs: kind === "vm" ? ["digest", "enforced", "enforcementReasons"] : ["digest"],
    scope: true,
    unknown: (key) => optionKeyReason(kind, key),
  };

  const state = async (api: FirewallApi, scope: Scope, options: Record<string, string | number>, digest: string) => {
    const props: Props = { scope: scopeArgsOf(scope), ...optionsFromWire(kind, options), digest };
    return scope.kind === "vm" ? { ...props, ...(await guestEnforcement(api, scope, options)) } : props;
  };

  const desiredOf = (props: Props) => canonicalOptions(kind, optionsToWire(kind, optionFields(props)));

  /** Create and update are the same: make the scope's options equal the props' (authoritative). */
  const apply = async (ctx: KindContext, props: Props) => {
    const scope = propsScope(props);
    const applied = await applyOptions(ctx.api, kind, scope, desiredOf(props), ctx.journal);
    return state(ctx.api, scope, applied.options, applied.digest);
  };

  return {
    noun: "options of",
    compared: ["scope", ...fields],

    check(news) {
      const split = splitInputs(news, inputs);
      const scope = checkScope(news["scope"], [SCOPE_OF[kind]]);
      const given = split.fields;
      const known = Object.fromEntries(Object.entries(given).filter(([, v]) => !containsUnknown(v)));
      const result = validateOptions(kind, known);
      const issues: Issue[] = [...split.issues, ...scope.issues, ...(result.ok ? [] : result.issues)];
      if (!result.ok || issues.length > 0) return { inputs: news, issues };
      const unknown = Object.fromEntries(Object.entries(given).filter(([, v]) => containsUnknown(v)));
      return {
        inputs: { ...split.common, scope: scope.args, ...optionsFromWire(kind, result.value), ...unknown },
        issues,
      };
    },

    idOf(inputs) {
      return scopeId(propsScope(inputs));
    },

    replaces: scopeReplaces,
    deleteBeforeReplace: () => false,

    async survey(ctx, inputs) {
      const scope = propsScope(inputs);
      const current = await readOptions(ctx.api, kind, scope);
      const set = Object.entries(current.options);
      if (set.length === 0) return undefined;
      const [op] = planOptions(current.options, desiredOf(inputs));
      return {
        headline: `options of ${scopeId(scope)} are already set (${set.length} ${set.length === 1 ? "option" : "options"})`,
        items: set.map(([k, v]) => `${k}: ${v}`),
        mark: undefined,
        equal: op === undefined,
        subset: false,
        changes: op ? [`set ${optionChanges(op).join(", ")}`] : [],
      };
    },

    /** One PUT at most, also when options are taken over (`adopt`): only what differs is sent. */
    create: (ctx, inputs) => apply(ctx, inputs),

    async read(ctx, id, props) {
      const scope = props?.["scope"] !== undefined ? propsScope(props) : parseScopeId(id);
      if (!scope || scope.kind !== SCOPE_OF[kind]) return undefined;
      const current = await readOptions(ctx.api, kind, scope);
      const out = await state(ctx.api, scope, current.options, current.digest);
      return { props: out, inputs: { scope: scopeArgsOf(scope), ...optionsFromWire(kind, current.options) } };
    },

    update: (ctx, _id, _olds, news) => apply(ctx, news),

    async delete(ctx, _id, olds) {
      await applyOptions(ctx.api, kind, propsScope(olds), {}, ctx.journal);
    },
  };
}
