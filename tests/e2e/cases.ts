/**
 * The lifecycle table: one row per resource kind and scope, with the canonical inputs, IDs,
 * replacements and file texts the docs and BEHAVIOR.md promise.
 */
import type { LifecycleCase, Props } from "./lifecycle";

const guest = { node: "pve1", vmid: 100 };
const guestScope = { guestType: "qemu", node: "pve1", vmid: 100 };

const ssh = { action: "ACCEPT", macro: "ssh", source: "10.0.0.0/8", comment: "ssh" };
const smtp = { type: "out", action: "DROP", proto: "tcp", dport: 25 };
const sshState = { type: "in", action: "ACCEPT", enable: true, macro: "SSH", source: "10.0.0.0/8", comment: "ssh" };
const smtpState = { type: "out", action: "DROP", enable: true, proto: "tcp", dport: "25" };
const dns = { type: "in", action: "ACCEPT", proto: "udp", dport: "53" };
const dnsState = { ...dns, enable: true };

/** A `FirewallRules` row for an in/out scope (`scope` is the raw arg, `state` its canonical form). */
function rulesCase(
  title: string,
  scope: Props | undefined,
  state: Props,
  id: string,
  path: string,
  replace?: LifecycleCase["replace"],
): LifecycleCase {
  const withScope = (p: Props): Props => (scope ? { scope, ...p } : p);
  return {
    title,
    kind: "FirewallRules",
    inputs: withScope({ rules: [ssh, smtp] }),
    canonical: { scope: state, rules: [sshState, smtpState] },
    id,
    edit: withScope({ rules: [{ ...ssh, comment: "ssh from lan" }, dns, smtp] }),
    edited: { rules: [{ ...sshState, comment: "ssh from lan" }, dnsState, smtpState] },
    replace,
    drift: {
      path,
      from: "-dport 25",
      to: "-dport 26",
      property: "rules",
      value: [{ ...sshState, comment: "ssh from lan" }, dnsState, { ...smtpState, dport: "26" }],
    },
  };
}

/** Every resource kind at every scope it supports. */
export const LIFECYCLE_CASES: readonly LifecycleCase[] = [
  {
    title: "ClusterFirewallOptions",
    kind: "ClusterFirewallOptions",
    inputs: { enable: true, policyIn: "DROP", logRatelimit: { enable: true, rate: "5/second" } },
    canonical: { scope: {}, enable: true, policyIn: "DROP", logRatelimit: { enable: true, rate: "5/second" } },
    id: "cluster",
    edit: { enable: true, policyIn: "ACCEPT", policyOut: "REJECT" },
    edited: { enable: true, policyIn: "ACCEPT", policyOut: "REJECT", logRatelimit: undefined },
    drift: {
      path: "firewall/cluster.fw",
      from: "policy_out: REJECT",
      to: "policy_out: DROP",
      property: "policyOut",
      value: "DROP",
    },
  },
  {
    title: "NodeFirewallOptions",
    kind: "NodeFirewallOptions",
    inputs: { scope: { node: "pve1" }, enable: true, logLevelIn: "info", nfConntrackHelpers: ["ftp", "sip"] },
    canonical: { scope: { node: "pve1" }, enable: true, logLevelIn: "info", nfConntrackHelpers: ["ftp", "sip"] },
    id: "node/pve1",
    edit: { scope: { node: "pve1" }, enable: true, logLevelIn: "warning", nftables: true },
    edited: { enable: true, logLevelIn: "warning", nftables: true, nfConntrackHelpers: undefined },
    replace: {
      why: "another node's host.fw",
      inputs: { scope: { node: "pve2" }, enable: true },
      replaces: ["scope"],
      id: "node/pve2",
    },
    drift: {
      path: "nodes/pve1/host.fw",
      from: "log_level_in: warning",
      to: "log_level_in: err",
      property: "logLevelIn",
      value: "err",
    },
  },
  {
    title: "GuestFirewallOptions",
    kind: "GuestFirewallOptions",
    inputs: { scope: guest, enable: true, policyIn: "DROP" },
    canonical: { scope: guestScope, enable: true, policyIn: "DROP" },
    id: "qemu/pve1/100",
    edit: { scope: guest, enable: true, policyIn: "REJECT", macfilter: false },
    edited: {
      enable: true,
      policyIn: "REJECT",
      macfilter: false,
      enforced: false,
      enforcementReasons: ["cluster firewall is disabled"],
    },
    diffs: [
      {
        why: "a migration keeps <vmid>.fw",
        inputs: { scope: { node: "pve2", vmid: 100 }, enable: true },
        replaces: [],
      },
    ],
    replace: {
      why: "another guest's file",
      inputs: { scope: { node: "pve1", vmid: 101 } },
      replaces: ["scope"],
      id: "qemu/pve1/101",
    },
    drift: { path: "firewall/100.fw", from: "macfilter: 0", to: "macfilter: 1", property: "macfilter", value: true },
  },
  {
    title: "VnetFirewallOptions",
    kind: "VnetFirewallOptions",
    inputs: { scope: { vnet: "v1" }, enable: true, policyForward: "DROP" },
    canonical: { scope: { vnet: "v1" }, enable: true, policyForward: "DROP" },
    id: "vnet/v1",
    edit: { scope: { vnet: "v1" }, enable: true, policyForward: "ACCEPT", logLevelForward: "info" },
    edited: { enable: true, policyForward: "ACCEPT", logLevelForward: "info" },
    drift: {
      path: "sdn/firewall/v1.fw",
      from: "log_level_forward: info",
      to: "log_level_forward: debug",
      property: "logLevelForward",
      value: "debug",
    },
  },
  rulesCase("cluster FirewallRules", undefined, {}, "cluster", "firewall/cluster.fw", {
    why: "a node's host.fw",
    inputs: { scope: { node: "pve1" }, rules: [ssh] },
    replaces: ["scope"],
    id: "node/pve1",
  }),
  rulesCase("node FirewallRules", { node: "pve1" }, { node: "pve1" }, "node/pve1", "nodes/pve1/host.fw"),
  rulesCase("guest FirewallRules", guest, guestScope, "qemu/pve1/100", "firewall/100.fw", {
    why: "another guest's file",
    inputs: { scope: { node: "pve1", vmid: 101, guestType: "lxc" }, rules: [ssh] },
    replaces: ["scope"],
    id: "lxc/pve1/101",
  }),
  {
    title: "vnet FirewallRules",
    kind: "FirewallRules",
    inputs: { scope: { vnet: "v1" }, rules: [{ type: "forward", action: "ACCEPT", proto: "tcp", dport: 22 }] },
    canonical: {
      scope: { vnet: "v1" },
      rules: [{ type: "forward", action: "ACCEPT", enable: true, proto: "tcp", dport: "22" }],
    },
    id: "vnet/v1",
    edit: {
      scope: { vnet: "v1" },
      rules: [{ type: "forward", action: "ACCEPT", proto: "tcp", dport: "22,80", log: "info" }],
    },
    edited: { rules: [{ type: "forward", action: "ACCEPT", enable: true, proto: "tcp", dport: "22,80", log: "info" }] },
    drift: {
      path: "sdn/firewall/v1.fw",
      from: "FORWARD ACCEPT",
      to: "FORWARD DROP",
      property: "rules",
      value: [{ type: "forward", action: "DROP", enable: true, proto: "tcp", dport: "22,80", log: "info" }],
    },
  },
  {
    title: "SecurityGroup",
    kind: "SecurityGroup",
    inputs: { name: "web", comment: "web tier", rules: [{ action: "ACCEPT", macro: "Web" }, ssh] },
    canonical: {
      name: "web",
      comment: "web tier",
      rules: [{ type: "in", action: "ACCEPT", enable: true, macro: "Web" }, sshState],
    },
    id: "cluster/group/web",
    edit: { name: "frontend", rules: [{ action: "ACCEPT", macro: "Web" }] },
    edited: {
      name: "frontend",
      comment: undefined,
      rules: [{ type: "in", action: "ACCEPT", enable: true, macro: "Web" }],
    },
    drift: {
      path: "firewall/cluster.fw",
      from: "IN Web(ACCEPT)",
      to: "IN Web(REJECT)",
      property: "rules",
      value: [{ type: "in", action: "REJECT", enable: true, macro: "Web" }],
    },
  },
  {
    title: "cluster Alias",
    kind: "Alias",
    inputs: { name: "office", cidr: "192.0.2.10/32", comment: "hq" },
    canonical: { scope: {}, name: "office", cidr: "192.0.2.10", comment: "hq", ref: "dc/office" },
    id: "cluster/alias/office",
    edit: { name: "office", cidr: "192.0.2.0/24" },
    edited: { name: "office", cidr: "192.0.2.0/24", comment: undefined, ref: "dc/office" },
    replace: {
      why: "a rename",
      inputs: { name: "branch", cidr: "192.0.2.0/24" },
      replaces: ["name"],
      id: "cluster/alias/branch",
    },
    drift: {
      path: "firewall/cluster.fw",
      from: "192.0.2.0/24",
      to: "198.51.100.0/24",
      property: "cidr",
      value: "198.51.100.0/24",
    },
  },
  {
    title: "guest Alias",
    kind: "Alias",
    inputs: { scope: guest, name: "web", cidr: "2001:db8::5" },
    canonical: { scope: guestScope, name: "web", cidr: "2001:db8::5", ref: "guest/web" },
    id: "qemu/pve1/100/alias/web",
    edit: { scope: guest, name: "web", cidr: "2001:db8::6", comment: "moved" },
    edited: { cidr: "2001:db8::6", comment: "moved", ref: "guest/web" },
    replace: {
      why: "another guest's file",
      inputs: { scope: { node: "pve1", vmid: 101 }, name: "web", cidr: "2001:db8::6" },
      replaces: ["scope"],
      id: "qemu/pve1/101/alias/web",
    },
    drift: {
      path: "firewall/100.fw",
      from: "# moved",
      to: "# edited in the gui",
      property: "comment",
      value: "edited in the gui",
    },
  },
  {
    title: "cluster IpSet",
    kind: "IpSet",
    inputs: {
      name: "management",
      comment: "admins",
      entries: ["10.0.0.5/32", { cidr: "192.168.1.77/24", comment: "lan" }],
    },
    canonical: {
      scope: {},
      name: "management",
      comment: "admins",
      entries: [
        { cidr: "10.0.0.5", nomatch: false },
        { cidr: "192.168.1.0/24", comment: "lan", nomatch: false },
      ],
      ref: "+dc/management",
    },
    id: "cluster/ipset/management",
    edit: { name: "management", comment: "admins", entries: ["10.0.0.5", { cidr: "10.0.0.0/8", nomatch: true }] },
    edited: {
      entries: [
        { cidr: "10.0.0.0/8", nomatch: true },
        { cidr: "10.0.0.5", nomatch: false },
      ],
    },
    replace: {
      why: "a rename",
      inputs: { name: "mgmt", entries: ["10.0.0.5"] },
      replaces: ["name"],
      id: "cluster/ipset/mgmt",
    },
    drift: {
      path: "firewall/cluster.fw",
      from: "10.0.0.5\n",
      to: "10.0.0.6\n",
      property: "entries",
      value: [
        { cidr: "10.0.0.0/8", nomatch: true },
        { cidr: "10.0.0.6", nomatch: false },
      ],
    },
  },
  {
    title: "guest IpSet",
    kind: "IpSet",
    inputs: { scope: guest, name: "ipfilter-net0", entries: ["192.0.2.7"] },
    canonical: {
      scope: guestScope,
      name: "ipfilter-net0",
      entries: [{ cidr: "192.0.2.7", nomatch: false }],
      ref: "+guest/ipfilter-net0",
    },
    id: "qemu/pve1/100/ipset/ipfilter-net0",
    edit: { scope: guest, name: "ipfilter-net0", comment: "net0 addresses", entries: ["192.0.2.7", "2001:db8::7"] },
    edited: {
      comment: "net0 addresses",
      entries: [
        { cidr: "192.0.2.7", nomatch: false },
        { cidr: "2001:db8::7", nomatch: false },
      ],
    },
    drift: { path: "firewall/100.fw", from: "# net0 addresses", to: "", property: "comment", value: undefined },
  },
];
