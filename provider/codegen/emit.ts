/**
 * TypeScript source text for values: literals for data, {@link Code} for expressions such as
 * `ipset.ref`. Output follows the project's formatter settings (2 spaces, double quotes, trailing
 * commas in multi-line literals, 120 columns), so a generated program reads like a hand-written one.
 *
 * @module
 */

/** A TypeScript expression, written as is. */
export interface Code {
  readonly code: string;
}

const COMMENT: unique symbol = Symbol("comment");

/** A `//` comment among the elements of a list (the list is then written one element per line). */
export interface Comment {
  readonly [COMMENT]: string;
}

/**
 * A value a generated program holds: JSON data, with {@link Code} for expressions and
 * {@link Comment}s between the elements of a list.
 */
export type Value =
  | string
  | number
  | boolean
  | Code
  | Comment
  | readonly Value[]
  | { readonly [key: string]: Value | undefined };

const LINE_WIDTH = 120;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An expression value. */
export function code(text: string): Code {
  return { code: text };
}

/** A comment line (wrapped at the line width) among a list's elements; `text` holds no line break. */
export function comment(text: string): Comment {
  return { [COMMENT]: text };
}

function isCode(value: Value): value is Code {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "code" in value;
}

function isComment(value: Value): value is Comment {
  return typeof value === "object" && value !== null && !Array.isArray(value) && COMMENT in value;
}

/** `// ` lines of `text`, broken between words so that each fits the line width at `column`. */
function commentLines(text: string, column: number): string[] {
  const width = Math.max(LINE_WIDTH - column - 3, 40);
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((l) => `// ${l}`);
}

/** A double-quoted string literal (JSON escapes are valid TypeScript). */
function str(text: string): string {
  return JSON.stringify(text);
}

/** A property key: bare when it is an identifier, else quoted. */
function key(name: string): string {
  return IDENTIFIER.test(name) ? name : str(name);
}

/**
 * Source text of `value` at nesting `indent` (in units of two spaces): on one line when it fits in
 * the line width from column `column`, else one element or property per line. Properties whose
 * value is `undefined` are left out.
 *
 * @throws Error for a {@link Comment} anywhere but among a list's elements
 */
export function emit(value: Value, indent = 0, column = 0): string {
  if (typeof value === "string") return str(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isCode(value)) return value.code;
  if (isComment(value)) throw new Error("a comment can only stand among the elements of a list");
  const pad = "  ".repeat(indent + 1);
  if (Array.isArray(value)) {
    const values = value as readonly Value[];
    if (values.some(isComment)) {
      const lines = values.flatMap((v) =>
        isComment(v) ? commentLines(v[COMMENT], pad.length) : [`${emit(v, indent + 1, pad.length)},`],
      );
      return `[\n${lines.map((l) => `${pad}${l}\n`).join("")}${"  ".repeat(indent)}]`;
    }
    const items = values.map((v) => emit(v, indent + 1, pad.length));
    return wrap("[", "]", items, indent, column);
  }
  const entries = Object.entries(value as Record<string, Value | undefined>).filter(
    (e): e is [string, Value] => e[1] !== undefined,
  );
  const items = entries.map(([k, v]) => `${key(k)}: ${emit(v, indent + 1, pad.length + key(k).length + 2)}`);
  return wrap("{", "}", items, indent, column);
}

function wrap(open: string, close: string, items: readonly string[], indent: number, column: number): string {
  if (items.length === 0) return `${open}${close}`;
  const spaced = open === "{" ? ` ${items.join(", ")} ` : items.join(", ");
  const oneLine = `${open}${spaced}${close}`;
  if (!oneLine.includes("\n") && column + oneLine.length <= LINE_WIDTH) return oneLine;
  const pad = "  ".repeat(indent + 1);
  return `${open}\n${items.map((i) => `${pad}${i},\n`).join("")}${"  ".repeat(indent)}${close}`;
}
