/**
 * Benchmark program: the 50-resource stack of `bench/fixtures.ts` (`stackSpec`), read from the
 * JSON file the config value `specFile` names: datacenter and node options, the datacenter and
 * node rule lists, security groups, aliases and IPSets. Plain JavaScript, so the runner starts it
 * without compiling anything.
 */
const { readFileSync } = require("node:fs");
const pulumi = require("@pulumi/pulumi");
const fw = require("pulumi-proxmox-firewall");

const spec = JSON.parse(readFileSync(new pulumi.Config().require("specFile"), "utf8"));
const node = { node: "pve1" };

new fw.ClusterFirewallOptions("dc", spec.clusterOptions);
new fw.NodeFirewallOptions("pve1", { scope: node, ...spec.nodeOptions });
new fw.FirewallRules("dc-rules", { rules: spec.clusterRules });
new fw.FirewallRules("pve1-rules", { scope: node, rules: spec.nodeRules });
for (const g of spec.groups) new fw.SecurityGroup(g.name, g);
for (const a of spec.aliases) new fw.Alias(a.name, a);
for (const s of spec.ipsets) new fw.IpSet(s.name, s);

/** Resources declared (the stack itself not counted). */
exports.resources = 4 + spec.groups.length + spec.aliases.length + spec.ipsets.length;
