/**
 * Decodes the two requests a program sends for a resource, `RegisterResource` (`new Resource(...)`)
 * and `ReadResource` (`Resource.get(name, id)`), into plain objects, and refuses every field a user
 * can set that the runner does not implement. Each field of both messages is listed here once:
 * implemented, protocol-only, informational (ignored), or refused with an error naming the option.
 */
import type * as resproto from "@pulumi/pulumi/proto/resource_pb";
import type { Props } from "./props";

/** One alias of a registration: an old URN, or a spec the engine turns into one. */
export type AliasSpec =
  | { readonly urn: string }
  | {
      readonly name: string;
      readonly type: string;
      readonly stack: string;
      readonly project: string;
      /** `""` = the resource's own parent. */
      readonly parentUrn: string;
      readonly noParent: boolean;
    };

/** One resource registration, decoded. */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly custom: boolean;
  /** Inputs in wire form (secret-wrapped, unknowns as `unknownValue`). */
  readonly inputs: Props;
  /** `dependsOn` plus every property dependency, deduplicated. */
  readonly dependencies: readonly string[];
  /** The resources each input property's value came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** `deleteBeforeReplace`, `undefined` when the program did not set it (the provider decides). */
  readonly deleteBeforeReplace: boolean | undefined;
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  /** `protect`, `undefined` when not set. */
  readonly protect: boolean | undefined;
  /** `retainOnDelete`, `undefined` when not set. */
  readonly retainOnDelete: boolean | undefined;
  readonly aliases: readonly AliasSpec[];
}

/** One `Resource.get(name, id)`, decoded. */
export interface ReadRegistration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  /** The ID to read; `unknownValue` when not known yet (preview). */
  readonly id: string;
  /** The properties the program gave (for a dynamic resource: `__provider`). */
  readonly properties: Props;
  readonly dependencies: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
}

/** The engine's `resource.URN` for a resource: parent types joined by `$`, the root stack's type left out. */
export type UrnMaker = (parent: string, type: string, name: string) => string;

/** A resource option the runner refuses, with why; the message names the option. */
function refused(option: string, why: string): Error {
  return new Error(`the \`${option}\` resource option is not supported by the local runner: ${why}`);
}

const NEEDS_CLI = "use pulumi up for this program";

/** Why the `import` option is refused, and what works instead (pulumi/pulumi#16175). */
export const IMPORT_REFUSAL =
  "Pulumi's engine imports by calling the provider's Read with no inputs and no state, so the nodejs " +
  "dynamic-provider host cannot load a dynamic provider (pulumi/pulumi#16175: `pulumi import` and the " +
  "`import` option fail the same way under the Pulumi CLI); take the object over with the `adopt: true` " +
  "input, or read it without managing it with `Resource.get(name, id)`";

/** Why `transforms` are refused: the runner never calls back into the program. */
const NO_CALLBACKS =
  "the runner does not call back into the program; change the args and options in the program instead, or use pulumi up for this program";

/**
 * The refusal of a registration made after the program registered a stack transform with
 * `pulumi.runtime.registerResourceTransform` (the engine would run it on every later registration).
 */
export function stackTransformRefusal(): Error {
  return new Error(
    `the stack transform the program registered (\`pulumi.runtime.registerResourceTransform\`) is not supported by the local runner: ${NO_CALLBACKS}`,
  );
}

/**
 * The refusal of an invoke made after the program registered an invoke transform with
 * `pulumi.runtime.registerInvokeTransform` (the engine would run it on every later invoke).
 */
export function invokeTransformRefusal(): Error {
  return new Error(
    `the invoke transform the program registered (\`pulumi.runtime.registerInvokeTransform\`) is not supported by the local runner: ${NO_CALLBACKS}`,
  );
}

/** Decodes a RegisterResourceRequest; throws on any option the runner does not implement. */
export function decodeRegistration(r: resproto.RegisterResourceRequest, urnOf: UrnMaker): Registration {
  const type = r.getType();
  const name = r.getName();
  const no = (option: string, why = NEEDS_CLI) => refused(option, why);
  // Implemented options are decoded below. Protocol flags (acceptSecrets, acceptResources,
  // supportsPartialValues, supportsResultReporting, aliasSpecs) and informational fields
  // (sourcePosition, stackTrace, parentStackTraceHandle) need no handling.
  if (r.getImportid()) throw no("import", IMPORT_REFUSAL);
  if (r.getProvider()) throw no("provider", "explicit provider resources are not run; remove the option");
  if (r.getProvidersMap().getLength() > 0) throw no("providers", "explicit provider resources are not run");
  if (r.getVersion()) throw no("version", "plugin versions are not resolved; remove the option");
  if (r.getPlugindownloadurl()) throw no("pluginDownloadURL");
  if (r.getPluginchecksumsMap().getLength() > 0) throw no("pluginChecksums");
  if (r.getPackageref()) throw no("package reference", "parameterized packages are not run");
  if (r.getRemote()) throw no("remote component", "component providers (multi-language components) are not run");
  const timeouts = r.getCustomtimeouts();
  if (timeouts && [timeouts.getCreate(), timeouts.getUpdate(), timeouts.getDelete(), timeouts.getRead()].some(Boolean))
    throw no("customTimeouts", "dynamic providers get no timeout from the engine; remove the option");
  if (r.getDeletedwith()) throw no("deletedWith");
  if (r.getReplaceWithList().length > 0) throw no("replaceWith");
  if (r.hasReplacementTrigger()) throw no("replacementTrigger");
  if (r.getHidediffsList().length > 0) throw no("hideDiffs");
  if (r.getTransformsList().length > 0) throw no("transforms", NO_CALLBACKS);
  if (r.getEnvvarmappingsMap().getLength() > 0) throw no("envVarMappings");
  const hooks = r.getHooks();
  if (
    hooks &&
    [
      hooks.getBeforeCreateList(),
      hooks.getAfterCreateList(),
      hooks.getBeforeUpdateList(),
      hooks.getAfterUpdateList(),
      hooks.getBeforeDeleteList(),
      hooks.getAfterDeleteList(),
      hooks.getOnErrorList(),
    ].some((l) => l.length > 0)
  )
    throw no(
      "hooks",
      "the runner does not run resource hooks (they call back into the program); use pulumi up for this program",
    );

  const deps = new Set(r.getDependenciesList());
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, pd] of r.getPropertydependenciesMap().entries()) {
    propertyDependencies[key] = pd.getUrnsList();
    for (const u of pd.getUrnsList()) deps.add(u);
  }
  const aliases: AliasSpec[] = [
    ...r.getAliasurnsList().map((urn) => ({ urn })),
    ...r.getAliasesList().map((a): AliasSpec => {
      const spec = a.getSpec();
      if (!spec) return { urn: a.getUrn() };
      return {
        name: spec.getName(),
        type: spec.getType(),
        stack: spec.getStack(),
        project: spec.getProject(),
        parentUrn: spec.getParenturn(),
        noParent: spec.getNoparent(),
      };
    }),
  ];
  return {
    urn: urnOf(r.getParent(), type, name),
    type,
    name,
    parent: r.getParent(),
    custom: r.getCustom(),
    inputs: (r.getObject()?.toJavaScript() ?? {}) as Props,
    dependencies: [...deps],
    propertyDependencies,
    deleteBeforeReplace: r.getDeletebeforereplacedefined() ? r.getDeletebeforereplace() : undefined,
    ignoreChanges: r.getIgnorechangesList(),
    replaceOnChanges: r.getReplaceonchangesList(),
    additionalSecretOutputs: r.getAdditionalsecretoutputsList(),
    protect: r.hasProtect() ? r.getProtect() : undefined,
    retainOnDelete: r.hasRetainondelete() ? r.getRetainondelete() : undefined,
    aliases,
  };
}

/** Decodes a ReadResourceRequest; throws on any option the runner does not implement. */
export function decodeRead(r: resproto.ReadResourceRequest, urnOf: UrnMaker): ReadRegistration {
  const type = r.getType();
  const name = r.getName();
  const no = (option: string, why = NEEDS_CLI) => refused(option, why);
  // Protocol flags (acceptSecrets, acceptResources) and informational fields (sourcePosition,
  // stackTrace, parentStackTraceHandle) need no handling.
  if (r.getProvider()) throw no("provider", "explicit provider resources are not run; remove the option");
  if (r.getVersion()) throw no("version", "plugin versions are not resolved; remove the option");
  if (r.getPlugindownloadurl()) throw no("pluginDownloadURL");
  if (r.getPluginchecksumsMap().getLength() > 0) throw no("pluginChecksums");
  if (r.getPackageref()) throw no("package reference", "parameterized packages are not run");
  return {
    urn: urnOf(r.getParent(), type, name),
    type,
    name,
    parent: r.getParent(),
    id: r.getId(),
    properties: (r.getProperties()?.toJavaScript() ?? {}) as Props,
    dependencies: [...new Set(r.getDependenciesList())],
    additionalSecretOutputs: r.getAdditionalsecretoutputsList(),
  };
}
