import type { Issue } from "../model/common";
import { fileKey, type Scope, scopeFromArgs } from "../model/scope";
import { containsUnknown, type Props } from "./framework";

/** The canonical `scope` input of a resolved scope, as stored in state (`{}` for the cluster). */
export function scopeArgsOf(scope: Scope): Props {
  switch (scope.kind) {
    case "cluster":
    case "group":
      return {};
    case "node":
      return { node: scope.node };
    case "vm":
      return { node: scope.node, vmid: scope.vmid, guestType: scope.guestType };
    case "vnet":
      return { vnet: scope.vnet };
  }
}

/** Stand-in values for fields a preview does not know yet; only the scope's kind matters then. */
const PLACEHOLDER: Props = { node: "unknown", vmid: 100, vnet: "unknown", guestType: "qemu" };

/**
 * Resolves the `scope` input during `check`. When parts are unknown (preview), the scope's kind is
 * still known from which fields are present, which is all rule validation needs; the input is then
 * kept as it is.
 */
export function checkScope(
  raw: unknown,
  allowed: readonly Scope["kind"][],
): { scope?: Scope; args: unknown; issues: Issue[] } {
  const unknown = containsUnknown(raw);
  const probe =
    unknown && raw !== null && typeof raw === "object"
      ? Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, containsUnknown(v) ? PLACEHOLDER[k] : v]))
      : raw;
  const resolved = scopeFromArgs(probe);
  if (!resolved.ok) return { args: raw, issues: resolved.issues };
  if (!allowed.includes(resolved.scope.kind))
    return {
      args: raw,
      issues: [
        {
          path: "scope",
          reason: `a ${resolved.scope.kind} scope is not allowed here (allowed: ${allowed.join(", ")})`,
        },
      ],
    };
  return { scope: resolved.scope, args: unknown ? raw : scopeArgsOf(resolved.scope), issues: [] };
}

/** The scope stored in props (state or checked inputs). */
export function propsScope(props: Props): Scope {
  const resolved = scopeFromArgs(props["scope"]);
  if (!resolved.ok) throw new Error(`stored scope is invalid: ${resolved.issues.map((i) => i.reason).join("; ")}`);
  return resolved.scope;
}

/**
 * `["scope"]` when the new scope is another config file. Moving a guest's object to another node
 * (a migration) or between `qemu` and `lxc` paths keeps the same `<vmid>.fw`, so it is an update.
 */
export function scopeReplaces(olds: Props, news: Props): string[] {
  if (containsUnknown(news["scope"])) return ["scope"];
  return fileKey(propsScope(olds)) === fileKey(propsScope(news)) ? [] : ["scope"];
}
