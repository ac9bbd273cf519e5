import * as pulumi from "@pulumi/pulumi";
import type { CommonArgs, FirewallScopeArgs } from "./scope";
import { dynamicArgs, getArgs, type OutputSpec, resourceProps } from "./shim";

/**
 * Arguments of {@link Alias}: a name for an address or network, usable in rule `source`/`dest`.
 *
 * Any other property is an error (`ref` is an output); `null` in an optional field means left out.
 *
 * @example const office = new Alias("office", { name: "office", cidr: "198.51.100.0/24" });
 */
export interface AliasArgs extends CommonArgs {
  /**
   * Alias name, as rules reference it. Proxmox field `name`. 2 to 64 letters, digits, `-` and
   * `_`, starting with a letter, in any case: Proxmox keeps the case you write for display and
   * compares alias names case-insensitively (unlike IPSet and security-group names).
   *
   * Changing it replaces the alias (create the new one, update referencing rules through `ref`,
   * then delete the old one), because Proxmox does not rewrite rule references on rename and a rule
   * whose alias is missing is silently skipped.
   */
  readonly name: pulumi.Input<string>;
  /**
   * IPv4/IPv6 address or network (not a range or list: use an `IpSet`). Proxmox field `cidr`.
   *
   * A CIDR with host bits means its network: `192.0.2.5/24` is sent as `192.0.2.0/24`, and `check`
   * logs a warning naming the field and the value used. Proxmox itself would keep the host bits,
   * but iptables matches the network either way, so an existing alias that holds `192.0.2.5/24`
   * equals `192.0.2.0/24` (and either input): adopting it writes nothing. `/32` and `/128` are
   * dropped, as Proxmox does; anything else (an IPv6 address's case) is kept as written.
   */
  readonly cidr: pulumi.Input<string>;
  /**
   * Free text shown in the GUI. Proxmox field `comment`. One line without control characters;
   * spaces around it are trimmed; blank or `"0"` (which Proxmox does not store) becomes no comment,
   * with a warning.
   *
   * @default - no comment
   */
  readonly comment?: pulumi.Input<string>;
  /**
   * The datacenter (omitted) or one guest (`{ node, vmid }`). Changing it replaces the alias.
   *
   * @default - the datacenter
   */
  readonly scope?: pulumi.Input<FirewallScopeArgs>;
}

/** The outputs of {@link Alias}: all inputs, plus `ref`. */
const ALIAS_OUTPUTS: OutputSpec<Alias> = {
  ref: "output",
  name: "input",
  cidr: "input",
  comment: "input",
  scope: "input",
  cluster: "input",
};

/**
 * An IP alias. ID: `cluster/alias/<name>` or `qemu/<node>/<vmid>/alias/<name>`.
 *
 * Every output below is set after `create`, `update` and `get()` alike: the alias as Proxmox
 * stores it (after `get()`, as read from the server).
 */
export class Alias extends pulumi.dynamic.Resource {
  /** What rules put in `source`/`dest`: `dc/<name>` (datacenter) or `guest/<name>` (a guest's own alias). */
  declare readonly ref: pulumi.Output<string>;
  /** Alias name in the case Proxmox keeps for display (e.g. `office`). Proxmox field `name`. */
  declare readonly name: pulumi.Output<string>;
  /**
   * Address or network, canonical: host bits cleared, `/32` and `/128` dropped (e.g.
   * `203.0.113.0/24`, `198.51.100.7`). Proxmox field `cidr`.
   */
  declare readonly cidr: pulumi.Output<string>;
  /** Free text, `undefined` when there is none. Proxmox field `comment`. */
  declare readonly comment: pulumi.Output<string | undefined>;
  /**
   * Where the alias lives: `{}` for the datacenter, `{ node, vmid, guestType }` for a guest
   * (`guestType` always filled in).
   */
  declare readonly scope: pulumi.Output<pulumi.Unwrap<FirewallScopeArgs>>;
  /** The `proxmox:clusters` key given as `cluster`; `undefined` for the default cluster (and after `get()`). */
  declare readonly cluster: pulumi.Output<string | undefined>;
  /**
   * Read an existing alias without managing it (`id` is `cluster/alias/<name>` or
   * `qemu/<node>/<vmid>/alias/<name>`): every output holds the live value; a missing alias fails the
   * read, naming the ID.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Alias {
    return new Alias(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: AliasArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("Alias", name, resourceProps(ALIAS_OUTPUTS, args), opts));
  }
}
