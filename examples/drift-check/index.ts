/**
 * Drift check: a small, complete firewall declaration that a scheduled job compares with the live
 * cluster (`pulumi preview --refresh --expect-no-changes`). Any edit made outside Pulumi, in the GUI,
 * with `pvesh` or in `/etc/pve/firewall/*.fw`, shows up as a diff and fails the job.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fw from "pulumi-proxmox-firewall";

const config = new pulumi.Config();
const node = config.get("node") ?? "pve1";

const management = new fw.IpSet("management", {
  name: "management",
  comment: "admin networks",
  entries: ["192.0.2.0/24", "198.51.100.0/24"],
});

const clusterRules = new fw.FirewallRules("cluster-rules", {
  rules: [
    { action: "ACCEPT", proto: "tcp", dport: 8006, source: management.ref, comment: "web GUI and API" },
    { action: "ACCEPT", macro: "SSH", source: management.ref, comment: "ssh" },
  ],
});

// Enabled only after the ACCEPT rules exist (see examples/datacenter-baseline for why).
const cluster = new fw.ClusterFirewallOptions(
  "cluster",
  { enable: true, policyIn: "DROP", policyOut: "ACCEPT" },
  { dependsOn: [clusterRules] },
);

const nodeOptions = new fw.NodeFirewallOptions(
  "node-options",
  { scope: { node }, nosmurfs: true, tcpflags: true, logLevelIn: "info" },
  { dependsOn: [clusterRules] },
);

/**
 * The digests Proxmox reported at the last refresh: one per object, changing with any edit. Handy
 * for logs, but the drift check itself compares every field, not just these.
 */
export const digests = {
  management: management.digest,
  clusterRules: clusterRules.digest,
  clusterOptions: cluster.digest,
  nodeOptions: nodeOptions.digest,
};
