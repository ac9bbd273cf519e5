import type * as pulumi from "@pulumi/pulumi";

/** Log levels Proxmox accepts for rules and options (`nolog` turns logging off). */
export type LogLevel = "emerg" | "alert" | "crit" | "err" | "warning" | "notice" | "info" | "debug" | "nolog";

/**
 * One firewall rule. Rules are evaluated top to bottom and the first match wins.
 *
 * Field names are Proxmox's (in camelCase), so the Proxmox documentation applies as is.
 * A rule either matches traffic and takes an action (`type` `in`/`out`/`forward`), or inserts
 * a security group (`type: "group"`, `action` = the group's name).
 *
 * Checked before any API call (`pulumi preview` fails with the field path, the value, the reason
 * and the fix): any other property is an error (`pos`: the order is the array order; `digest`,
 * `ipversion`: output-only), and `null` in an optional field means the field is left out, as in
 * Terraform. A value Proxmox would drop without a word because Perl reads it as false (`""`,
 * `"0"`, port `0`) is rejected in every field where dropping it would widen what the rule matches.
 *
 * @see https://pve.proxmox.com/pve-docs/chapter-pve-firewall.html#pve_firewall_rules
 * @example { action: "ACCEPT", macro: "SSH", source: "+dc/management", comment: "ssh from admins" }
 * @example { type: "group", action: "webserver" }
 */
export interface RuleArgs {
  /**
   * Direction, or `group` to insert a security group. Proxmox field `type`.
   *
   * Allowed per scope: cluster and node `in`/`out`/`forward`/`group`; guests `in`/`out`/`group`;
   * VNets `forward`/`group`; inside a security group `in`/`out`/`forward`.
   *
   * @default "in"
   */
  readonly type?: pulumi.Input<"in" | "out" | "forward" | "group">;
  /**
   * `ACCEPT`, `DROP` or `REJECT` (not `REJECT` on `forward`), or for `type: "group"` the security
   * group's name (an `SecurityGroup`'s `name` output: lower case, as Proxmox reads group names).
   * Required. Proxmox field `action`.
   */
  readonly action: pulumi.Input<string>;
  /**
   * A predefined Proxmox macro (`SSH`, `Web`, `DNS`, `Ping`, ...), matched case-insensitively and
   * stored in Proxmox's spelling. The macro supplies protocol and ports; do not repeat a port it defines.
   * Proxmox field `macro`. `""` is rejected (leave the field out for no macro).
   *
   * @default - no macro
   */
  readonly macro?: pulumi.Input<string>;
  /**
   * IP protocol name from `/etc/protocols` (`tcp`, `udp`, `icmp`, `icmpv6`, ...) or number, in
   * Proxmox's spelling (lower case). Required when `dport`/`sport` is set. Proxmox field `proto`.
   * `"0"` and `""` are rejected: Proxmox stores no protocol for them, so the rule would match every
   * protocol (leave the field out to say that).
   *
   * @default - any protocol
   */
  readonly proto?: pulumi.Input<string>;
  /**
   * Source: an address, CIDR, range `a-b`, comma list (one IP family, at most 512 characters), an
   * alias (`office`, `dc/office`, an `Alias`'s `ref`; any case), or an IPSet (`+management`, an
   * `IpSet`'s `ref`; lower case). Proxmox field `source`.
   *
   * A CIDR with host bits means its network: `10.0.0.1/8` is sent and stored as `10.0.0.0/8`
   * (Proxmox rejects host bits in rules; iptables matches the network either way), and `check`
   * logs a warning naming the field and the value used. Everything else is stored as written.
   *
   * @default - any source
   */
  readonly source?: pulumi.Input<string>;
  /**
   * Destination, same syntax and host-bit rule as `source`. Proxmox field `dest`.
   *
   * @default - any destination
   */
  readonly dest?: pulumi.Input<string>;
  /**
   * Source port(s): number, service name, range `80:85`, or comma list (at most 15 ports, a range
   * counting as two). Needs a port protocol (`tcp`, `udp`, `udplite`, `dccp`, `sctp`).
   * Proxmox field `sport`. `0`, `"0"` and `""` are rejected: Proxmox stores no port for them, so the
   * rule would match every port (leave the field out to say that).
   *
   * @default - any source port
   */
  readonly sport?: pulumi.Input<string | number>;
  /**
   * Destination port(s), same syntax and rules as `sport`. Proxmox field `dport`.
   *
   * With `proto` `icmp`, `icmpv6` or `ipv6-icmp`, Proxmox reads `dport` as the ICMP type: it must
   * be one type, a name of that protocol's types (`echo-request`) or a number 0-255 (not 0, which
   * Proxmox drops: write `echo-reply`), never a list, range or service name. `icmpType` says the
   * same more clearly.
   *
   * @default - any destination port
   */
  readonly dport?: pulumi.Input<string | number>;
  /**
   * Interface the rule applies to: `net0`, `net1`, ... for guests; a host interface name for
   * cluster and node rules. Proxmox field `iface`.
   *
   * Not allowed on the rules of a security group (Proxmox has no interface match inside a group:
   * set `iface` on the `type: "group"` rule that inserts the group instead), nor on VNet rules.
   *
   * @default - every interface
   */
  readonly iface?: pulumi.Input<string>;
  /**
   * Log level for packets this rule matches. Proxmox field `log`.
   *
   * @default - no logging (`nolog`)
   */
  readonly log?: pulumi.Input<LogLevel>;
  /**
   * ICMP type name (`echo-request`; numbers are not accepted by Proxmox here), one of the types of
   * `proto` `icmp` or `icmpv6`/`ipv6-icmp`, and without `dport`. Proxmox field `icmp-type`.
   *
   * @default - every ICMP type
   */
  readonly icmpType?: pulumi.Input<string>;
  /**
   * Whether the rule is active. Proxmox field `enable`.
   *
   * Unlike the Proxmox API (where a new rule is disabled unless told otherwise), rules declared here
   * are enabled unless you say `enable: false`.
   *
   * @default true
   */
  readonly enable?: pulumi.Input<boolean>;
  /**
   * Free text shown in the GUI. Proxmox field `comment`.
   *
   * One line without control characters (a line break corrupts Proxmox's file; NUL and the other
   * C0 controls and DEL are rejected). Spaces around it are trimmed, as Proxmox does. A comment
   * Proxmox does not store (blank, `"0"`, or `"-"`, which means "delete" to its rule API) becomes
   * no comment, with a warning from `check`.
   *
   * @default - no comment
   */
  readonly comment?: pulumi.Input<string>;
}
