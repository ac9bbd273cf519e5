/**
 * Pulumi-like text output: one line per step (`+ create`, `~ update [diff: ~a,b]`, `+- replace`,
 * `- delete`, `- delete[retain]`, `~ refresh`, `> read`, `- discard`), a summary line that also counts failures, and
 * stack outputs with secrets shown as `[secret]`.
 */
import { isSecret, type Props, unknownValue } from "./props";
import type { Step, StepOp } from "./steps";

export { formatDiff } from "./diff-view";

const symbols: Record<StepOp, string> = {
  create: "+",
  update: "~",
  replace: "+-",
  delete: "-",
  same: " ",
  refresh: "~",
  read: ">",
  discard: "-",
};

const pastTense: Record<StepOp, string> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  delete: "deleted",
  same: "unchanged",
  refresh: "drifted",
  read: "read",
  discard: "discarded",
};

const futureTense: Record<StepOp, string> = {
  create: "to create",
  update: "to update",
  replace: "to replace",
  delete: "to delete",
  same: "unchanged",
  refresh: "drifted",
  read: "to read",
  discard: "to discard",
};

/**
 * Formats one step; `phase` picks the verb form (`create`, `creating`, `created`). A delete or
 * replace that leaves the object on the server (`retainOnDelete`) has `[retain]` after the verb, as
 * the Pulumi CLI shows it (`deleted[retain]`).
 */
export function formatStep(step: Step, phase: "plan" | "start" | "done"): string {
  const retain = step.retainOnDelete ? "[retain]" : "";
  const verb =
    phase === "plan"
      ? step.op
      : phase === "start"
        ? `${step.op.replace(/e$/, "")}ing`
        : step.op === "refresh"
          ? "refreshed"
          : pastTense[step.op];
  const keys =
    step.keys.length === 0
      ? ""
      : step.op === "replace"
        ? ` [diff: ~${step.keys.join(",")}]${step.deleteBeforeReplace ? " (delete-before-replace)" : ""}`
        : ` [diff: ~${step.keys.join(",")}]`;
  return `  ${symbols[step.op].padEnd(2)} ${`${verb}${retain}`.padEnd(10)} ${step.type}  ${step.name}${keys}`;
}

/** Counts steps by op. */
export function countSteps(steps: readonly Step[]): Record<StepOp, number> {
  const counts: Record<StepOp, number> = {
    create: 0,
    update: 0,
    replace: 0,
    delete: 0,
    same: 0,
    refresh: 0,
    read: 0,
    discard: 0,
  };
  for (const s of steps) counts[s.op]++;
  return counts;
}

/** Whether any step changes something (reading an object changes nothing). */
export function hasChanges(steps: readonly Step[]): boolean {
  return steps.some((s) => s.op !== "same" && s.op !== "read");
}

/**
 * `Resources: + 2 to create, ~ 1 to update, 3 unchanged` (past tense after applying), then the
 * failures: `, 1 failed` for resources, `, 1 error` for failures of the run as a whole.
 */
export function formatSummary(
  steps: readonly Step[],
  applied: boolean,
  failed: { resources: number; other: number } = { resources: 0, other: 0 },
): string {
  const counts = countSteps(steps);
  const words = applied ? pastTense : futureTense;
  const parts: string[] = [];
  for (const op of ["create", "update", "replace", "delete", "refresh", "read", "discard"] as const) {
    if (counts[op] > 0) parts.push(`${symbols[op]} ${counts[op]} ${words[op]}`);
  }
  parts.push(`${counts.same} unchanged`);
  if (failed.resources > 0) parts.push(`${failed.resources} failed`);
  if (failed.other > 0) parts.push(`${failed.other} ${failed.other === 1 ? "error" : "errors"}`);
  return `Resources: ${parts.join(", ")}`;
}

/** Replaces secrets with `[secret]` and unknowns with `[unknown]`, at any depth. */
export function redactSecrets(value: unknown): unknown {
  if (isSecret(value)) return "[secret]";
  if (value === unknownValue) return "[unknown]";
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]));
  }
  return value;
}

/** Formats stack outputs, one per line, secrets as `[secret]`. */
export function formatOutputs(outputs: Props): string[] {
  const keys = Object.keys(outputs).sort();
  if (keys.length === 0) return [];
  return ["Outputs:", ...keys.map((k) => `    ${k}: ${JSON.stringify(redactSecrets(outputs[k]))}`)];
}
