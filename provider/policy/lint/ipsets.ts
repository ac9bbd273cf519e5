/**
 * IPSet findings: entries Proxmox skips, and entries that change nothing because a broader entry
 * with the same meaning already decides for every address they hold (kernel `hash:net`: the most
 * specific containing entry wins, `nomatch` excludes).
 *
 * @module
 */
import { hostMask } from "../../model/ip";
import { parseNet } from "../address";
import type { LoadedConfigs, LoadedFile, LoadedIpSet } from "../load";
import { type Finding, finding, type Place } from "./findings";

const ALIAS = /^(dc\/|guest\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;

/** Findings for every IPSet of the cluster and of each guest. */
export function ipSetFindings(loaded: LoadedConfigs): Finding[] {
  const out: Finding[] = [];
  for (const set of loaded.cluster.ipsets.values()) out.push(...oneSet(set, "cluster", loaded.cluster, loaded));
  for (const [vmid, file] of Object.entries(loaded.guests)) {
    for (const set of file.ipsets.values()) out.push(...oneSet(set, `guest/${vmid}`, file, loaded));
  }
  return out;
}

interface Net {
  readonly version: 4 | 6;
  readonly value: bigint;
  readonly prefix: number;
  readonly nomatch: boolean;
  readonly text: string;
  readonly line?: number;
}

function oneSet(set: LoadedIpSet, scope: string, file: LoadedFile, loaded: LoadedConfigs): Finding[] {
  const out: Finding[] = [];
  const place = (line?: number): Place => ({
    ...(file.file !== undefined ? { file: file.file } : {}),
    ...(line !== undefined ? { line } : {}),
    scope: `${scope} ipset/${set.name}`,
  });
  const nets: Net[] = [];
  for (const e of set.entries) {
    const text = typeof e.entry.cidr === "string" ? e.entry.cidr : "";
    if (e.error) {
      out.push(
        finding(
          "PVEFW062",
          place(e.line),
          text === ""
            ? `Proxmox cannot parse this line of the set and keeps an entry without an address in its place (skipped when rules are built): ${e.error}`
            : `Proxmox skips entry '${e.entry.nomatch ? "!" : ""}${text}': ${e.error}`,
          "write an address, a CIDR without /0, or an alias defined above the set; list each entry once",
        ),
      );
      continue;
    }
    const cidr = resolve(text, scope === "cluster" ? undefined : file, loaded);
    const net = cidr === undefined ? undefined : parseNet(cidr);
    if (!net) continue;
    const nomatch = e.entry.nomatch === 1 || e.entry.nomatch === true;
    const value = net.value & ~hostMask(net.version, net.prefix);
    nets.push({
      version: net.version,
      value,
      prefix: net.prefix,
      nomatch,
      text,
      ...(e.line !== undefined ? { line: e.line } : {}),
    });
  }
  const byLength = new Map<string, Map<bigint, Net>>();
  const lengths: Record<4 | 6, Set<number>> = { 4: new Set(), 6: new Set() };
  for (const n of nets) {
    const k = `${n.version}/${n.prefix}`;
    if (!byLength.has(k)) byLength.set(k, new Map());
    lengths[n.version].add(n.prefix);
  }
  const ordered = [...nets].sort((a, b) => a.prefix - b.prefix);
  for (const n of ordered) {
    const parent = nearest(n, byLength, lengths[n.version]);
    const bucket = byLength.get(`${n.version}/${n.prefix}`)!;
    if (!bucket.has(n.value)) bucket.set(n.value, n);
    const show = `${n.nomatch ? "!" : ""}${n.text}`;
    if (parent && parent.nomatch === n.nomatch) {
      const lineNote = parent.line !== undefined ? ` (line ${parent.line})` : "";
      out.push(
        finding(
          "PVEFW061",
          place(n.line),
          `entry '${show}' changes nothing: '${parent.nomatch ? "!" : ""}${parent.text}'${lineNote} already ${
            n.nomatch ? "excludes" : "contains"
          } every address in it`,
          `delete '${show}'`,
        ),
      );
    } else if (!parent && n.nomatch) {
      out.push(
        finding(
          "PVEFW061",
          place(n.line),
          `nomatch entry '${show}' excludes nothing: no other entry of the set contains it`,
          `delete '${show}', or add the broader network it should cut a hole in`,
        ),
      );
    }
  }
  return out;
}

/** The most specific earlier entry (shorter or equal prefix) that contains `n`. */
function nearest(n: Net, byLength: Map<string, Map<bigint, Net>>, lengths: Set<number>): Net | undefined {
  const candidates = [...lengths].filter((l) => l <= n.prefix).sort((a, b) => b - a);
  for (const l of candidates) {
    const hit = byLength.get(`${n.version}/${l}`)?.get(n.value & ~hostMask(n.version, l));
    if (hit) return hit;
  }
  return undefined;
}

function resolve(text: string, guest: LoadedFile | undefined, loaded: LoadedConfigs): string | undefined {
  const m = ALIAS.exec(text);
  if (!m) return text;
  const key = m[2]!.toLowerCase();
  const scope = m[1] ?? "";
  return (
    (scope !== "dc/" ? guest?.aliases.get(key)?.cidr : undefined) ??
    (scope !== "guest/" ? loaded.cluster.aliases.get(key)?.cidr : undefined)
  );
}
