/**
 * Property values as they cross Pulumi's gRPC boundary (`Struct.toJavaScript()` form): plain JSON where a
 * secret is `{ [specialSigKey]: specialSecretSig, value }` and an unknown (preview) is the `unknownValue`
 * string. The constants come from Pulumi's own runtime so the encoding can never drift from it.
 */
import { isDeepStrictEqual } from "node:util";
import * as rpc from "@pulumi/pulumi/runtime/rpc";

/** A property bag in wire form (top-level keys → JSON values, possibly secret-wrapped or unknown). */
export type Props = Record<string, unknown>;

/** The marker Pulumi uses for a value that is not known during preview. */
export const unknownValue: string = rpc.unknownValue;

/** Wraps a value as a Pulumi secret (wire form). */
export function secret(value: unknown): Props {
  return { [rpc.specialSigKey]: rpc.specialSecretSig, value };
}

/** Whether a value is a secret wrapper (wire form). */
export function isSecret(value: unknown): value is { value: unknown } {
  return rpc.isRpcSecret(value);
}

/** Removes every secret wrapper, at any depth, and says whether there was one. */
export function reveal(value: unknown): { value: unknown; secret: boolean } {
  if (isSecret(value)) return { value: reveal(value.value).value, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(reveal);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    let found = false;
    const out: Props = {};
    for (const [k, v] of Object.entries(value)) {
      const r = reveal(v);
      out[k] = r.value;
      found ||= r.secret;
    }
    return { value: out, secret: found };
  }
  return { value, secret: false };
}

/** Removes secret wrappers from a property bag and lists the top-level keys that held a secret. */
export function revealProps(props: Props): { props: Props; secretKeys: string[] } {
  const out: Props = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(props)) {
    const r = reveal(v);
    out[k] = r.value;
    if (r.secret) secretKeys.push(k);
  }
  return { props: out, secretKeys };
}

/** Wraps the listed top-level keys as secrets (keys already wrapped, or absent, are left alone). */
export function markSecret(props: Props, keys: Iterable<string>): Props {
  const out: Props = { ...props };
  for (const k of keys) {
    if (k in out && !isSecret(out[k])) out[k] = secret(out[k]);
  }
  return out;
}

/** Whether a value holds an unknown anywhere. */
export function containsUnknown(value: unknown): boolean {
  if (value === unknownValue) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Top-level keys whose values differ between two bags (secret wrappers ignored), sorted. */
export function changedKeys(olds: Props, news: Props, ignore: readonly string[] = []): string[] {
  const a = revealProps(olds).props;
  const b = revealProps(news).props;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !ignore.includes(k) && !isDeepStrictEqual(a[k], b[k])).sort();
}
