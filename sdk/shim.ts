import type * as pulumi from "@pulumi/pulumi";

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
 * The constructor arguments of `pulumi.dynamic.Resource` for one of our resources. `props` holds the
 * user's args plus every output-only property set to `undefined` (Pulumi's convention).
 */
export function dynamicArgs(
  kind: ResourceKind,
  name: string,
  props: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions | undefined,
): [pulumi.dynamic.ResourceProvider, string, pulumi.Inputs, pulumi.CustomResourceOptions | undefined, string, string] {
  return [providerShim(kind), name, props, opts, TYPE_MODULE, kind];
}

/**
 * Placeholder args for `static get(name, id)`: when `opts.id` is set, Pulumi reads the object by
 * its ID and the args are not used, so none are needed.
 */
export function adopt<T>(): T {
  return {} as T;
}
