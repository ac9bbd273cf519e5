/**
 * Blocklist: a 10,000-entry IPSet loaded from `blocklist.txt`, dropped before any other cluster rule.
 *
 * The IPSet is reconciled entry by entry: after you edit one line of the file, `pulumi up` sends
 * one or two API calls (add the new entry, delete the old one), never a rebuild of the set.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as fw from "pulumi-proxmox-firewall";
import { parseBlocklist } from "./blocklist";

const entries = parseBlocklist(readFileSync(join(__dirname, "blocklist.txt"), "utf8"));

// Not named `blacklist`: a datacenter IPSet of that name gets Proxmox's built-in DROP as well, and
// here the explicit rule below is the one place that decides what happens to these addresses.
const blocklist = new fw.IpSet("blocklist", {
  name: "blocklist",
  comment: "dropped before any other rule; source: blocklist.txt",
  entries,
});

// First match wins, so the DROP is rule 0: nothing declared after it can let a listed address in.
// This resource owns the whole datacenter rule list; add your other cluster rules below the DROP.
const clusterRules = new fw.FirewallRules("cluster-rules", {
  rules: [{ action: "DROP", source: blocklist.ref, log: "info", comment: "blocklist.txt" }],
});

/** How many entries Proxmox holds now (it normalises CIDRs but never merges entries). */
export const blocklistSize = blocklist.entries.apply((stored) => stored.length);
/** Reference other rules can use for the same set. */
export const blocklistRef = blocklist.ref;
/** Digest of the datacenter rule list after the run. */
export const clusterRulesDigest = clusterRules.digest;
