import * as pulumi from "@pulumi/pulumi";
import type { CommonArgs, FirewallScopeArgs } from "./scope";
import { dynamicArgs, getArgs } from "./shim";

/** One member of an {@link IpSet}. */
export interface IpSetEntryArgs {
  /**
   * Address, CIDR network, or alias name (`office`, `dc/office`, `guest/office`). Proxmox field
   * `cidr`. A CIDR with host bits means its network (`10.0.0.5/24` is stored as `10.0.0.0/24`, as
   * Proxmox clears them), and `check` logs a warning naming the entry and the value used. `/32` and
   * `/128` are dropped and an IPv6 network is written compressed in lower case, as Proxmox does; a
   * bare IPv6 address keeps its case (Proxmox treats `2001:DB8::1` and `2001:db8::1` as two
   * entries). A zero prefix (`0.0.0.0/0`) is not allowed; two entries that are the same after
   * this normalisation are an error.
   */
  readonly cidr: pulumi.Input<string>;
  /**
   * Exclude this network from the set instead of including it. Proxmox field `nomatch`.
   *
   * @default false
   */
  readonly nomatch?: pulumi.Input<boolean>;
  /**
   * Free text. Proxmox field `comment`. One line without control characters; spaces around it
   * are trimmed; blank or `"0"` (which Proxmox does not store) becomes no comment, with a warning.
   *
   * @default - no comment
   */
  readonly comment?: pulumi.Input<string>;
}

/**
 * Arguments of {@link IpSet}: a named set of addresses that rules reference as `+name`.
 *
 * Any other property is an error (`ref` and `digest` are outputs); `null` in an optional field
 * means left out.
 *
 * The resource owns the set and all its entries. Entries are reconciled one at a time (added
 * before removed, so the set is never emptied on update): changing one entry of a 10,000-entry set
 * costs one or two API calls, never a rebuild.
 *
 * @see https://pve.proxmox.com/pve-docs/chapter-pve-firewall.html#pve_firewall_ip_sets
 * @example new IpSet("mgmt", { name: "management", entries: [{ cidr: "192.0.2.0/24" }] });
 */
export interface IpSetArgs extends CommonArgs {
  /**
   * Set name, as rules reference it (`+management`). Proxmox field `name`.
   *
   * 2 to 64 characters: lower-case letters, digits, `-`, `_`, starting with a letter. Upper case
   * is rejected: Proxmox lower-cases IPSet names when it reads its files, so `MySet` would be
   * created but never found again. The names
   * `management` and `blacklist` have built-in meaning at datacenter level. Changing the name
   * replaces the set (new set first, then referencing rules through `ref`, then the old set is
   * deleted), because Proxmox does not rewrite `+old` references.
   */
  readonly name: pulumi.Input<string>;
  /**
   * Free text shown in the GUI. Proxmox field `comment`.
   *
   * @default - no comment
   */
  readonly comment?: pulumi.Input<string>;
  /**
   * Members of the set: a bare cidr string or `{ cidr, nomatch?, comment? }` (any other property
   * is an error). Order is irrelevant (Proxmox stores entries sorted by text).
   *
   * @default [] (an empty set, which matches nothing)
   */
  readonly entries?: pulumi.Input<pulumi.Input<IpSetEntryArgs | string>[]>;
  /**
   * The datacenter (omitted) or one guest (`{ node, vmid }`). Changing it replaces the set.
   *
   * @default - the datacenter
   */
  readonly scope?: pulumi.Input<FirewallScopeArgs>;
}

/** An IPSet with its entries. ID: `cluster/ipset/<name>` or `qemu/<node>/<vmid>/ipset/<name>`. */
export class IpSet extends pulumi.dynamic.Resource {
  /** What rules put in `source`/`dest`: `+dc/<name>` or `+guest/<name>`. */
  declare readonly ref: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  /** The entries as Proxmox stores them (normalised CIDRs, sorted). */
  declare readonly entries: pulumi.Output<IpSetEntryArgs[]>;
  /** SHA-1 digest of the entries as last read. */
  declare readonly digest: pulumi.Output<string>;
  /** Adopt an existing IPSet (`id` is `cluster/ipset/<name>` or `qemu/<node>/<vmid>/ipset/<name>`). */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): IpSet {
    return new IpSet(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: IpSetArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("IpSet", name, { entries: [], ...args, ref: undefined, digest: undefined }, opts));
  }
}
