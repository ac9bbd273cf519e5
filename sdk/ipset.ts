import * as pulumi from "@pulumi/pulumi";
import type { CommonArgs, FirewallScopeArgs } from "./scope";
import { dynamicArgs, getArgs, type OutputSpec, resourceProps } from "./shim";

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

/** The outputs of {@link IpSet}: all inputs, plus `ref` and `digest`. */
const IPSET_OUTPUTS: OutputSpec<IpSet> = {
  ref: "output",
  digest: "output",
  name: "input",
  comment: "input",
  entries: "input",
  scope: "input",
  cluster: "input",
};

/**
 * An IPSet with its entries. ID: `cluster/ipset/<name>` or `qemu/<node>/<vmid>/ipset/<name>`.
 *
 * Every output below is set after `create`, `update` and `get()` alike: the set as Proxmox
 * stores it (after `get()`, as read from the server).
 */
export class IpSet extends pulumi.dynamic.Resource {
  /** What rules put in `source`/`dest`: `+dc/<name>` (datacenter) or `+guest/<name>` (a guest's own set). */
  declare readonly ref: pulumi.Output<string>;
  /** Set name, lower case (e.g. `management`). Proxmox field `name`. */
  declare readonly name: pulumi.Output<string>;
  /** Free text of the set, `undefined` when there is none. Proxmox field `comment`. */
  declare readonly comment: pulumi.Output<string | undefined>;
  /**
   * The entries as Proxmox stores them, sorted by text, each `{ cidr, nomatch, comment? }`:
   * `cidr` canonical (host bits cleared, `/32` and `/128` dropped, or an alias name), `nomatch`
   * always `true` or `false`. Proxmox fields `cidr`, `nomatch`, `comment` of each entry.
   */
  declare readonly entries: pulumi.Output<pulumi.Unwrap<IpSetEntryArgs>[]>;
  /** SHA-1 digest of the entries as last read (Proxmox's optimistic-concurrency token). */
  declare readonly digest: pulumi.Output<string>;
  /**
   * Where the set lives: `{}` for the datacenter, `{ node, vmid, guestType }` for a guest
   * (`guestType` always filled in).
   */
  declare readonly scope: pulumi.Output<pulumi.Unwrap<FirewallScopeArgs>>;
  /** The `proxmox:clusters` key given as `cluster`; `undefined` for the default cluster (and after `get()`). */
  declare readonly cluster: pulumi.Output<string | undefined>;
  /**
   * Read an existing IPSet without managing it (`id` is `cluster/ipset/<name>` or
   * `qemu/<node>/<vmid>/ipset/<name>`): every output holds the live value; a missing set fails the
   * read, naming the ID.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): IpSet {
    return new IpSet(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: IpSetArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("IpSet", name, resourceProps(IPSET_OUTPUTS, args, { entries: [] }), opts));
  }
}
