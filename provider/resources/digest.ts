import { createHash } from "node:crypto";
import { isIP } from "node:net";
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

function addressVersion(spec: string, aliasVersion: AliasVersionLookup): IpVersion {
  if (spec.startsWith("+")) return undefined; // IPSets do not set a rule's ipversion
  const first = spec.split(",")[0]!.split("-")[0]!;
  const ip = first.split("/")[0]!;
  const family = isIP(ip);
  if (family === 4 || family === 6) return family;
  return aliasVersion(spec) ?? "unknown";
}

/**
 * The `ipversion` Proxmox derives for a rule when it verifies it (Firewall.pm `verify_rule`): 4 or 6
 * from `proto` icmp/icmpv6, from literal addresses, or from the alias a `source`/`dest` names.
 * Proxmox includes it in the list digest, so predicting a digest needs it.
 */
export function ruleIpVersion(rule: RuleFields, aliasVersion: AliasVersionLookup): IpVersion {
  let version: IpVersion;
  if (rule.proto === "icmp") version = 4;
  if (rule.proto === "icmpv6" || rule.proto === "ipv6-icmp") version = 6;
  for (const spec of [rule.source, rule.dest]) {
    if (!spec) continue;
    const v = addressVersion(spec, aliasVersion);
    if (v === "unknown") return "unknown";
    if (v !== undefined) version = v;
  }
  return version;
}
