/**
 * Web server VM: a reusable `webserver` security group inserted into one VM's rules, the VM's
 * anti-spoofing options, and an office alias, with the guest's real enforcement as outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fw from "pulumi-proxmox-firewall";

const config = new pulumi.Config();
const node = config.get("node") ?? "pve1";
const vmid = config.getNumber("vmid") ?? 100;

// Datacenter objects the VM's rules refer to. Proxmox rejects a rule whose IPSet does not exist,
// and passing `ref` (an output) makes Pulumi create the IPSet and the alias first.
const management = new fw.IpSet("management", {
  name: "management",
  comment: "admin networks",
  entries: [{ cidr: "192.0.2.0/24", comment: "admin LAN" }],
});
const office = new fw.Alias("office", { name: "office", cidr: "198.51.100.0/24", comment: "head office" });

// Defined once at datacenter level, reusable by every web VM.
const webserver = new fw.SecurityGroup("webserver", {
  name: "webserver",
  comment: "public web server",
  rules: [
    { action: "ACCEPT", macro: "Web", comment: "http and https from anywhere" },
    { action: "ACCEPT", macro: "SSH", source: management.ref, comment: "ssh from admins" },
  ],
});

// The VM's own list: the group first, then what only this VM needs.
const rules = new fw.FirewallRules("vm-rules", {
  scope: { node, vmid },
  rules: [
    { type: "group", action: webserver.name, comment: "web server baseline" },
    { action: "ACCEPT", proto: "tcp", dport: "9100", source: office.ref, comment: "metrics from the office" },
    { action: "ACCEPT", proto: "icmp", icmpType: "echo-request", source: office.ref, comment: "ping" },
  ],
});

// Anti-spoofing and default-deny for the guest, switched on only once its rules are in place.
// `ipfilter` only lets the guest send from its configured IPs (cloud-init or `ipfilter-net<N>` sets).
const options = new fw.GuestFirewallOptions(
  "vm-options",
  {
    scope: { node, vmid },
    enable: true,
    ipfilter: true,
    macfilter: true,
    policyIn: "DROP",
    policyOut: "ACCEPT",
    logLevelIn: "info",
  },
  { dependsOn: [rules] },
);

/** True only if the cluster firewall is on, this guest's firewall is on and a NIC has `firewall=1`. */
export const enforced = options.enforced;
/** Why `enforced` is false, e.g. `cluster firewall is disabled` (empty when it is true). */
export const enforcementReasons = options.enforcementReasons;
/** The group name to insert into other VMs' rules. */
export const securityGroup = webserver.name;
/** Digest of the VM's rule list after the run. */
export const vmRulesDigest = rules.digest;
