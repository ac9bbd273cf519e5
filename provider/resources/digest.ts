import { createHash } from "node:crypto";
import { ruleIpVersion } from "../model/rule";
import type { RuleFields } from "../model/wire";

/**
 * Proxmox's list digest (pve-firewall `copy_list_with_digest`): SHA-1 over every entry in list order,
 * each entry's keys sorted, `key:value\n` for every defined, non-object value (UTF-8). `pos` and
 * `digest` are not part of the hashed entries. Used to predict the digest a list will have after a
 * write, so that every write can carry the digest Proxmox will check (BEHAVIOR.md §3).
 */
export function listDigest(entries: readonly Readonly<Record<string, unknown>>[]): string {
  const sha = createHash("sha1");
  for (const entry of entries) {
    for (const key of Object.keys(entry).sort()) {
      if (key === "pos" || key === "digest") continue;
      const value = entry[key];
      if (value === undefined || value === null || typeof value === "object") continue;
      sha.update(`${key}:${String(value)}\n`, "utf8");
    }
  }
  return sha.digest("hex");
}

/** Proxmox's options digest: the same hash over the single options object. */
export function optionsDigest(options: Readonly<Record<string, unknown>>): string {
  return listDigest([options]);
}

/** Looks up the IP version of an alias as a rule in this scope would resolve it (`undefined` if unknown). */
export type AliasVersionLookup = (ref: string) => 4 | 6 | undefined;

/** `unknown` when the version depends on an alias the lookup cannot resolve. */
export type IpVersion = 4 | 6 | "unknown" | undefined;

/** An address spec that names an alias (`office`, `dc/office`, `guest/office`), not an address or IPSet. */
export function isAliasRef(spec: string): boolean {
  return /^(dc\/|guest\/)?[A-Za-z][A-Za-z0-9_-]+$/.test(spec);
}

/**
 * The `ipversion` Proxmox derives for a rule when it verifies it (Firewall.pm `verify_rule`): 4 or 6
 * from `proto` icmp/icmpv6 or literal addresses, else from the alias a `source`/`dest` names.
 * Proxmox includes it in the list digest, so predicting a digest needs it.
 */
export function predictIpVersion(rule: RuleFields, aliasVersion: AliasVersionLookup): IpVersion {
  const pinned = ruleIpVersion(rule);
  if (pinned !== undefined) return pinned;
  for (const spec of [rule.source, rule.dest]) {
    if (!spec || !isAliasRef(spec)) continue;
    return aliasVersion(spec) ?? "unknown";
  }
  return undefined;
}
