/**
 * The 0-secret check: every way a value (an error, a log, a dump, a file's text) can end up in front
 * of a person, searched for every form of every secret.
 */
import { inspect } from "node:util";

/** Every rendering of `value` a person may see: message, `String`, `inspect`, JSON, stack. */
export function renderings(value: unknown): string[] {
  return [
    value instanceof Error ? value.message : "",
    String(value),
    inspect(value, { depth: 10 }),
    JSON.stringify(value) ?? "",
    value instanceof Error ? (value.stack ?? "") : "",
  ];
}

/** Each secret as it may appear: itself and URL-encoded (as a form body or a cookie carries it). */
export function secretForms(secrets: readonly string[]): string[] {
  return [...new Set(secrets.flatMap((s) => [s, encodeURIComponent(s)]))];
}

/** Fails when any rendering of `value` contains any form of any of `secrets`. */
export function expectNoSecret(value: unknown, secrets: readonly string[]): void {
  const forms = secretForms(secrets);
  for (const text of renderings(value)) for (const s of forms) expect(text).not.toContain(s);
}
