/**
 * `--diff`: old => new values of a step, as `pulumi preview --diff` shows them: `+` added, `-`
 * removed, `~` changed, nested by property (arrays by index). For this package's own resources the
 * lists users review are shown the way they are applied: rules matched by position after the plan
 * (`planRules`, the same pure planner the provider runs: added, removed, moved, edited fields) and
 * IPSet entries by `cidr`. Secrets show as `[secret]`, values unknown in a preview as `[unknown]`.
 */
import { canonicalRule, type RuleInput, ruleFromWire, ruleToWire } from "../model/rule";
import type { RuleFields } from "../model/wire";
import { planRules } from "../plan/rules";
import { containsUnknown, isSecret, type Props, unknownValue } from "./props";
import type { Step } from "./steps";

const INDENT = "      ";
const OUR_TYPE = /^pulumi-nodejs:dynamic\/proxmox-firewall:/;

function show(value: unknown): string {
  if (isSecret(value)) return "[secret]";
  if (value === unknownValue) return "[unknown]";
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${show(v)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(value);
}

function isPlainObject(v: unknown): v is Props {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !isSecret(v);
}

/** Generic nested diff of one property (`label`), appended to `out`. */
function diffValue(label: string, a: unknown, b: unknown, depth: number, out: string[]): void {
  const pad = INDENT + "    ".repeat(depth);
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (a === undefined) {
    out.push(`${pad}+ ${label}: ${show(b)}`);
    return;
  }
  if (b === undefined) {
    out.push(`${pad}- ${label}: ${show(a)}`);
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    out.push(`${pad}~ ${label}: {`);
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffValue(k, a[k], b[k], depth + 1, out);
    out.push(`${pad}  }`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    out.push(`${pad}~ ${label}: [`);
    for (let i = 0; i < Math.max(a.length, b.length); i++) diffValue(`[${i}]`, a[i], b[i], depth + 1, out);
    out.push(`${pad}  ]`);
    return;
  }
  out.push(`${pad}~ ${label}: ${show(a)} => ${show(b)}`);
}

function wireRules(value: unknown): RuleFields[] | undefined {
  if (!Array.isArray(value) || containsUnknown(value) || value.some(isSecret)) return undefined;
  try {
    return value.map((r) => canonicalRule(ruleToWire(r as RuleInput)));
  } catch {
    return undefined;
  }
}

/**
 * Rules matched by position after the plan: replays `planRules(old, new)` on the old list's
 * positions, so every final position is either an old rule (moved or not, edited or not) or a new one.
 */
function diffRules(a: unknown, b: unknown, out: string[]): boolean {
  const olds = wireRules(a ?? []);
  const news = wireRules(b ?? []);
  if (!olds || !news) return false;
  const list: (number | "new")[] = olds.map((_, i) => i);
  const moved = new Set<number>();
  const removed: number[] = [];
  for (const op of planRules(olds, news)) {
    if (op.kind === "createRule") list.unshift("new");
    else if (op.kind === "deleteRule") removed.push(list.splice(op.pos, 1)[0] as number);
    else if (op.kind === "moveRule") {
      const [item] = list.splice(op.pos, 1);
      list.splice(op.moveto > op.pos ? op.moveto - 1 : op.moveto, 0, item as number | "new");
      if (typeof item === "number") moved.add(item);
    }
  }
  for (const i of removed.sort((x, y) => x - y))
    out.push(`${INDENT}- rules[${i}]: ${show(ruleFromWire(olds[i] as RuleFields))}`);
  list.forEach((item, j) => {
    const now = ruleFromWire(news[j] as RuleFields) as Props;
    if (item === "new") {
      out.push(`${INDENT}+ rules[${j}]: ${show(now)}`);
      return;
    }
    const was = ruleFromWire(olds[item] as RuleFields) as Props;
    const fields = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter(
      (k) => JSON.stringify(was[k]) !== JSON.stringify(now[k]),
    );
    const changes = fields.map((k) =>
      was[k] === undefined
        ? `+${k}: ${show(now[k])}`
        : now[k] === undefined
          ? `-${k}`
          : `${k}: ${show(was[k])} => ${show(now[k])}`,
    );
    // "moved": the plan moves it; a rule only shifted by inserts or deletes above keeps its place
    const where = moved.has(item) ? `moved from ${item}` : changes.length > 0 && item !== j ? `was rules[${item}]` : "";
    if (moved.has(item) || changes.length > 0) {
      out.push(`${INDENT}~ rules[${j}]: ${[where, ...changes].filter(Boolean).join("; ")}`);
    }
  });
  return true;
}

type Entry = { cidr: string; comment?: string; nomatch?: boolean };

/** IPSet entries by cidr: added, removed, and changed comment / nomatch. */
function diffEntries(a: unknown, b: unknown, out: string[]): boolean {
  const asMap = (v: unknown) =>
    Array.isArray(v) && !containsUnknown(v)
      ? new Map(v.map((e) => (typeof e === "string" ? { cidr: e } : (e as Entry))).map((e) => [e.cidr, e]))
      : undefined;
  const olds = asMap(a ?? []);
  const news = asMap(b ?? []);
  if (!olds || !news) return false;
  const describe = (e: Entry) =>
    `${e.nomatch ? "!" : ""}${e.cidr}${e.comment ? ` (${JSON.stringify(e.comment)})` : ""}`;
  for (const [cidr, e] of olds) if (!news.has(cidr)) out.push(`${INDENT}- entries: ${describe(e)}`);
  for (const [cidr, e] of news) {
    const was = olds.get(cidr);
    if (!was) out.push(`${INDENT}+ entries: ${describe(e)}`);
    else if ((was.comment ?? "") !== (e.comment ?? "") || Boolean(was.nomatch) !== Boolean(e.nomatch)) {
      out.push(`${INDENT}~ entries: ${describe(was)} => ${describe(e)}`);
    }
  }
  return true;
}

/** The `--diff` lines of a step (none for `same`). */
export function formatDiff(step: Step): string[] {
  if (step.op === "same") return [];
  const olds = step.op === "create" || step.op === "read" ? {} : (step.olds ?? {});
  const news = step.op === "delete" || step.op === "discard" ? {} : (step.news ?? {});
  const out: string[] = [];
  const ours = OUR_TYPE.test(step.type);
  for (const key of new Set([...Object.keys(olds), ...Object.keys(news)])) {
    if (key === "__provider") continue;
    const a = olds[key];
    const b = news[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (ours && key === "rules" && diffRules(a, b, out)) continue;
    if (ours && key === "entries" && diffEntries(a, b, out)) continue;
    diffValue(key, a, b, 0, out);
  }
  return out;
}
