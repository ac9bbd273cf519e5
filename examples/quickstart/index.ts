/**
 * Quickstart: a default-deny datacenter that still lets the admins in, and one web VM behind it.
 *
 * Read top to bottom; the numbered steps are also the order Pulumi applies them in, because each
 * step depends (through an output or an explicit `dependsOn`) on the one that makes it safe.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fw from "pulumi-proxmox-firewall";

const config = new pulumi.Config();
const node = config.get("node") ?? "pve1";
const vmid = config.getNumber("vmid") ?? 100;

// 1. Who administers the cluster. `management` is the name Proxmox itself gives to this set.
const management = new fw.IpSet("management", {
  name: "management",
  comment: "admin networks",
  entries: [
    { cidr: "192.0.2.0/24", comment: "admin LAN" },
    { cidr: "198.51.100.0/24", comment: "admin VPN" },
  ],
});

// 2. Let the admins reach the web GUI/API (8006/tcp) and SSH on every node.
const clusterRules = new fw.FirewallRules("cluster-rules", {
  rules: [
    { action: "ACCEPT", proto: "tcp", dport: 8006, source: management.ref, comment: "web GUI and API" },
    { action: "ACCEPT", macro: "SSH", source: management.ref, comment: "ssh" },
  ],
});

// 3. Only then switch the firewall on with a default-deny input policy. Without `dependsOn`,
//    Pulumi could enable DROP before the ACCEPT rules exist and cut off your own session.
const cluster = new fw.ClusterFirewallOptions(
  "cluster",
  { enable: true, policyIn: "DROP", policyOut: "ACCEPT" },
  { dependsOn: [clusterRules] },
);

// 4. Host hardening on the node: drop SMURF packets and illegal TCP flag combinations, log what is dropped.
new fw.NodeFirewallOptions("node-options", {
  scope: { node },
  nosmurfs: true,
  tcpflags: true,
  logLevelIn: "info",
});

// 5. A name for the office network, usable in any rule as `dc/office`.
const office = new fw.Alias("office", { name: "office", cidr: "203.0.113.0/24", comment: "head office" });

// 6. A reusable rule set for web servers: HTTP/HTTPS from anywhere, SSH only from the admins.
const webserver = new fw.SecurityGroup("webserver", {
  name: "webserver",
  comment: "public web server",
  rules: [
    { action: "ACCEPT", macro: "Web", comment: "http and https" },
    { action: "ACCEPT", macro: "SSH", source: management.ref, comment: "ssh from admins" },
  ],
});

// 7. The VM's rules: the web server group, plus ping from the office.
const vmRules = new fw.FirewallRules("vm-rules", {
  scope: { node, vmid },
  rules: [
    { type: "group", action: webserver.name },
    { action: "ACCEPT", macro: "Ping", source: office.ref, comment: "ping from the office" },
  ],
});

// 8. Turn the VM's firewall on (input DROP, MAC spoofing filter) once its rules are in place.
//    It also waits for the cluster options, so `enforced` below reflects the finished state.
const vmOptions = new fw.GuestFirewallOptions(
  "vm-options",
  { scope: { node, vmid }, enable: true, policyIn: "DROP", macfilter: true },
  { dependsOn: [vmRules, cluster] },
);

/** Reference to put in `source`/`dest` for the admin networks. */
export const managementRef = management.ref;
/** Digest of the datacenter options after the run (changes whenever `cluster.fw` options change). */
export const clusterOptionsDigest = cluster.digest;
/** Whether VM traffic is really filtered now, and if not, why. */
export const vmFirewallEnforced = vmOptions.enforced;
export const vmEnforcementReasons = vmOptions.enforcementReasons;
