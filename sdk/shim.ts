import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/** Every resource kind the provider implements; also the `type` part of the type token. */
export type ResourceKind =
  | "ClusterFirewallOptions"
  | "NodeFirewallOptions"
  | "GuestFirewallOptions"
  | "VnetFirewallOptions"
  | "FirewallRules"
  | "SecurityGroup"
  | "Alias"
  | "IpSet";

/** The module part of every type token: `pulumi-nodejs:dynamic/proxmox-firewall:<ResourceKind>`. */
export const TYPE_MODULE = "proxmox-firewall";

interface Shim extends pulumi.dynamic.ResourceProvider {
  impl?: pulumi.dynamic.ResourceProvider;
  real(): pulumi.dynamic.ResourceProvider;
}

/**
 * The provider object Pulumi serializes into state for every resource of `kind`.
 *
 * It is deliberately tiny and captures nothing but `kind`: at run time it `require`s the installed
 * `pulumi-proxmox-firewall/provider` from the program's `node_modules`, so upgrading the package
 * upgrades the behaviour of existing stacks, and no credential or client state is ever serialized
 * (credentials reach the provider through `configure`, from stack config, or from the environment).
 */
export function providerShim(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  const shim: Shim = {
    real() {
      if (!this.impl) this.impl = require("pulumi-proxmox-firewall/provider").createProvider(kind);
      return this.impl as pulumi.dynamic.ResourceProvider;
    },
    async configure(req) {
      await this.real().configure?.(req);
    },
    check(olds, news) {
      return this.real().check!(olds, news);
    },
    diff(id, olds, news) {
      return this.real().diff!(id, olds, news);
    },
    create(inputs) {
      return this.real().create(inputs);
    },
    read(id, props) {
      return this.real().read!(id, props);
    },
    update(id, olds, news) {
      return this.real().update!(id, olds, news);
    },
    delete(id, props) {
      return this.real().delete!(id, props);
    },
  };
  return shim;
}

/**
 * The ownership ID of resource `name` of `kind` in `project`/`stack`: the first 16 hex characters of
 * sha256(`<project>/<stack>/<type token>/<name>`). Deterministic, so a later `up` of the same stack
 * recognises an object its interrupted create left half-made, and different for every stack and
 * resource (two resources of one kind and name under different parents share it).
 */
export function ownerId(project: string, stack: string, kind: ResourceKind, name: string): string {
  const token = `pulumi-nodejs:dynamic/${TYPE_MODULE}:${kind}`;
  return createHash("sha256").update(`${project}/${stack}/${token}/${name}`).digest("hex").slice(0, 16);
}

/**
 * The constructor arguments of `pulumi.dynamic.Resource` for one of our resources. `props` holds the
 * user's args plus every output-only property set to `undefined` (Pulumi's convention), and the
 * hidden input `__owner` ({@link ownerId}), which the provider uses to mark what a create has half made
 * (a dynamic provider never sees the URN).
 */
export function dynamicArgs(
  kind: ResourceKind,
  name: string,
  props: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions | undefined,
): [pulumi.dynamic.ResourceProvider, string, pulumi.Inputs, pulumi.CustomResourceOptions | undefined, string, string] {
  const __owner = ownerId(pulumi.getProject(), pulumi.getStack(), kind, name);
  return [providerShim(kind), name, { ...props, __owner }, opts, TYPE_MODULE, kind];
}

/** The output properties of resource class `R`: its `pulumi.Output` members other than `id` and `urn`. */
export type OutputKey<R> = Exclude<
  { [K in keyof R]-?: R[K] extends pulumi.OutputInstance<unknown> ? K : never }[keyof R],
  "id" | "urn"
>;

/**
 * Every output of resource class `R`, each marked `"input"` (the user's arg of the same name, stored
 * as the provider normalised it) or `"output"` (computed by the provider; never sent as input).
 * A `Record` over {@link OutputKey}, so the compiler fails when a declared output is missing here.
 */
export type OutputSpec<R> = Readonly<Record<OutputKey<R>, "input" | "output">>;

/**
 * The props a resource passes to `super(...)`: every output key of `spec` (as `undefined` unless
 * given), then `defaults` and the user's `args`, then every provider-computed output as `undefined`.
 *
 * Pulumi creates a resource's output properties only for the keys present in these props
 * (`transferProperties` in `@pulumi/pulumi/runtime/rpc`), so a key left out is `undefined` on the
 * object, also after `get()`, whose props carry only {@link GET_MARKER}. Generated Pulumi SDKs set
 * every output key the same way (`resourceInputs["x"] = undefined`). An `undefined` value is not
 * sent to the provider. For a `get()`, `defaults` are left out: its props reach the provider's read.
 */
export function resourceProps<R>(
  spec: OutputSpec<R>,
  args: object,
  defaults: Record<string, unknown> = {},
): Record<string, unknown> {
  const kinds = Object.entries(spec) as [string, "input" | "output"][];
  const props: Record<string, unknown> = Object.fromEntries(kinds.map(([key]) => [key, undefined]));
  Object.assign(props, GET_MARKER in args ? {} : defaults, args);
  for (const [key, kind] of kinds) if (kind === "output") props[key] = undefined;
  return props;
}

/**
 * The property that marks the props of a `static get(name, id)`: the provider's read then fails
 * when the object does not exist, instead of answering "nothing here" (which a refresh of a deleted
 * object needs, but which the engine's read step would record as a resource without properties).
 */
export const GET_MARKER = "__get";

/**
 * Args for `static get(name, id)`: with `opts.id` set, Pulumi does not create anything but sends
 * these props to the provider's read (its read step passes the program's props as inputs and
 * state), so they carry only {@link GET_MARKER} (every output key is added, as `undefined`, by
 * {@link resourceProps}).
 */
export function getArgs<T>(): T {
  return { [GET_MARKER]: true } as T;
}
