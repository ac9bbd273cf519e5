/**
 * The API schema (a committed copy of the shared `firewall-api.json`) turned into routes and
 * parameter validation that behaves like pve-common's JSONSchema `validate`: every failing
 * parameter is reported at once, each with Proxmox's message for the first check it fails.
 */

import { checkFormat, type PropertyStringKey, splitList } from "./formats";
import apiSchema from "./schema/firewall-api.json";

/** One parameter as firewall-api.json describes it. */
export interface ParamSchema {
  readonly type: string;
  readonly optional?: boolean;
  readonly in?: string;
  readonly format?: string | Readonly<Record<string, PropertyStringKey>>;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
}

/** One method of one path. */
export interface MethodSchema {
  readonly name: string;
  readonly permissions?: string;
  readonly parameters: Readonly<Record<string, ParamSchema>>;
  /**
   * `"node"` when Proxmox runs the call on the node named in the path (`proxyto`): a node the
   * cluster does not have fails before anything else is checked (see `dispatch.ts`).
   */
  readonly proxyto?: "node";
}

/** A raw parameter value as it arrived: form text, form array (repeated key) or a JSON value. */
export type RawValue = string | number | boolean | null | readonly RawValue[] | { readonly [k: string]: RawValue };

interface PathEntry {
  readonly path: string;
  readonly methods: Readonly<Record<string, MethodSchema>>;
}

/** The schema's paths, in file order. */
export function schemaPaths(): readonly PathEntry[] {
  return (apiSchema as unknown as { paths: PathEntry[] }).paths;
}

function isInteger(v: string): boolean {
  return /^[+-]?\d+$/.test(v);
}

function isNumber(v: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v);
}

/** pve-common `check_type` for a scalar; returns the error or `undefined`. */
function checkType(type: string, value: RawValue): string | undefined {
  if (typeof value === "object" && value !== null) {
    return `type check ('${type}') failed - got ${Array.isArray(value) ? "ARRAY" : "HASH"}`;
  }
  if (typeof value === "boolean") {
    return type === "boolean" ? undefined : `type check ('${type}') failed - got JSON::PP::Boolean`;
  }
  const text = String(value);
  if (type === "boolean" && text !== "0" && text !== "1") return `type check ('boolean') failed - got '${text}'`;
  if (type === "integer" && !isInteger(text)) return `type check ('integer') failed - got '${text}'`;
  return undefined;
}

/** pve-common `check_prop` for one present scalar value. */
function checkProp(schema: ParamSchema, value: RawValue): string | undefined {
  const typeErr = checkType(schema.type, value);
  if (typeErr) return typeErr;
  const text = typeof value === "boolean" ? (value ? "1" : "0") : String(value);
  if (schema.format !== undefined) {
    const err = checkFormat(schema.format, text);
    if (err !== undefined) return `invalid format - ${err}`;
  }
  if (schema.pattern !== undefined && !new RegExp(`^(?:${schema.pattern})$`).test(text)) {
    return "value does not match the regex pattern";
  }
  if (schema.maxLength !== undefined && text.length > schema.maxLength) {
    return `value may only be ${schema.maxLength} characters long`;
  }
  if (schema.minLength !== undefined && text.length < schema.minLength) {
    return `value must be at least ${schema.minLength} characters long`;
  }
  if (isNumber(text)) {
    if (schema.maximum !== undefined && Number(text) > schema.maximum) {
      return `value must have a maximum value of ${schema.maximum}`;
    }
    if (schema.minimum !== undefined && Number(text) < schema.minimum) {
      return `value must have a minimum value of ${schema.minimum}`;
    }
  }
  if (schema.enum && !schema.enum.includes(text)) {
    return `value '${text}' does not have a value in the enumeration '${schema.enum.join(", ")}'`;
  }
  return undefined;
}

/**
 * Validates raw parameters against a method's schema. Repeated form keys of `-list` formats are
 * joined with commas first (RESTHandler). Returns the normalised string values (booleans as 0/1)
 * and the per-parameter errors.
 */
export function validateParams(
  method: MethodSchema,
  raw: Readonly<Record<string, RawValue>>,
): { params: Record<string, string>; errors: Record<string, string> } {
  const params: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const schema = method.parameters[name];
    if (!schema) {
      errors[name] = "property is not defined in schema and the schema does not allow additional properties";
      continue;
    }
    let v = value;
    if (Array.isArray(v) && typeof schema.format === "string" && schema.format.endsWith("-list")) {
      v = (v as RawValue[]).map(String).join(",");
    }
    if (v === null) continue;
    const err = checkProp(schema, v);
    if (err !== undefined) {
      errors[name] = err;
      continue;
    }
    params[name] = typeof v === "boolean" ? (v ? "1" : "0") : String(v);
  }
  for (const [name, schema] of Object.entries(method.parameters)) {
    if (!schema.optional && raw[name] === undefined && errors[name] === undefined) {
      errors[name] = "property is missing and it is not optional";
    }
  }
  return { params, errors };
}

/** `split_list` re-exported for handlers that take `delete=` lists. */
export { splitList };
