/**
 * Zod schemas of the fields several object kinds share: names, comments, log levels, ports and
 * booleans, each worded by our own messages (see `input.ts`).
 *
 * @module
 */
import { z } from "zod";
import { controlCharProblem, type NameKind, nameProblem } from "./common";
import { expecting } from "./input";
import { LOG_LEVELS } from "./pve-tables";

function nameSchema(kind: NameKind, max: number, expected: string) {
  return z
    .string({ error: expecting(expected) })
    .refine((s) => nameProblem(kind, s, max) === undefined, { error: (i) => nameProblem(kind, String(i.input), max) });
}

/**
 * IPSet name: 2-64 lower-case letters, digits, `-`, `_`, starting with a letter (Proxmox
 * lower-cases IPSet names when it reads its files, so upper case breaks later lookups).
 */
export const ipSetNameSchema = nameSchema("IPSet", 64, "an IPSet name (2 to 64 lower-case letters, digits, '-', '_')");

/** Security-group name: 2-18 lower-case letters, digits, `-`, `_`, starting with a letter. */
export const groupNameSchema = nameSchema(
  "security group",
  18,
  "a security group name (2 to 18 lower-case letters, digits, '-', '_')",
);

/** Alias name: 2-64 letters (any case), digits, `-`, `_`, starting with a letter. */
export const aliasNameSchema = nameSchema("alias", 64, "an alias name (2 to 64 letters, digits, '-', '_')");

/** A free-text comment: one line, no control characters (C0 or DEL). */
export const commentSchema = z
  .string({ error: expecting("text (a comment on one line)") })
  .refine((s) => controlCharProblem(s) === undefined, { error: (i) => controlCharProblem(String(i.input)) });

/** A log level (`emerg` … `debug`, or `nolog`). */
export const logLevelSchema = z.enum(LOG_LEVELS, {
  error: expecting(`a log level (${LOG_LEVELS.join(", ")})`),
});

/** A port spec as input: a string (`"80:85,443"`, `"ssh"`) or a single port number 0-65535. */
export const portInputSchema = z.union([z.string(), z.number().int().min(0).max(65535)], {
  error: expecting('a port: a number 0-65535 or text such as "443", "80:85,443" or "ssh"'),
});

/** A boolean flag (`true`/`false`; Proxmox's 0/1 are not accepted here). */
export function flag() {
  return z.boolean({ error: expecting("true or false") });
}

/** Text described as `expected` in messages. */
export function text(expected: string) {
  return z.string({ error: expecting(expected) });
}
