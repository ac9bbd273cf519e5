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
   * group's name (an `SecurityGroup`'s `name` output). Proxmox field `action`.
   */
  readonly action: pulumi.Input<string>;
  /**
   * A predefined Proxmox macro (`SSH`, `Web`, `DNS`, `Ping`, ...), matched case-insensitively and
   * stored in Proxmox's spelling. The macro supplies protocol and ports; do not repeat a port it defines.
   * Proxmox field `macro`.
   *
   * @default - no macro
   */
  readonly macro?: pulumi.Input<string>;
  /**
   * IP protocol name from `/etc/protocols` (`tcp`, `udp`, `icmp`, `icmpv6`, ...) or number.
   * Required when `dport`/`sport` is set. Proxmox field `proto`.
   *
   * @default - any protocol
   */
  readonly proto?: pulumi.Input<string>;
  /**
   * Source: an address, CIDR, range `a-b`, comma list (one IP family), an alias (`office`,
   * `dc/office`, an `Alias`'s `ref`), or an IPSet (`+management`, an `IpSet`'s `ref`).
   * Host bits are not allowed (`10.0.0.0/8`, not `10.0.0.1/8`). Proxmox field `source`.
   *
   * @default - any source
   */
  readonly source?: pulumi.Input<string>;
  /**
   * Destination, same syntax as `source`. Proxmox field `dest`.
   *
   * @default - any destination
   */
  readonly dest?: pulumi.Input<string>;
  /**
   * Source port(s): number, service name, range `80:85`, or comma list (at most 15 ports, a range
   * counting as two). Needs a port protocol (`tcp`, `udp`, `udplite`, `dccp`, `sctp`).
   * Proxmox field `sport`.
   *
   * @default - any source port
   */
  readonly sport?: pulumi.Input<string | number>;
  /**
   * Destination port(s), same syntax as `sport`. Proxmox field `dport`.
   *
   * @default - any destination port
   */
  readonly dport?: pulumi.Input<string | number>;
  /**
   * Interface the rule applies to: `net0`, `net1`, ... for guests; a host interface name for
   * cluster and node rules; not allowed in security groups and VNets. Proxmox field `iface`.
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
   * ICMP type name or number (`echo-request`, `8`), only with `proto` `icmp`/`icmpv6` and without
   * `dport`. Proxmox field `icmp-type`.
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
   * Free text shown in the GUI; a single line (Proxmox corrupts its file on newlines).
   * Proxmox field `comment`.
   *
   * @default - no comment
   */
  readonly comment?: pulumi.Input<string>;
}
