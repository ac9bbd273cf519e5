/**
 * The operations that work on the state alone, without running the program: refresh (read every
 * resource back) and destroy (delete everything, dependents first), as the engine's refresh and
 * destroy deployments do. Both are planned first and applied only when the plan holds no error.
 */
import { stackType } from "./aliases";
import { changedKeys, type Props } from "./props";
import { providerKey } from "./provider-host";
import type { PendingOperation, ResourceState, StackState } from "./state";
import { type DeployContext, deleteProtectedError, pendingOf, type Step, stepOf } from "./steps";

/**
 * Reads every custom resource back through its provider (read ones too); drift and removals become
 * steps. Pending update and delete operations are cleared, as a refresh does; pending creates stay
 * unless `clearPendingCreates` (`refresh --clear-pending-creates`).
 */
export async function refreshState(
  ctx: DeployContext,
  state: StackState,
  clearPendingCreates = false,
): Promise<{ state: StackState; steps: Step[] }> {
  const steps: Step[] = [];
  const resources: ResourceState[] = [];
  for (const r of state.resources) {
    if (!r.custom || r.pendingDelete) {
      resources.push(r);
      continue;
    }
    const res = await ctx.host.read(r.id, r.urn, r.outputs, r.inputs);
    if (!res.id) {
      const step = stepOf(r, "delete", [], { olds: r.outputs });
      steps.push(step);
      ctx.report.step(step, "done");
      continue;
    }
    const keys = changedKeys(r.outputs, res.props, [providerKey]);
    const step = stepOf(r, keys.length > 0 ? "refresh" : "same", keys, { olds: r.outputs, news: res.props });
    steps.push(step);
    ctx.report.step(step, "done");
    resources.push({ ...r, id: res.id, outputs: res.props, inputs: res.inputs ?? r.inputs });
  }
  const pendingOperations = clearPendingCreates
    ? []
    : state.pendingOperations.filter((op: PendingOperation) => op.type === "creating");
  const next = { ...state, resources, pendingOperations };
  ctx.save?.(next);
  return { state: next, steps };
}

/**
 * Deletes every resource in state, dependents first; the state is saved after each delete. A
 * protected resource fails the destroy before anything is deleted (also in preview); a retained
 * one, and one read with `Resource.get`, only leave the stack.
 */
export async function destroyState(ctx: DeployContext, state: StackState): Promise<Step[]> {
  const doomed = [...state.resources].reverse().filter((r) => r.type !== stackType);
  const protectedOnes = doomed.filter((r) => r.protect && !r.pendingDelete);
  if (protectedOnes.length > 0) throw deleteProtectedError(protectedOnes[0]?.urn ?? "");
  const steps: Step[] = [];
  let remaining = [...state.resources];
  const pending: PendingOperation[] = [];
  const save = (resources: ResourceState[]) =>
    ctx.save?.({ ...state, resources, pendingOperations: [...state.pendingOperations, ...pending] });
  for (const r of doomed) {
    const step = r.external
      ? stepOf(r, "discard", [], { olds: r.inputs as Props })
      : stepOf(r, "delete", [], { olds: r.inputs as Props, retainOnDelete: r.retainOnDelete });
    steps.push(step);
    ctx.report.step(step, ctx.save ? "start" : "plan");
    if (!ctx.save) continue;
    if (r.custom && !r.external && !r.retainOnDelete) {
      const op = pendingOf("deleting", r);
      pending.push(op);
      save(remaining);
      try {
        await ctx.host.delete(r.id, r.urn, r.outputs);
      } finally {
        pending.splice(pending.indexOf(op), 1);
      }
    }
    remaining = remaining.filter((x) => x !== r);
    save(remaining);
    ctx.report.step(step, "done");
  }
  const creates = state.pendingOperations.filter((op) => op.type === "creating");
  ctx.save?.({ ...state, outputs: {}, resources: [], pendingOperations: creates });
  return steps;
}
