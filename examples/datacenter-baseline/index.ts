/**
 * Datacenter baseline: the hardening every Proxmox firewall guide recommends, applied in the one
 * order that cannot lock you out.
 *
 *   management IPSet ──> ACCEPT 8006/22 from it ──> cluster firewall on, input policy DROP
 *                                                └─> node options (nosmurfs, tcpflags, logging)
 *
 * Why the order matters: with `policyIn: "DROP"`, everything not explicitly accepted is dropped,
 * including your browser on 8006 and your SSH session. Pulumi runs independent resources in
 * parallel, so without the `dependsOn` edges below it may enable the firewall before the ACCEPT
 * rules exist, and the next API call (and you) are locked out until someone reaches the console.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fw from "pulumi-proxmox-firewall";

const config = new pulumi.Config();
/** Nodes to harden; set with `pulumi config set --path 'nodes[1]' pve2`. */
const nodes = config.getObject<string[]>("nodes") ?? ["pve1"];
/** Networks allowed to administer the cluster. */
const managementNetworks = config.getObject<string[]>("managementNetworks") ?? ["192.0.2.0/24"];

// Step 1: the admin networks. Proxmox also knows this name and uses it for its own built-in rules.
const management = new fw.IpSet("management", {
  name: "management",
  comment: "networks allowed to administer the cluster",
  entries: managementNetworks,
});

// Step 2: allow the web GUI/API and SSH from the admin networks, before anything is denied.
// `management.ref` is an output, so Pulumi already creates the IPSet first.
const managementAccess = new fw.FirewallRules("cluster-rules", {
  rules: [
    { action: "ACCEPT", proto: "tcp", dport: 8006, source: management.ref, comment: "web GUI and API" },
    { action: "ACCEPT", proto: "tcp", dport: 22, source: management.ref, comment: "ssh" },
    { action: "ACCEPT", macro: "Ping", source: management.ref, comment: "ping from admins" },
  ],
});

// Step 3: enable the firewall with default-deny input. `dependsOn` makes this resource wait until
// the ACCEPT rules above are applied (the provider's lockout guard would refuse it otherwise, as
// would a preview without the rules). On destroy the order reverses: the firewall is switched off
// before the rules that keep you in are removed.
const cluster = new fw.ClusterFirewallOptions(
  "cluster",
  { enable: true, policyIn: "DROP", policyOut: "ACCEPT" },
  { dependsOn: [managementAccess] },
);

// Step 4: per-node hardening. Node options can tighten a node (e.g. tcpflags drops packets), so
// they too wait for the management rules; they need not wait for each other.
const nodeOptions = nodes.map(
  (node) =>
    new fw.NodeFirewallOptions(
      `node-${node}`,
      {
        scope: { node },
        enable: true,
        nosmurfs: true,
        smurfLogLevel: "info",
        tcpflags: true,
        tcpFlagsLogLevel: "info",
        logLevelIn: "info",
        logLevelOut: "nolog",
      },
      { dependsOn: [managementAccess] },
    ),
);

/** The management set's reference, for rules in other stacks. */
export const managementRef = management.ref;
/** Digest of the datacenter options (what drift detection compares). */
export const clusterOptionsDigest = cluster.digest;
/** Digest of each node's options, by node name. */
export const nodeOptionsDigests = pulumi
  .all(nodeOptions.map((options) => options.digest))
  .apply((digests) => Object.fromEntries(nodes.map((node, i) => [node, digests[i]])));
