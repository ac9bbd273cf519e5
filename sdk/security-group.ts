import * as pulumi from "@pulumi/pulumi";
import type { RuleArgs } from "./rule";
import type { CommonArgs } from "./scope";
import { dynamicArgs, getArgs, type OutputSpec, resourceProps } from "./shim";

/**
 * Arguments of {@link SecurityGroup}: a named, reusable rule list (datacenter level), inserted into
 * any scope's rules with `{ type: "group", action: group.name }`.
 *
 * Security groups live at datacenter level only, so there is no `scope` (giving one is an error);
 * any other unknown property is an error too, and `null` in an optional field means left out.
 *
 * @example
 * const web = new SecurityGroup("web", { name: "webserver", rules: [{ action: "ACCEPT", macro: "Web" }] });
 */
export interface SecurityGroupArgs extends CommonArgs {
  /**
   * Group name. Proxmox field `group`.
   *
   * 2 to 18 characters: lower-case letters, digits, `-` and `_`, starting with a letter (Proxmox
   * lower-cases names when it reads its config, so upper case is rejected: `WebServer` would be
   * created but never found again, and `GROUP WebServer` rules would insert nothing).
   * Changing it renames the group in place; Proxmox rewrites the `GROUP` references in cluster,
   * node and guest rules (not in VNet rules).
   */
  readonly name: pulumi.Input<string>;
  /**
   * Free text shown in the GUI. Proxmox field `comment`.
   *
   * @default - no comment
   */
  readonly comment?: pulumi.Input<string>;
  /**
   * The group's rules (types `in`, `out`, `forward`; no nested groups). `iface` is not allowed
   * here: Proxmox has no interface match inside a group, so set `iface` on the `type: "group"` rule
   * that inserts the group.
   *
   * @default []
   */
  readonly rules?: pulumi.Input<pulumi.Input<RuleArgs>[]>;
}

/** The outputs of {@link SecurityGroup}: all inputs, plus `digest`. */
const GROUP_OUTPUTS: OutputSpec<SecurityGroup> = {
  digest: "output",
  name: "input",
  comment: "input",
  rules: "input",
  cluster: "input",
};

/**
 * A security group and its rules. ID: `cluster/group/<name>`.
 *
 * Every output below is set after `create`, `update` and `get()` alike: the group as Proxmox
 * stores it (after `get()`, as read from the server).
 */
export class SecurityGroup extends pulumi.dynamic.Resource {
  /** The group name, lower case, for `{ type: "group", action: group.name }` rules. Proxmox field `group`. */
  declare readonly name: pulumi.Output<string>;
  /** Free text of the group, `undefined` when there is none. Proxmox field `comment`. */
  declare readonly comment: pulumi.Output<string | undefined>;
  /**
   * The group's rules in order, as Proxmox stores them: `type` and `enable` always present, macro
   * in Proxmox's spelling, ports as strings. Proxmox's rule fields, one object per position.
   */
  declare readonly rules: pulumi.Output<pulumi.Unwrap<RuleArgs>[]>;
  /** SHA-1 digest of the group's rule list as last read (Proxmox's optimistic-concurrency token). */
  declare readonly digest: pulumi.Output<string>;
  /** The `proxmox:clusters` key given as `cluster`; `undefined` for the default cluster (and after `get()`). */
  declare readonly cluster: pulumi.Output<string | undefined>;
  /**
   * Read an existing group without managing it (`id` is `cluster/group/<name>`): every output holds
   * the live value; a missing group fails the read, naming the ID.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): SecurityGroup {
    return new SecurityGroup(name, getArgs(), { ...opts, id });
  }
  constructor(name: string, args: SecurityGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs("SecurityGroup", name, resourceProps(GROUP_OUTPUTS, args, { rules: [] }), opts));
  }
}
