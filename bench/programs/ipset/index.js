/**
 * Benchmark program: one datacenter IPSet, read from the JSON file the config value `specFile`
 * names (`{ "name", "comment", "entries": ["10.0.0.1", ...] }`). Plain JavaScript, so the
 * runner starts it without compiling anything.
 */
const { readFileSync } = require("node:fs");
const pulumi = require("@pulumi/pulumi");
const fw = require("pulumi-proxmox-firewall");

const spec = JSON.parse(readFileSync(new pulumi.Config().require("specFile"), "utf8"));
const set = new fw.IpSet(spec.name, { name: spec.name, comment: spec.comment, entries: spec.entries });

/** Entries Proxmox holds after the run. */
exports.size = set.entries.apply((entries) => entries.length);
