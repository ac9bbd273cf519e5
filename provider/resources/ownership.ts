/**
 * Ownership: whether a create may write to what it finds at its target, and the mark that lets a
 * create interrupted part-way (kill -9, lost connection) be recognised and finished by the next `up`.
 *
 * The SDK gives every resource a hidden input `__owner`: the first 16 hex characters of
 * sha256(`<project>/<stack>/<type token>/<resource name>`), deterministic for the resource and
 * different for every stack (a dynamic provider never sees the URN). A create that needs two or
 * more writes keeps the comment {@link ownerMark} on the object (the IPSet's or group's comment, or
 * one rule's comment) until its last write, which sets the real comment.
 */
import { kindOf, show } from "../model/input";

/** How the SDK's `__owner` input looks. */
export const OWNER_PATTERN = /^[0-9a-f]{16}$/;

const MARK = /^being created by pulumi ([0-9a-f]{16})$/;

/** The comment that marks an object as half-made by the resource whose `__owner` is `owner`. */
export function ownerMark(owner: string): string {
  return `being created by pulumi ${owner}`;
}

/** The owner named by a mark comment, or `undefined` when `comment` is not a mark. */
export function markOwner(comment: string | undefined): string | undefined {
  return comment === undefined ? undefined : MARK.exec(comment)?.[1];
}

/** What a create finds at its target, read by the kind (`KindImpl.survey`). */
export interface Existing {
  /** What is there, e.g. `the rule list of qemu/pve1/101 already has 3 rules`. */
  readonly headline: string;
  /** One line per item (rule, entry, option), for the refusal message. */
  readonly items: readonly string[];
  /** The owner named by the ownership mark the object carries, if any. */
  readonly mark: string | undefined;
  /** The object already equals the declaration (what a create's final write leaves behind). */
  readonly equal: boolean;
  /**
   * Everything on the object is part of the declaration (rules still disabled or still carrying the
   * mark count as their declared form): what a create interrupted part-way leaves behind.
   */
  readonly subset: boolean;
  /** What taking the object over would change, one line per write (empty when equal). */
  readonly changes: readonly string[];
}

/**
 * How a create treats its target: `new` (nothing there), `finish` (this resource's own half-made
 * object) or `adopt` (`adopt: true` and something is there).
 */
export type CreateMode = "new" | "finish" | "adopt";

/** What the framework tells a kind's `create`. */
export interface CreateIntent {
  readonly mode: CreateMode;
  /** This resource's `__owner`; absent when the inputs carry none (then nothing is marked). */
  readonly owner?: string;
}

/** The outcome of {@link decideCreate}. */
export type Decision =
  | { readonly ok: true; readonly intent: CreateIntent }
  | { readonly ok: false; readonly reason: string };

/** How many items a refusal lists before it says how many more there are. */
const MAX_ITEMS = 20;

function listing(lines: readonly string[]): string {
  const shown =
    lines.length > MAX_ITEMS
      ? [...lines.slice(0, MAX_ITEMS - 1), `... and ${lines.length - MAX_ITEMS + 1} more`]
      : lines;
  return shown.map((l) => `\n  ${l}`).join("");
}

/**
 * Decides what a create of the resource `kind` (e.g. `FirewallRules`) with this `adopt` and
 * `owner` may do with `existing`:
 * - nothing there: create it (`new`);
 * - `adopt: true`: take it over (`adopt`), reconciled like an update;
 * - this resource's own mark and nothing outside the declaration: finish it (`finish`);
 * - otherwise refuse, saying what is there, why it is not taken (another resource's mark; no mark
 *   but already equal to the declaration; or simply someone else's object) and how to adopt it.
 */
export function decideCreate(
  kind: string,
  existing: Existing | undefined,
  adopt: boolean,
  owner: string | undefined,
): Decision {
  if (!existing) return { ok: true, intent: { mode: "new", owner } };
  if (adopt) return { ok: true, intent: { mode: "adopt", owner } };
  if (existing.mark !== undefined && existing.mark === owner && existing.subset)
    return { ok: true, intent: { mode: "finish", owner } };
  const how = `set adopt: true on this ${kind} to take it over`;
  const writes = existing.changes.length;
  const reconcile = `it is then made equal to this declaration (${writes} ${writes === 1 ? "write" : "writes"})`;
  let why: string;
  if (existing.mark !== undefined && existing.mark !== owner) {
    why =
      `it is half-made by another resource (ownership mark ${existing.mark}; this resource's is ${owner ?? "not set"}): ` +
      `a create of another stack or resource was interrupted; nothing was written; run that stack's up to finish it, or ${how} if it should be this resource's`;
  } else if (existing.mark !== undefined) {
    why = `it carries this resource's ownership mark but also holds what this declaration does not; nothing was written; ${how}: ${reconcile}`;
  } else if (existing.equal) {
    why =
      "it already equals this declaration but carries no ownership mark, so it cannot be told apart from an object someone " +
      "else made (it may also be this resource's, when its create was interrupted after the last write, before Pulumi recorded it); " +
      `nothing was written; ${how} (no writes needed)`;
  } else {
    why = `nothing was written; ${how}: ${reconcile}`;
  }
  return { ok: false, reason: `${existing.headline}:${listing(existing.items)}\n${why}` };
}

/**
 * What taking `existing` over will change, one line per write after a headline, as the check of a
 * new resource with `adopt: true` reports it (the engine calls check before every create, also in
 * `preview`, where it calls nothing else for a new resource).
 */
export function adoptionPlan(kind: string, id: string, existing: Existing): string[] {
  if (existing.changes.length === 0) return [`adopt ${kind} ${id}: already as declared, no writes`];
  const n = existing.changes.length;
  return [
    `adopt ${kind} ${id}: ${n} ${n === 1 ? "write" : "writes"} to make it equal the declaration:`,
    ...existing.changes.map((c) => `adopt ${kind} ${id}:   ${c}`),
  ];
}

/** `adopt` and `__owner` split off the other inputs, validated (`unknown` values are kept as they are). */
export interface OwnershipInputs {
  /** The inputs without `adopt` and `__owner`: what the kind validates and writes. */
  readonly props: Record<string, unknown>;
  /** `true`, `false`, `undefined` (left out), or Pulumi's unknown value in a preview. */
  readonly adopt: unknown;
  /** The SDK's ownership ID, or `undefined` when the inputs carry none. */
  readonly owner: string | undefined;
  /** Problems with the two inputs, as check failures. */
  readonly issues: { path: string; reason: string }[];
}

/**
 * Splits `adopt` and `__owner` off raw or checked inputs. `adopt: null` means left out (as
 * everywhere); any other non-boolean is an issue. `__owner` is set by the SDK: 16 lower-case hex
 * characters, or absent (resources registered without the SDK's classes are never marked).
 */
export function ownershipInputs(news: Record<string, unknown>, isUnknown: (v: unknown) => boolean): OwnershipInputs {
  const { adopt: rawAdopt, __owner: rawOwner, ...props } = news;
  const issues: { path: string; reason: string }[] = [];
  const adopt = rawAdopt === null ? undefined : rawAdopt;
  if (adopt !== undefined && typeof adopt !== "boolean" && !isUnknown(adopt))
    issues.push({
      path: "adopt",
      reason: `${show(adopt)} is ${kindOf(adopt)}, not true or false; use true to take over an existing object`,
    });
  let owner: string | undefined;
  if (typeof rawOwner === "string" && OWNER_PATTERN.test(rawOwner)) owner = rawOwner;
  else if (rawOwner !== undefined && rawOwner !== null && !isUnknown(rawOwner))
    issues.push({ path: "__owner", reason: "is set by the SDK (16 lower-case hex characters); do not set it" });
  return { props, adopt, owner, issues };
}
