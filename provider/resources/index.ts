/**
 * The provider's public surface: what the serialized shim in Pulumi state loads
 * (`require("pulumi-proxmox-firewall/provider").createProvider(kind)`).
 */
import "../require-node";
import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "../../sdk/shim";
import { aliasKind } from "./alias";
import { ClientPool } from "./context";
import { type KindImpl, type Notify, ResourceProviderImpl, stderrNotify } from "./framework";
import { LockoutGuard } from "./guard";
import { GuardSession } from "./guard-session";
import { ipSetKind } from "./ipset";
import { optionsKind } from "./options";
import { watchParent } from "./parent-watchdog";
import { rulesKind } from "./rules";
import { securityGroupKind } from "./security-group";

const KINDS: Readonly<Record<ResourceKind, () => KindImpl>> = {
  ClusterFirewallOptions: () => optionsKind("cluster"),
  NodeFirewallOptions: () => optionsKind("node"),
  GuestFirewallOptions: () => optionsKind("vm"),
  VnetFirewallOptions: () => optionsKind("vnet"),
  FirewallRules: () => rulesKind,
  SecurityGroup: () => securityGroupKind,
  Alias: () => aliasKind,
  IpSet: () => ipSetKind,
};

/** Options of {@link createProvider}. */
export interface ProviderOptions {
  /**
   * Receives the provider's messages to the user (what a takeover will change, warnings), one line each.
   *
   * @default - the process's stderr, which Pulumi shows as info messages
   */
  readonly notify?: Notify;
  /**
   * What the lockout guard shares between the providers of all kinds: planned results seen by
   * `check`, and the live lists it read.
   *
   * @default - the one session of this process ({@link processSession})
   */
  readonly session?: GuardSession;
}

/**
 * The lockout guard's session of this process. The Pulumi engine runs every dynamic resource of a
 * run in one provider process and calls `createProvider` once per kind, with no other way for the
 * kinds to share what `check` saw: so this one object is process-wide state on purpose.
 */
const processSession = new GuardSession();

/**
 * A fresh provider for one resource kind, with its own API clients (configured from stack config
 * and the environment when Pulumi calls `configure`). Inside Pulumi's dynamic-provider host it also
 * starts the parent watchdog: the host exits as soon as the engine (or runner) that started it is gone.
 */
export function createProvider(
  kind: ResourceKind,
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: ProviderOptions = {},
): pulumi.dynamic.ResourceProvider {
  const make = KINDS[kind];
  if (!make) throw new Error(`unknown resource kind '${String(kind)}'`);
  watchParent();
  const session = options.session ?? processSession;
  const notify = options.notify ?? stderrNotify;
  const clients = new ClientPool(env, (cluster, call) => session.observe(cluster, call));
  const guard = new LockoutGuard(session, (cluster) => clients.managementSources(cluster), notify);
  return new ResourceProviderImpl(kind, make(), clients, guard, session, notify);
}

export type { ResourceKind };
