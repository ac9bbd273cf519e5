/**
 * How user input is read, for every object kind: `null` means "left out" at every depth (as in
 * Terraform, so programs ported from JSON, YAML or HCL work), every zod issue is rendered in our
 * words (the value JSON-quoted, the reason and, where there is one, the fix; never zod's default
 * texts), and every unknown property is named on its own with a fix where one exists. No I/O.
 *
 * @module
 */
import type { z } from "zod";
import { type Issue, joinPath, quote } from "./common";

/**
 * A copy of `value` without object members that are `null`, at every depth: `null` means "left
 * out". Array elements are kept (a `null` element is reported, since a list element is not an
 * optional field).
 */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
    return out as T;
  }
  return value;
}

/** What kind of JSON value `value` is, as a noun (`text`, `a number`, `a list`, ...). */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "text";
  if (typeof value === "number") return Number.isFinite(value) ? "a number" : "not a finite number";
  if (typeof value === "boolean") return "a boolean";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/**
 * A user value as an error message shows it: strings JSON-quoted with invisible characters
 * escaped (see {@link quote}), other scalars as JSON, lists and objects shortened.
 */
export function show(value: unknown): string {
  if (typeof value === "string") return quote(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (value === undefined) return "undefined";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type RawIssue = z.core.$ZodRawIssue;

/**
 * A schema-level error function for a field that expects `expected` (a noun phrase such as
 * `"true or false"` or `"a log level: emerg, ..., nolog"`): a missing value "is required", a
 * value of the wrong type or outside an enum names the value and what is expected. Other issues
 * fall through to {@link renderIssue}.
 */
export function expecting(expected: string): (issue: RawIssue) => string | undefined {
  return (issue) => {
    const input = issue.input;
    switch (issue.code) {
      case "invalid_type":
        if (input === undefined) return `is required: ${expected}`;
        if (input === null) return `is null; give ${expected}, or remove it`;
        return `${show(input)} is ${kindOf(input)}, not ${expected}`;
      case "invalid_value":
      case "invalid_union":
        return `${show(input)} is not ${expected}`;
      default:
        return undefined;
    }
  };
}

const EXPECTED_TYPE: Readonly<Record<string, string>> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
};

/**
 * The per-parse error map every validation uses: our text for each zod issue code that a
 * schema did not word itself. Pass it as `schema.safeParse(input, { error: renderIssue })`.
 */
export function renderIssue(issue: RawIssue): string {
  const input = issue.input;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return `is required: ${EXPECTED_TYPE[issue.expected] ?? issue.expected}`;
      if (input === null) return `is null; give ${EXPECTED_TYPE[issue.expected] ?? issue.expected}, or remove it`;
      return `${show(input)} is ${kindOf(input)}, not ${EXPECTED_TYPE[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      return `${show(input)} is not one of ${issue.values.map((v) => show(v)).join(", ")}`;
    case "too_big":
      return `${show(input)} is ${sizeOf(input)}, more than the ${String(issue.maximum)}${unitOf(input)} allowed`;
    case "too_small":
      return `${show(input)} is ${sizeOf(input)}, less than the ${String(issue.minimum)}${unitOf(input)} required`;
    case "not_multiple_of":
      return `${show(input)} is not a multiple of ${String(issue.divisor)}`;
    case "invalid_format":
      return `${show(input)} has the wrong format`;
    default:
      return `${show(input)} is not accepted here`;
  }
}

function sizeOf(input: unknown): string {
  if (typeof input === "string") return `${input.length} characters long`;
  if (Array.isArray(input)) return `a list of ${input.length}`;
  return "the value";
}

function unitOf(input: unknown): string {
  if (typeof input === "string") return " characters";
  if (Array.isArray(input)) return " items";
  return "";
}

/**
 * Says why a property `key` of the object at `path` (relative to the parsed value) is not
 * accepted; `undefined` falls back to a plain "unknown property".
 */
export type KeyHint = (key: string, path: readonly PropertyKey[]) => string | undefined;

/**
 * The reason for an unknown property `key` of an object whose properties are `known`: a fix from
 * `fixes` when there is one, else "did you mean" for a spelling that differs only in case, `_` or
 * `-` (`policy_in`, `icmp-type`), else the list of what the object takes (`what`).
 */
export function unknownKeyReason(
  key: string,
  known: readonly string[],
  what: string,
  fixes: Readonly<Record<string, string>> = {},
): string {
  const fix = Object.hasOwn(fixes, key) ? fixes[key] : undefined;
  if (fix !== undefined) return fix;
  const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, "");
  const near = known.find((k) => norm(k) === norm(key));
  if (near !== undefined) return `unknown property; did you mean ${near}`;
  return `unknown property; ${what} takes ${known.join(", ")}`;
}

/**
 * Converts zod issues to ours: the path is prefixed with `base`; an unknown-keys issue becomes one
 * issue per key, worded by `hint` (or "unknown property"). Every other message was already
 * rendered by the schema's own error function or by {@link renderIssue}.
 */
export function zodIssues(error: z.ZodError, base = "", hint?: KeyHint): Issue[] {
  const out: Issue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.reduce<string>(
      (acc, key) => joinPath(acc, typeof key === "number" ? key : String(key)),
      base,
    );
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        out.push({ path: joinPath(path, key), reason: hint?.(key, issue.path) ?? "unknown property" });
    } else out.push({ path, reason: issue.message });
  }
  return out;
}
