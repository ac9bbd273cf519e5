/**
 * The steps a deployment plans and applies, the context every operation shares, and the engine's
 * diff rules the runner reproduces (`applyReplaceOnChanges`, the DIFF_UNKNOWN fallback).
 */
import { urnName } from "./aliases";
import { parsePropertyPath, pathContains } from "./property-path";
import { changedKeys, type Props, unknownValue } from "./props";
import type { DiffResult, ProviderHost } from "./provider-host";
import type { PendingOperation, ResourceState, StackState } from "./state";

/**
 * What a step does. `refresh` is a read that found drift; `same` changes nothing; `read` records an
 * object read with `Resource.get`; `discard` drops such a record (the object is left alone).
 */
export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "refresh" | "read" | "discard";

/** One planned or applied step. */
export interface Step {
  readonly op: StepOp;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Changed (update, refresh) or replacement-forcing (replace) property names. */
  readonly keys: readonly string[];
  readonly deleteBeforeReplace?: boolean;
  /**
   * A delete or replace of a resource whose old state has `retainOnDelete`: the object stays on the
   * server (the engine's `[retain]` flag, `addRetainStatusFlag` in pkg/backend/display).
   */
  readonly retainOnDelete?: boolean;
  /** Old and new values (inputs; outputs for a refresh), for `--diff`. */
  readonly olds?: Props;
  readonly news?: Props;
}

/** Receives steps as they are planned (`plan`), started (`start`) and finished (`done`). */
export interface StepReporter {
  step(step: Step, phase: "plan" | "start" | "done"): void;
}

/** Context shared by every operation. `save` is absent in preview (nothing is written or changed). */
export interface DeployContext {
  readonly host: ProviderHost;
  readonly report: StepReporter;
  readonly save?: (state: StackState) => void;
  /** A warning or note about one resource (`urn`), shown once. */
  readonly warn: (urn: string, message: string) => void;
}

/** Whether a type is served by Pulumi's dynamic provider (`pulumi-nodejs:dynamic[/<module>]:<name>`). */
export function isDynamicType(type: string): boolean {
  return /^pulumi-nodejs:dynamic(\/[^:]+)?:[^:]+$/.test(type);
}

/** A step for a resource; `retainOnDelete` is kept only when true. */
export function stepOf(
  r: { urn: string; type: string },
  op: StepOp,
  keys: readonly string[] = [],
  values?: { olds?: Props; news?: Props; retainOnDelete?: boolean },
): Step {
  const { retainOnDelete, ...rest } = values ?? {};
  return {
    op,
    urn: r.urn,
    type: r.type,
    name: urnName(r.urn),
    keys,
    ...rest,
    ...(retainOnDelete ? { retainOnDelete } : {}),
  };
}

/**
 * How a runner user unprotects a resource. The engine's messages end with "remove the `protect` flag
 * ... and run `pulumi up`, or use the command: `pulumi state unprotect ...`"; the runner has no
 * `state` command, and only a registration with `protect: false` clears the flag in its state.
 */
const NO_STATE_COMMAND = "(the local runner has no `pulumi state unprotect`)";

/** The engine's text for deleting a protected resource (`deleteProtectedError`), with the runner's way out. */
export function deleteProtectedError(urn: string): Error {
  return new Error(
    `resource "${urn}" cannot be deleted because it is protected. To unprotect the resource, keep it in your ` +
      `Pulumi program with \`protect: false\` and run \`pve-firewall up\` ${NO_STATE_COMMAND}; then it can be deleted`,
  );
}

/** The engine's text for replacing a protected resource, with the runner's way out. */
export function replaceProtectedError(urn: string, root?: string): Error {
  const part = root === undefined ? "" : ` as part of replacing "${root}"`;
  return new Error(
    `unable to replace resource "${urn}"${part} as it is currently marked for protection. To unprotect the ` +
      `resource, set \`protect: false\` on it in your Pulumi program and run \`pve-firewall up\` ${NO_STATE_COMMAND}`,
  );
}

/** A diff the engine acts on: changes, replacement keys, and whether the keys came from the provider. */
export interface EngineDiff {
  readonly changes: boolean;
  readonly replaces: readonly string[];
  /** Changed top-level keys; empty when the provider said "changes" without naming them (dynamic providers). */
  readonly changedKeys: readonly string[];
  readonly deleteBeforeReplace: boolean;
}

/**
 * The engine's `diffResource` + `applyReplaceOnChanges` for a dynamic provider: a DIFF_UNKNOWN
 * answer is decided by comparing inputs (which names the changed keys); a DIFF_SOME answer names
 * none (the dynamic-provider host never sends `diffs`), so `replaceOnChanges` can only match keys
 * of the former; init errors count as a change, and as a replacement when `replaceOnChanges`
 * holds `#initerror`.
 */
export function engineDiff(
  diff: DiffResult,
  oldInputs: Props,
  newInputs: Props,
  replaceOnChanges: readonly string[],
  hasInitErrors: boolean,
): EngineDiff {
  let changes = diff.changes === true;
  let keys: string[] = [];
  if (diff.changes === undefined) {
    keys = changedKeys(oldInputs, newInputs, ["__provider"]);
    changes = keys.length > 0;
  }
  const replaces = new Set(diff.replaces);
  if (changes || hasInitErrors) {
    const paths = replaceOnChanges.map(parsePropertyPath);
    for (const k of keys) if (paths.some((p) => pathContains(p, [k]))) replaces.add(k);
    if (hasInitErrors && paths.some((p) => pathContains(p, ["#initerror"]))) {
      replaces.add("#initerror");
      changes = true;
    }
  }
  return { changes, replaces: [...replaces], changedKeys: keys, deleteBeforeReplace: diff.deleteBeforeReplace };
}

/** The pending operation for a step about to call the provider. */
export function pendingOf(type: PendingOperation["type"], resource: ResourceState): PendingOperation {
  return { type, resource };
}

/**
 * The engine's `calculateDependentReplacements` for a delete-before-replace of `root`: walking the
 * old state in dependency order, a resource whose input comes from one in the replace set is diffed
 * with those inputs unknown; if that asks for a replacement, it joins the set. Returned in
 * dependency order; a protected one fails with the engine's message.
 */
export async function dependentReplacements(
  host: ProviderHost,
  resources: readonly ResourceState[],
  root: ResourceState,
): Promise<{ res: ResourceState; keys: readonly string[] }[]> {
  const replaceSet = new Set([root.urn]);
  const out: { res: ResourceState; keys: readonly string[] }[] = [];
  for (const r of resources.slice(resources.indexOf(root) + 1)) {
    if (!r.custom || r.external || r.pendingDelete) continue;
    const inputsForDiff: Props = { ...r.inputs };
    let affected = false;
    for (const [key, deps] of Object.entries(r.propertyDependencies)) {
      if (deps.some((d) => replaceSet.has(d)) && key in r.inputs) {
        inputsForDiff[key] = unknownValue;
        affected = true;
      }
    }
    if (!affected) continue;
    const raw = await host.diff(r.id, r.urn, r.outputs, inputsForDiff, r.inputs);
    const diff = engineDiff(raw, r.inputs, inputsForDiff, r.replaceOnChanges, false);
    if (!diff.changes || diff.replaces.length === 0) continue;
    if (r.protect) throw replaceProtectedError(r.urn, root.urn);
    replaceSet.add(r.urn);
    out.push({ res: r, keys: diff.replaces });
  }
  return out;
}
