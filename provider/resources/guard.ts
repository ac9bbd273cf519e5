/**
 * The lockout guard: refuses a write that would cut the operators off from the Proxmox API and SSH.
 *
 * **How it decides.** Before the first write of a guarded resource (see `guard-change.ts`: cluster
 * and node options and rule lists, security groups, cluster aliases and IPSets), the guard reads
 * the live configuration host input depends on (one GET per list, cached for the run and dropped
 * when this process writes the file it comes from; see `guard-live.ts`), overlays the resource's
 * planned result, and simulates with the policy engine (`checkManagementAccess`) one new TCP
 * connection from each management source to each node's address on 8006 and 22, before and after
 * the change. A packet that gets through now and would be dropped after is a lockout: the write is
 * refused before anything is sent ({@link LockoutRefusedError} `LOCKOUT_MGMT_DROP`), naming the
 * source, node, port, the rule or policy that drops it, and the fixes. A packet already dropped now
 * is reported, not refused: the guard never blocks the write that repairs access.
 *
 * **Why the final state suffices.** Every write a resource makes lies between its old and its new
 * state: options are one PUT; an alias is one PUT; the rule-list planner (`provider/plan/rules.ts`)
 * guarantees that every intermediate list gives each packet its old or its new verdict (new rules
 * are created disabled and enabled only in their final place, moves never activate a rule out of
 * order); an IPSet's entries are added before removed, so each intermediate set holds every address
 * both versions hold and none that neither holds. So a packet that reaches a node before and after
 * the write reaches it all along (an IPSet with `nomatch` entries is the exception: its
 * intermediate sets can match differently, see the README's limits). The two-step enable of the
 * cluster firewall keeps this too: its intermediate `enable` timestamp filters exactly as `enable: 1`.
 *
 * **Preview.** The engine calls only `check` for a new resource in `preview` (and `check`+`diff` for
 * an update), resource by resource, a resource with `dependsOn` after its dependencies. The check
 * therefore overlays, before its own, the planned results of the guarded resources already checked
 * in this run (recorded in the {@link GuardSession}), so the safe program (ACCEPT rules, then the
 * firewall enabled with `dependsOn` on them) passes its preview. The write itself trusts only the
 * live configuration and its own plan.
 *
 * @module
 */

import type { FirewallApi } from "../client/firewall";
import { hasCode, LockoutRefusedError } from "../errors";
import { kindOf, show } from "../model/input";
import { overlay } from "../policy/configs";
import { describeDecision } from "../policy/explain";
import { checkManagementAccess, type ManagementReach } from "../policy/management";
import type { Props } from "./framework";
import { type GuardTarget, guardTarget } from "./guard-change";
import { readLiveView } from "./guard-live";
import type { GuardSession } from "./guard-session";
import { isLoopback, loopbackEndpoint, plainAddress } from "./management-sources";

/** Where the guard's messages to the user go, one line each. */
export type GuardNotify = (line: string) => void;

/** One write (or planned write) the guard looks at. */
export interface GuardRequest {
  /** The resource class, e.g. `ClusterFirewallOptions`. */
  readonly kind: string;
  readonly id: string;
  /** `create`, `adopt`, `update` or `delete`. */
  readonly verb: string;
  /** The `cluster` input (`undefined` for the default cluster). */
  readonly cluster: string | undefined;
  /** The cluster's API client (resolved only when the guard reads: it throws when none is configured). */
  readonly api: () => FirewallApi;
  /** The props the write makes real; absent for a delete. */
  readonly news?: Props;
  /** The props the resource had; absent for a create. */
  readonly olds?: Props;
  /** The resource's `allowLockout` input. */
  readonly allowLockout: boolean;
}

/** A preview's refusal, as a check failure. */
export interface Refusal {
  readonly property: string;
  readonly reason: string;
}

/** The outcome of one simulation: the packets that get through now and would be dropped after the write. */
interface Verdict {
  readonly lost: readonly ManagementReach[];
  /** Node addresses by name, for messages. */
  readonly ips: ReadonlyMap<string, string>;
}

/** `allowLockout` split off the other inputs (see {@link lockoutInputs}). */
export interface LockoutInputs {
  /** The inputs without `allowLockout`. */
  readonly props: Props;
  /** `true`, `false`, `undefined` (left out), or Pulumi's unknown value in a preview. */
  readonly allowLockout: unknown;
  readonly issues: { path: string; reason: string }[];
}

/** Splits `allowLockout` off raw or checked inputs; `null` means left out, any other non-boolean is an issue. */
export function lockoutInputs(news: Props, isUnknown: (v: unknown) => boolean): LockoutInputs {
  const { allowLockout: raw, ...props } = news;
  const allowLockout = raw === null ? undefined : raw;
  const issues =
    allowLockout !== undefined && typeof allowLockout !== "boolean" && !isUnknown(allowLockout)
      ? [
          {
            path: "allowLockout",
            reason: `${show(allowLockout)} is ${kindOf(allowLockout)}, not true or false; use true to let this resource's writes skip the lockout guard`,
          },
        ]
      : [];
  return { props, allowLockout, issues };
}

/** How many dropped packets a message lists before it says how many more there are. */
const MAX_LISTED = 8;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function packetText(r: ManagementReach, ips: ReadonlyMap<string, string>): string {
  const from = r.address === r.source ? r.source : `${r.source} (tested as ${r.address})`;
  const ip = ips.get(r.node);
  return `${from} -> node ${r.node}${ip ? ` (${ip})` : ""} tcp/${r.port}: ${describeDecision(r.decidedBy)}`;
}

function packetList(verdict: Verdict): string {
  const reaches = verdict.lost;
  const shown = reaches.slice(0, MAX_LISTED).map((r) => `\n  ${packetText(r, verdict.ips)}`);
  const more = reaches.length > MAX_LISTED ? `\n  ... and ${reaches.length - MAX_LISTED} more` : "";
  return `${shown.join("")}${more}`;
}

/**
 * The body of a refusal: what would be dropped, by what, and how to fix it (`written` says that
 * nothing was written, for the write's own refusal).
 */
function lockoutText(req: GuardRequest, verdict: Verdict, written: string): string {
  const lost = verdict.lost;
  const sources = [...new Set(lost.map((r) => r.source))].join(", ");
  const ports = [...new Set(lost.map((r) => `tcp/${r.port}`))].join(" and ");
  // Proxmox accepts the 'management' IPSet after the cluster and host rules, before the policy:
  // adding the address there helps only against a policy
  const byPolicy = lost.every((r) => r.decidedBy.kind !== "rule");
  const where = byPolicy
    ? "an ACCEPT rule in the cluster's or the node's FirewallRules, or the address in the cluster IPSet 'management'"
    : "an ACCEPT rule in the cluster's or the node's FirewallRules; the cluster IPSet 'management' does not help, since Proxmox accepts it only after the rules";
  return (
    `this ${req.verb} would lock you out: with it, the firewall drops new connections from the management sources to the nodes (LOCKOUT_MGMT_DROP):` +
    `${packetList(verdict)}\n` +
    `${written}fix: accept ${ports} from ${sources} above the rule or policy that drops them (${where}); ` +
    `if that rule is declared in this program, give this resource dependsOn on it so that it exists first; ` +
    `or, if you can reach the nodes another way (a console), set allowLockout: true on this resource`
  );
}

/**
 * The lockout guard of one provider (one resource kind), over the session shared by all kinds of
 * the process. See the module comment for how it decides.
 */
export class LockoutGuard {
  readonly #session: GuardSession;
  readonly #sources: (cluster: string | undefined) => readonly string[] | undefined;
  readonly #notify: GuardNotify;
  readonly #nowMs: () => number;

  /**
   * @param sources - the configured management sources of a cluster (`undefined` when none is set)
   * @param nowMs - the clock, for an anti-lockout `enable` timestamp in the live options @default Date.now
   */
  constructor(
    session: GuardSession,
    sources: (cluster: string | undefined) => readonly string[] | undefined,
    notify: GuardNotify,
    nowMs: () => number = Date.now,
  ) {
    this.#session = session;
    this.#sources = sources;
    this.#notify = notify;
    this.#nowMs = nowMs;
  }

  /**
   * The check of a planned write (`check`, also in `preview`): simulates it on the live configs with
   * the planned results of the guarded resources checked before it in this run, and returns the
   * refusal a write would throw; otherwise records its own planned result for the checks after it.
   * A failed read is reported and not held against the inputs (the write checks again).
   */
  async preview(req: GuardRequest): Promise<Refusal | undefined> {
    const target = guardTarget(req.kind, req.news, req.olds);
    if (!target) return undefined;
    const cluster = req.cluster ?? "";
    const key = `${req.kind} ${req.id}`;
    let verdict: Verdict | undefined;
    try {
      verdict = await this.#evaluate(req, target, this.#session.planned(cluster, key));
    } catch (e) {
      this.#notify(
        `warning: ${req.kind} ${req.id}: the lockout guard could not read the live configuration (${messageOf(e)}); the ${req.verb} checks again before it writes`,
      );
    }
    if (verdict && verdict.lost.length > 0)
      return { property: target.property, reason: `${req.kind} ${req.id}: ${lockoutText(req, verdict, "")}` };
    this.#session.plan(cluster, key, target);
    return undefined;
  }

  /**
   * The check before the first write of `req`: simulates its result on the live configs alone.
   *
   * @throws LockoutRefusedError `LOCKOUT_MGMT_DROP` when the write would lock the operators out,
   *   `LOCKOUT_UNVERIFIED` when the live configuration cannot be read; nothing has been written then
   */
  async beforeWrite(req: GuardRequest): Promise<void> {
    const target = guardTarget(req.kind, req.news, req.olds);
    if (!target) return;
    let verdict: Verdict | undefined;
    try {
      verdict = await this.#evaluate(req, target, []);
    } catch (e) {
      if (hasCode(e, "FW_CONFIG")) throw e;
      throw new LockoutRefusedError(
        "LOCKOUT_UNVERIFIED",
        `refusing to ${req.verb} ${req.kind} ${req.id}: the lockout guard could not read the live configuration it checks the write against (${messageOf(e)}); nothing was written; ` +
          "let the API token read /cluster/status (Sys.Audit on /) and /nodes/<node>/network, or set allowLockout: true on this resource",
      );
    }
    if (verdict && verdict.lost.length > 0)
      throw new LockoutRefusedError(
        "LOCKOUT_MGMT_DROP",
        `refusing to ${req.verb} ${req.kind} ${req.id}: ${lockoutText(req, verdict, "nothing was written; ")}`,
      );
  }

  /** Simulates `target` on the live configs with `base` applied first; `undefined` when nothing is checked. */
  async #evaluate(req: GuardRequest, target: GuardTarget, base: readonly GuardTarget[]): Promise<Verdict | undefined> {
    if (req.allowLockout) {
      this.#notify(`${req.kind} ${req.id}: allowLockout is set, so the lockout guard does not check this ${req.verb}`);
      return undefined;
    }
    const api = req.api();
    const sources = await this.#sourcesOf(req, api);
    if (!sources) return undefined;
    const cluster = req.cluster ?? "";
    const view = await readLiveView(this.#session.lists(cluster), api, [
      ...base.flatMap((t) => t.rules),
      ...target.rules,
    ]);
    for (const note of view.notes) this.#once(`note ${cluster} ${note}`, `lockout guard: ${note}`);
    let configs = view.configs;
    for (const t of base) configs = overlay(configs, t.change(configs));
    const nowSec = Math.floor(this.#nowMs() / 1000);
    const input = { configs, topology: view.topology, sources, nowSec };
    const before = checkManagementAccess(input);
    const after = checkManagementAccess({ ...input, changes: target.change(configs) });
    if (after.length === 0)
      this.#once(
        `none ${cluster}`,
        view.topology.nodes.length === 0
          ? "lockout guard: /cluster/status lists no node with an address; nothing is checked"
          : `lockout guard: no management source (${sources.join(", ")}) is of the IP family of a node's address; nothing is checked`,
      );
    const ips = new Map(view.topology.nodes.map((n) => [n.name, n.ip]));
    const reachedBefore = new Set(before.filter((r) => r.reaches).map((r) => `${r.address} ${r.node} ${r.port}`));
    const lost = after.filter((r) => !r.reaches && reachedBefore.has(`${r.address} ${r.node} ${r.port}`));
    for (const r of after.filter((x) => !x.reaches && !reachedBefore.has(`${x.address} ${x.node} ${x.port}`)))
      this.#once(
        `already ${cluster} ${r.address} ${r.node} ${r.port}`,
        `lockout guard: ${packetText(r, ips)} is dropped already, before this change (not held against it)`,
      );
    return { lost, ips };
  }

  /**
   * The management sources of the request's cluster: the configured ones, else the address this
   * provider's client connects from (learnt from its first connection, or known without one when the
   * endpoint itself is loopback), unless that is loopback.
   * `undefined` (with a one-time note) when there is nothing to check.
   */
  async #sourcesOf(req: GuardRequest, api: FirewallApi): Promise<readonly string[] | undefined> {
    const configured = this.#sources(req.cluster);
    if (configured) return configured;
    const cluster = req.cluster ?? "";
    const which = req.cluster === undefined ? "the cluster" : `cluster '${req.cluster}'`;
    // A connection to a loopback endpoint comes from loopback: known without a read.
    let local = plainAddress(api.http.localAddress) ?? loopbackEndpoint(api.http.endpointHost);
    if (local === undefined) {
      // This kind's client has not connected yet (the cached lists may come from another kind's):
      // one read it needs anyway opens its connection.
      const status = await api.getClusterStatus();
      void this.#session.lists(cluster).once("status", async () => status);
      local = plainAddress(api.http.localAddress);
    }
    if (local === undefined) {
      this.#once(
        `sources ${cluster}`,
        `lockout guard: proxmox:managementSources is not set and the address this provider connects to ${which} from is unknown; writes are not checked (set proxmox:managementSources to the addresses you manage the cluster from)`,
      );
      return undefined;
    }
    if (isLoopback(local)) {
      this.#once(
        `sources ${cluster}`,
        `lockout guard: proxmox:managementSources is not set and this provider reaches ${which} from ${local}, a loopback address, which Proxmox never filters: there is nothing to check (set proxmox:managementSources to the addresses you manage the cluster from)`,
      );
      return undefined;
    }
    this.#once(
      `sources ${cluster}`,
      `lockout guard: checking writes to ${which} against access from ${local}, the address this provider connects from (set proxmox:managementSources to choose the addresses)`,
    );
    return [local];
  }

  #once(key: string, line: string): void {
    if (this.#session.firstTime(key)) this.#notify(line);
  }
}
