/**
 * Pulumi's property paths (`rules[0].comment`, `["a.b"]`, `entries[*]`), as the engine parses and
 * applies them for `ignoreChanges` and `replaceOnChanges`: a port of `ParsePropertyPath`,
 * `PropertyPath.Reset` and `PropertyPath.Contains` from `sdk/go/common/resource/properties_path.go`.
 * Values are in wire form (`props.ts`): secrets are looked through, and a value reset from a secret
 * into a non-secret place stays secret.
 */
import { isSecret, secret } from "./props";

/** One path element: a property name (`"*"` for every element) or an array index. */
export type PathElement = string | number;

/** Parses a property path; throws with the engine's message on a malformed one. */
export function parsePropertyPath(path: string): PathElement[] {
  const elements: PathElement[] = [];
  if (path.startsWith(".")) throw new Error("expected property path to start with a name or index");
  let rest = path;
  while (rest.length > 0) {
    if (rest[0] === ".") {
      rest = rest.slice(1);
      if (rest.length === 0) throw new Error("expected property path to end with a name or index");
      continue;
    }
    if (rest[0] === "[") {
      if (rest[1] === '"') {
        let key = "";
        let i = 2;
        for (;;) {
          if (i >= rest.length) throw new Error("missing closing quote in property name");
          if (rest[i] === '"') {
            i++;
            break;
          }
          if (rest[i] === "\\" && rest[i + 1] === '"') {
            key += '"';
            i += 2;
          } else {
            key += rest[i];
            i++;
          }
        }
        if (rest[i] !== "]") throw new Error("missing closing bracket in property access");
        elements.push(key);
        rest = rest.slice(i + 1);
      } else {
        const close = rest.indexOf("]");
        if (close < 0) throw new Error("missing closing bracket in array index");
        const segment = rest.slice(1, close);
        if (segment === "*") elements.push("*");
        else {
          if (!/^-?\d+$/.test(segment)) throw new Error(`invalid array index: ${JSON.stringify(segment)}`);
          elements.push(Number.parseInt(segment, 10));
        }
        rest = rest.slice(close + 1);
      }
      continue;
    }
    let end = 0;
    while (end < rest.length && rest[end] !== "." && rest[end] !== "[") end++;
    elements.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return elements;
}

type Json = unknown;
type Obj = Record<string, Json>;

const isObject = (v: Json): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v) && !isSecret(v);

/** Resets `path` in `news` to its value in `olds` (in place); false on a path error, as the engine. */
function reset(path: readonly PathElement[], old: Json, cur: Json, oldSecret: boolean, curSecret: boolean): boolean {
  if (path.length === 0) return false;
  let o = old;
  let n = cur;
  let os = oldSecret;
  let ns = curSecret;
  while (isSecret(o)) {
    o = o.value;
    os = true;
  }
  while (isSecret(n)) {
    n = n.value;
    ns = true;
  }
  const keep = (v: Json): Json => (os && !ns ? secret(v) : v);
  const [key, ...tail] = path as [PathElement, ...PathElement[]];
  if (typeof key === "number") {
    if (key < 0) return false;
    const oa = Array.isArray(o);
    const na = Array.isArray(n);
    if (tail.length === 0) {
      if (!oa && !na) return true;
      if (!oa || !na) return false;
      const ol = o as Json[];
      const nl = n as Json[];
      if (key >= ol.length && key >= nl.length) return true;
      if (key >= ol.length || key >= nl.length) return false;
      nl[key] = keep(ol[key]);
      return true;
    }
    if (!oa || !na) return !oa && !na;
    const ol = o as Json[];
    const nl = n as Json[];
    if (key >= ol.length || key >= nl.length) return false;
    return reset(tail, ol[key], nl[key], os, ns);
  }
  if (key === "*") {
    if (tail.length === 0) {
      if (isObject(n)) {
        if (isObject(o)) {
          for (const k of Object.keys(o)) n[k] = keep(o[k]);
          for (const k of Object.keys(n)) if (!(k in o)) delete n[k];
        }
        return true;
      }
      if (Array.isArray(n)) {
        if (Array.isArray(o)) {
          for (let i = 0; i < o.length && i < n.length; i++) n[i] = keep(o[i]);
          if (o.length !== n.length) return false;
        }
        return true;
      }
      return false;
    }
    if (isObject(o) && isObject(n)) {
      for (const k of Object.keys(o)) {
        if (!(k in n)) return false;
        if (!reset(tail, o[k], n[k], os, ns)) return false;
      }
      return true;
    }
    if (Array.isArray(o) && Array.isArray(n)) {
      for (let i = 0; i < o.length && i < n.length; i++) if (!reset(tail, o[i], n[i], os, ns)) return false;
      return o.length === n.length;
    }
    return false;
  }
  if (tail.length === 0) {
    if (isObject(o) && key in o) {
      if (!isObject(n)) return false;
      n[key] = keep(o[key]);
    } else if (isObject(n)) {
      delete n[key];
    }
    return true;
  }
  if (!isObject(o) || !isObject(n)) return !isObject(o) && !isObject(n);
  const hasOld = key in o;
  const hasNew = key in n;
  if (hasOld && !hasNew) return false;
  if (!hasOld && !hasNew) return true;
  return reset(tail, o[key], n[key], os, ns);
}

/**
 * The engine's `processIgnoreChanges`: `news` with every `ignoreChanges` path set back to its
 * value in `olds` (absent in `olds` = removed). Paths that cannot be reset (an added or removed
 * array element on the way) are returned in `invalid`, which the engine reports as info.
 */
export function applyIgnoreChanges(
  news: Readonly<Record<string, unknown>>,
  olds: Readonly<Record<string, unknown>>,
  ignoreChanges: readonly string[],
): { inputs: Record<string, unknown>; invalid: string[] } {
  const inputs = structuredClone(news) as Record<string, unknown>;
  const invalid: string[] = [];
  for (const text of ignoreChanges) {
    let path: PathElement[];
    try {
      path = parsePropertyPath(text);
    } catch {
      continue;
    }
    if (!reset(path, structuredClone(olds), inputs, false, false)) invalid.push(text);
  }
  return { inputs, invalid };
}

/** Whether path `outer` contains path `inner` (`*` matches any element), as `PropertyPath.Contains`. */
export function pathContains(outer: readonly PathElement[], inner: readonly PathElement[]): boolean {
  if (inner.length < outer.length) return false;
  return outer.every((el, i) => el === "*" || el === inner[i]);
}
