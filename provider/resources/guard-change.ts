/**
 * Which writes can change the management path, and what each one leaves behind, as a change the
 * policy simulator overlays on the live configs ({@link PlannedChange}). Only objects that host
 * input reads are guarded: cluster and node options and rule lists, security groups (cluster rules
 * and node rules insert them), and cluster aliases and IPSets (those rules reference them; the
 * `management` and `blacklist` sets and the `local_network` alias are used by Proxmox itself).
 * Guest and VNet objects never decide whether a packet reaches a node's own address.
 *
 * @module
 */
import { validateAlias } from "../model/alias";
import { validateIpSet } from "../model/ipset";
import { canonicalOptions, type OptionsScopeKind, optionsToWire } from "../model/options";
import type { Scope } from "../model/scope";
import type { RuleFields } from "../model/wire";
import type { ChangeScope, PlannedChange } from "../policy/configs";
import type { ConfigFile, PolicyConfigs } from "../policy/types";
import type { Props } from "./framework";
import { rulesOf } from "./rules";
import { propsScope } from "./scope-input";

/** A guarded write: what it changes, for the simulation. */
export interface GuardTarget {
  /** The input a preview failure names (`enable`, `rules`, `entries`, `cidr`). */
  readonly property: string;
  /** Rules this write puts in place, whose groups and IPSets the guard must read. */
  readonly rules: readonly RuleFields[];
  /** The change, against `configs` (the live configs with the changes planned before it). */
  change(configs: PolicyConfigs): PlannedChange[];
}

const CLUSTER: ChangeScope = { kind: "cluster" };

/** The change scope of a cluster or node scope; `undefined` for any other. */
function hostInputScope(scope: Scope): ChangeScope | undefined {
  if (scope.kind === "cluster") return CLUSTER;
  if (scope.kind === "node") return { kind: "host", node: scope.node };
  return undefined;
}

function fileOf(configs: PolicyConfigs, scope: ChangeScope): ConfigFile | undefined {
  if (scope.kind === "cluster") return configs.cluster;
  return scope.kind === "host" ? configs.hosts[scope.node] : configs.guests[String(scope.vmid)];
}

/**
 * Options are authoritative: what the props set, and every other option of the kind removed
 * (as `applyOptions` plans it). Deleting the resource removes them all.
 */
function optionsTarget(kind: OptionsScopeKind, scope: ChangeScope, news: Props | undefined): GuardTarget {
  const desired = news ? canonicalOptions(kind, optionsToWire(kind, news)) : {};
  return {
    property: news?.["enable"] === true || news?.["policyIn"] === undefined ? "enable" : "policyIn",
    rules: [],
    change(configs) {
      const live = canonicalOptions(kind, fileOf(configs, scope)?.config.options ?? {});
      const options: Record<string, string | number | null> = {};
      for (const key of Object.keys(live)) options[key] = null;
      Object.assign(options, desired);
      return [{ scope, options }];
    },
  };
}

/** `rules` with every `GROUP from` rule pointing at `to` instead; `undefined` when none does. */
function renamedGroupRefs(rules: readonly RuleFields[], from: string, to: string): RuleFields[] | undefined {
  if (!rules.some((r) => r.type === "group" && r.action === from)) return undefined;
  return rules.map((r) => (r.type === "group" && r.action === from ? { ...r, action: to } : r));
}

/**
 * A security group: its rules after the write (none when deleted). A rename is done in place by
 * Proxmox, which rewrites the `GROUP` references of cluster and host rules: the change does too.
 */
function groupTarget(news: Props | undefined, olds: Props | undefined): GuardTarget {
  const name = String((news ?? olds)?.["name"]);
  const from = olds === undefined ? name : String(olds["name"]);
  const rules = news ? rulesOf(news) : [];
  return {
    property: "rules",
    rules,
    change(configs) {
      const groups: Record<string, RuleFields[] | null> = {};
      if (from !== name) groups[from] = null;
      groups[name] = news ? rules : null;
      const changes: PlannedChange[] = [{ scope: CLUSTER, groups }];
      if (news && from !== name) {
        const cluster = renamedGroupRefs(configs.cluster.config.rules, from, name);
        if (cluster) changes.push({ scope: CLUSTER, rules: cluster });
        for (const [node, file] of Object.entries(configs.hosts)) {
          const host = renamedGroupRefs(file.config.rules, from, name);
          if (host) changes.push({ scope: { kind: "host", node }, rules: host });
        }
      }
      return changes;
    },
  };
}

/** The canonical entries the props of an `IpSet` declare. */
function entriesOf(props: Props) {
  const result = validateIpSet({ name: props["name"], comment: props["comment"], entries: props["entries"] ?? [] });
  return result.ok ? result.value.entries : [];
}

/** The canonical cidr the props of an `Alias` declare. */
function aliasCidr(props: Props): string {
  const result = validateAlias({ name: props["name"], cidr: props["cidr"], comment: props["comment"] });
  return result.ok ? result.value.cidr : String(props["cidr"]);
}

/**
 * What a write of resource `kind` changes on the management path: `news` are the props it writes
 * (absent for a delete), `olds` the props it had (absent for a create). `undefined` when the write
 * cannot change whether a packet reaches a node (guest and VNet objects).
 */
export function guardTarget(kind: string, news: Props | undefined, olds: Props | undefined): GuardTarget | undefined {
  const props = news ?? olds;
  if (!props) return undefined;
  switch (kind) {
    case "ClusterFirewallOptions":
      return optionsTarget("cluster", CLUSTER, news);
    case "NodeFirewallOptions": {
      const scope = hostInputScope(propsScope(props));
      return scope && optionsTarget("node", scope, news);
    }
    case "FirewallRules": {
      const scope = hostInputScope(propsScope(props));
      if (!scope) return undefined;
      const rules = news ? rulesOf(news) : [];
      return { property: "rules", rules, change: () => [{ scope, rules }] };
    }
    case "SecurityGroup":
      return groupTarget(news, olds);
    case "IpSet": {
      if (propsScope(props).kind !== "cluster") return undefined;
      const name = String(props["name"]);
      return {
        property: "entries",
        rules: [],
        change: () => [{ scope: CLUSTER, ipsets: { [name]: news ? entriesOf(news) : null } }],
      };
    }
    case "Alias": {
      if (propsScope(props).kind !== "cluster") return undefined;
      const name = String(props["name"]);
      return {
        property: "cidr",
        rules: [],
        change: () => [{ scope: CLUSTER, aliases: { [name]: news ? aliasCidr(news) : null } }],
      };
    }
    default:
      return undefined;
  }
}
