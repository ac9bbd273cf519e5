/**
 * The top level of every resource's inputs, checked the same way for all kinds: each property is
 * the kind's own (validated by its model), a property every resource takes (`cluster`, `scope`
 * where allowed, and the `__provider` Pulumi adds), an output (an error naming it), or unknown (an
 * error with a fix where one exists). `adopt`, `__owner` and `allowLockout` never get here: the
 * framework splits them off first (`ownershipInputs`, `lockoutInputs`).
 */
import { type Issue, joinPath } from "../model/common";
import { show, unknownKeyReason } from "../model/input";
import { containsUnknown, type Props } from "./framework";

/** Inputs every resource takes that are passed through `check` as they are. */
const COMMON_INPUTS = ["cluster", "__provider"] as const;

/** What one resource kind takes at its top level. */
export interface InputSpec {
  /** The resource class, as messages name it (`GuestFirewallOptions`). */
  readonly resource: string;
  /** The kind's own properties, validated by its model. */
  readonly fields: readonly string[];
  /** Output-only properties: an input of that name is an error. */
  readonly outputs: readonly string[];
  /**
   * Outputs that `check` itself derives from the inputs (`ref`): returned in `derived`, so the
   * kind accepts them when they equal what it derives. Read and `pulumi import` hand the checked
   * inputs back to `check`, which must accept its own output.
   */
  readonly derived?: readonly string[];
  /** Whether `scope` is an input of the kind; when it is not, the reason (and fix) to report. */
  readonly scope: true | string;
  /** Why a property is not one of the kind's own, when it is not an output or common input. */
  readonly unknown?: (key: string) => string;
}

/** The inputs of one resource, split by role, with the issues of the top level. */
export interface SplitInputs {
  /** The kind's own properties (for its model). */
  readonly fields: Props;
  /** `cluster` as given: `check` returns it unchanged. */
  readonly common: Props;
  /** The derived outputs that were given (see {@link InputSpec.derived}). */
  readonly derived: Props;
  readonly issues: Issue[];
}

/**
 * Splits `news` (already without `null` members) by role and reports every top-level property
 * that is neither the kind's own nor one every resource takes. `scope` is left to the caller.
 */
export function splitInputs(news: Props, spec: InputSpec): SplitInputs {
  const fields: Props = {};
  const common: Props = {};
  const derived: Props = {};
  const issues: Issue[] = [];
  const known = [...spec.fields, ...(spec.scope === true ? ["scope"] : []), "cluster", "adopt", "allowLockout"];
  for (const [key, value] of Object.entries(news)) {
    if (value === undefined) continue;
    if ((COMMON_INPUTS as readonly string[]).includes(key)) {
      if (key !== "__provider") common[key] = value;
    } else if (key === "scope") {
      if (spec.scope !== true) issues.push({ path: joinPath("", key), reason: spec.scope });
    } else if (spec.fields.includes(key)) fields[key] = value;
    else if (spec.derived?.includes(key)) derived[key] = value;
    else if (spec.outputs.includes(key))
      issues.push({ path: joinPath("", key), reason: `is an output of ${spec.resource}, not an input; remove it` });
    else
      issues.push({
        path: joinPath("", key),
        reason: spec.unknown?.(key) ?? unknownKeyReason(key, known, spec.resource),
      });
  }
  return { fields, common, derived, issues };
}

/**
 * The issue for a derived output given as input (`ref`) that differs from what `check` derives,
 * or `undefined` when it matches (or cannot be compared yet).
 */
export function derivedIssue(spec: InputSpec, key: string, given: unknown, derived: unknown): Issue | undefined {
  if (given === undefined || derived === undefined || containsUnknown(given) || given === derived) return undefined;
  return {
    path: key,
    reason: `is an output of ${spec.resource} (here ${show(derived)}), not an input; remove it`,
  };
}
