/**
 * URNs and resource aliases as the engine computes them (`pkg/resource/deploy/step_generator.go`:
 * `collapseAliasToUrn`, `inheritedChildAlias`, `generateAliases`; `resource.CreateURN`). The runner
 * advertises the `aliasSpecs` feature, so the SDK sends alias specs and the runner resolves them.
 */
import type { AliasSpec } from "./registration";

/** The root stack's type token. */
export const stackType = "pulumi:pulumi:Stack";

/** The qualified type of a URN (`parent$child` types), `""` for a malformed one. */
export function urnQualifiedType(urn: string): string {
  return urn.split("::")[2] ?? "";
}

/** The resource name at the end of a URN. */
export function urnName(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i < 0 ? urn : urn.slice(i + 2);
}

/** The type (last `$` part of the qualified type) of a URN. */
export function urnType(urn: string): string {
  const q = urnQualifiedType(urn);
  return q.slice(q.lastIndexOf("$") + 1);
}

/** `resource.CreateURN`: parent types joined by `$`, the root stack's type left out. */
export function makeUrn(stack: string, project: string, parent: string, type: string, name: string): string {
  const parentType = parent ? urnQualifiedType(parent) : "";
  const qualified = parentType && parentType !== stackType ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** The alias resolution of one deployment: which old URN each new URN took over. */
export class AliasResolver {
  /** New URN → the old URN it was matched through (for children's inherited aliases). */
  private readonly aliasOf = new Map<string, string>();

  constructor(
    private readonly stack: string,
    private readonly project: string,
  ) {}

  private collapse(name: string, type: string, parent: string, alias: AliasSpec): string {
    if ("urn" in alias) return alias.urn;
    let aliasParent = alias.parentUrn || parent;
    if (alias.parentUrn) aliasParent = this.aliasOf.get(alias.parentUrn) ?? alias.parentUrn;
    if (alias.noParent || (aliasParent && urnQualifiedType(aliasParent) === stackType)) aliasParent = "";
    const parentType = aliasParent ? urnQualifiedType(aliasParent) : "";
    const t = alias.type || type;
    const qualified = parentType ? `${parentType}$${t}` : t;
    return `urn:pulumi:${alias.stack || this.stack}::${alias.project || this.project}::${qualified}::${alias.name || name}`;
  }

  /** `inheritedChildAlias`: the child's URN under its parent's old URN (name prefix follows the parent's). */
  private inherited(childType: string, childName: string, parentName: string, parentAlias: string): string {
    const aliasName = childName.startsWith(parentName)
      ? `${urnName(parentAlias)}${childName.slice(parentName.length)}`
      : childName;
    return `urn:pulumi:${this.stack}::${this.project}::${urnQualifiedType(parentAlias)}$${childType}::${aliasName}`;
  }

  /** Every URN a resource may have had before: its aliases, multiplied by its parent's. */
  candidates(name: string, type: string, parent: string, aliases: readonly AliasSpec[]): string[] {
    const out = new Set<string>();
    for (const a of aliases) out.add(this.collapse(name, type, parent, a));
    const parentAlias = parent ? this.aliasOf.get(parent) : undefined;
    if (parent && parentAlias) {
      out.add(this.inherited(type, name, urnName(parent), parentAlias));
      for (const a of aliases) {
        const child = this.collapse(name, type, parent, a);
        out.add(this.inherited(urnType(child), urnName(child), urnName(parent), parentAlias));
      }
    }
    return [...out];
  }

  /** Records that `urn` took over the old resource `old` (so children inherit the alias). */
  record(urn: string, old: string): void {
    this.aliasOf.set(urn, old);
  }
}
