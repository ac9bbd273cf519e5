import type { AliasFields, IpSetEntryFields, RuleFields } from "../model/wire";

/**
 * The operations planners emit. Each op is exactly ONE Proxmox API call, so a plan's length is
 * its write cost. Ops carry no digest: the executor (`resources/apply.ts`) adds it, because the
 * digest depends on the state the op meets at run time, not on the plan.
 */

/** A rule field name, as Proxmox spells it (`icmp-type`). */
export type RuleField = keyof RuleFields;

/**
 * `POST .../rules`. Proxmox ALWAYS inserts the new rule at index 0 and ignores `pos`, and it
 * defaults `enable` to 0, so `fields.enable` is always set explicitly (0 or 1).
 */
export interface CreateRuleOp {
  readonly kind: "createRule";
  readonly fields: RuleFields;
}

/**
 * `PUT .../rules/{pos}` without `moveto`: `set` overwrites fields, then `delete` removes fields
 * (Proxmox applies `delete` after the sent values). The merged rule must be valid as a whole.
 */
export interface UpdateRuleOp {
  readonly kind: "updateRule";
  readonly pos: number;
  readonly set: Partial<RuleFields>;
  readonly delete: readonly RuleField[];
}

/**
 * `PUT .../rules/{pos}` with `moveto` (!= `pos`): the rule is taken out, then inserted before the
 * element that had old index `moveto`; moving down therefore lands at `moveto - 1`, and
 * `moveto >= length` appends. To reach final index `t`, send `t` when moving up and `t + 1` when
 * moving down. Proxmox ignores every other field in a move.
 */
export interface MoveRuleOp {
  readonly kind: "moveRule";
  readonly pos: number;
  readonly moveto: number;
}

/** `DELETE .../rules/{pos}`: later rules move up by one (positions stay dense). */
export interface DeleteRuleOp {
  readonly kind: "deleteRule";
  readonly pos: number;
}

/** One write to one rule list (a scope's rules or a security group's rules). */
export type RuleOp = CreateRuleOp | UpdateRuleOp | MoveRuleOp | DeleteRuleOp;

/** `POST .../ipset/{name}`: add one entry (no digest parameter exists for it). */
export interface AddEntryOp {
  readonly kind: "addEntry";
  readonly entry: IpSetEntryFields;
}

/**
 * `PUT .../ipset/{name}/{cidr}`. Proxmox replaces BOTH `comment` and `nomatch` (an omitted one
 * is cleared), so both are always present: `comment: ""` means no comment, `nomatch: 0` means a
 * matching entry.
 */
export interface UpdateEntryOp {
  readonly kind: "updateEntry";
  readonly cidr: string;
  readonly comment: string;
  readonly nomatch: 0 | 1;
}

/** `DELETE .../ipset/{name}/{cidr}` (cidr in Proxmox's normalised text). */
export interface DeleteEntryOp {
  readonly kind: "deleteEntry";
  readonly cidr: string;
}

/** `POST .../ipset` with `name` (and `comment` when set): create an empty set. */
export interface CreateIpSetOp {
  readonly kind: "createIpSet";
  readonly name: string;
  readonly comment?: string;
}

/**
 * `POST .../ipset` with `name=<to>` and `rename=<from>` (Proxmox puts the OLD name in `rename`).
 * `from === to` only sets the comment. Rules that say `+from` are not rewritten by Proxmox.
 * An omitted `comment` is assumed to clear the comment, as on create.
 */
export interface RenameIpSetOp {
  readonly kind: "renameIpSet";
  readonly from: string;
  readonly to: string;
  readonly comment?: string;
}

/** One write to an IPSet: the set itself or one of its entries. */
export type IpSetOp = CreateIpSetOp | RenameIpSetOp | AddEntryOp | UpdateEntryOp | DeleteEntryOp;

/**
 * `PUT .../options`: `set` holds only changed values, `delete` returns options to Proxmox's
 * default. Proxmox applies `delete` FIRST, then the sent values (the reverse of rules).
 */
export interface SetOptionsOp {
  readonly kind: "setOptions";
  readonly set: Readonly<Record<string, string | number>>;
  readonly delete: readonly string[];
}

/** The only write to a scope's options. */
export type OptionsOp = SetOptionsOp;

/** `POST .../aliases`. */
export interface CreateAliasOp {
  readonly kind: "createAlias";
  readonly fields: AliasFields;
}

/**
 * `PUT .../aliases/{name}`. Proxmox rebuilds the alias from the parameters: `cidr` is required on
 * every call and an omitted comment is cleared, so both are always sent (`comment: ""` = none).
 * `rename` holds the NEW name. Without `rename`, the stored display name becomes `name` as given
 * (alias names are case-insensitive keys).
 */
export interface UpdateAliasOp {
  readonly kind: "updateAlias";
  readonly name: string;
  readonly cidr: string;
  readonly comment: string;
  readonly rename?: string;
}

/** `DELETE .../aliases/{name}` (succeeds even when the alias is already gone). */
export interface DeleteAliasOp {
  readonly kind: "deleteAlias";
  readonly name: string;
}

/** One write to one alias. */
export type AliasOp = CreateAliasOp | UpdateAliasOp | DeleteAliasOp;

/** `POST /cluster/firewall/groups` with `group` (and `comment`): create an empty group. */
export interface CreateGroupOp {
  readonly kind: "createGroup";
  readonly group: string;
  readonly comment?: string;
}

/**
 * `POST /cluster/firewall/groups` with `group=<to>` and `rename=<from>`. `from === to` only sets
 * the comment. A real rename makes Proxmox rewrite `GROUP from` references in cluster, host and
 * guest rules (not in VNet rules).
 */
export interface RenameGroupOp {
  readonly kind: "renameGroup";
  readonly from: string;
  readonly to: string;
  readonly comment?: string;
}

/** `DELETE /cluster/firewall/groups/{group}`; Proxmox refuses while the group still has rules. */
export interface DeleteGroupOp {
  readonly kind: "deleteGroup";
  readonly group: string;
}

/** One write to a security group itself (its rules are {@link RuleOp}s). */
export type GroupOp = CreateGroupOp | RenameGroupOp | DeleteGroupOp;

/** Every op any planner emits. */
export type Op = RuleOp | IpSetOp | OptionsOp | AliasOp | GroupOp;

function ruleText(r: Partial<RuleFields>): string {
  const parts: string[] = [];
  if (r.type !== undefined) parts.push(r.type.toUpperCase());
  if (r.action !== undefined) parts.push(r.action);
  if (r.macro !== undefined) parts.push(`macro ${r.macro}`);
  if (r.iface !== undefined) parts.push(`-i ${r.iface}`);
  if (r.source !== undefined) parts.push(`-source ${r.source}`);
  if (r.dest !== undefined) parts.push(`-dest ${r.dest}`);
  if (r.proto !== undefined) parts.push(`-p ${r.proto}`);
  if (r.sport !== undefined) parts.push(`-sport ${r.sport}`);
  if (r.dport !== undefined) parts.push(`-dport ${r.dport}`);
  if (r["icmp-type"] !== undefined) parts.push(`-icmp-type ${r["icmp-type"]}`);
  if (r.log !== undefined) parts.push(`-log ${r.log}`);
  if (r.enable !== undefined) parts.push(r.enable === 0 ? "(disabled)" : "(enabled)");
  if (r.comment !== undefined) parts.push(`# ${r.comment}`);
  return parts.join(" ");
}

function setText(set: Readonly<Record<string, unknown>>): string {
  return Object.entries(set)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");
}

/**
 * A one-line, human summary of an op for plan display, e.g.
 * `move rule 4 of cluster to index 1` or `add entry 10.0.0.0/8 (nomatch) to cluster/ipset/mgmt`.
 *
 * @param op the op to describe
 * @param scopeLabel where the op applies: a scope ID (`node/pve1`), a set (`cluster/ipset/mgmt`), ...
 */
export function describeOp(op: Op, scopeLabel: string): string {
  switch (op.kind) {
    case "createRule":
      return `create rule at top of ${scopeLabel}: ${ruleText(op.fields)}`;
    case "updateRule": {
      const parts = [setText(op.set), op.delete.length > 0 ? `delete ${op.delete.join(",")}` : ""].filter(Boolean);
      return `update rule ${op.pos} of ${scopeLabel}: ${parts.join("; ") || "no change"}`;
    }
    case "moveRule": {
      const target = op.moveto > op.pos ? op.moveto - 1 : op.moveto;
      return `move rule ${op.pos} of ${scopeLabel} to index ${target}`;
    }
    case "deleteRule":
      return `delete rule ${op.pos} of ${scopeLabel}`;
    case "addEntry":
      return `add entry ${op.entry.cidr}${op.entry.nomatch ? " (nomatch)" : ""} to ${scopeLabel}`;
    case "updateEntry":
      return `update entry ${op.cidr} of ${scopeLabel}: nomatch=${op.nomatch}, comment=${JSON.stringify(op.comment)}`;
    case "deleteEntry":
      return `delete entry ${op.cidr} from ${scopeLabel}`;
    case "createIpSet":
      return `create ipset ${op.name} in ${scopeLabel}`;
    case "renameIpSet":
      return op.from === op.to
        ? `set comment of ipset ${op.to} in ${scopeLabel} to ${JSON.stringify(op.comment ?? "")}`
        : `rename ipset ${op.from} to ${op.to} in ${scopeLabel}`;
    case "setOptions": {
      const parts = [setText(op.set), op.delete.length > 0 ? `reset ${op.delete.join(",")}` : ""].filter(Boolean);
      return `set options of ${scopeLabel}: ${parts.join("; ")}`;
    }
    case "createAlias":
      return `create alias ${op.fields.name} = ${op.fields.cidr} in ${scopeLabel}`;
    case "updateAlias":
      return op.rename !== undefined
        ? `rename alias ${op.name} to ${op.rename} (= ${op.cidr}) in ${scopeLabel}`
        : `update alias ${op.name} = ${op.cidr} in ${scopeLabel}`;
    case "deleteAlias":
      return `delete alias ${op.name} from ${scopeLabel}`;
    case "createGroup":
      return `create security group ${op.group} in ${scopeLabel}`;
    case "renameGroup":
      return op.from === op.to
        ? `set comment of security group ${op.to} in ${scopeLabel} to ${JSON.stringify(op.comment ?? "")}`
        : `rename security group ${op.from} to ${op.to} in ${scopeLabel}`;
    case "deleteGroup":
      return `delete security group ${op.group} from ${scopeLabel}`;
  }
}
