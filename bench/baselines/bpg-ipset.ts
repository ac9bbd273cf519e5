/**
 * The bpg strategy for IPSets, reproduced from the behaviour of the bpg Terraform provider
 * (`proxmoxtf/resource/firewall/ipset.go` `ipSetCreate`, `ipSetRead`, `ipSetDelete`, with the
 * bodies of `proxmox/firewall/ipset.go` and `ipset_types.go`; read at d6bd1ff, v0.111):
 *
 * - Read: list the sets (for the comment), then GET the set's entries (2 reads).
 * - Create: POST the set (`name`, `comment` when set), POST every entry one at a time (`cidr`,
 *   `comment` and `nomatch=1` when set), then Read.
 * - Any change of the entry list: the `cidr` block is `ForceNew`, so Terraform destroys the set
 *   and creates it again (destroy first, its default): GET the entries, DELETE each entry one at a
 *   time, DELETE the set, then Create with the desired entries.
 */
import type { IpSetEntryFields } from "../../provider/model/wire";
import { listStep, readStep, type Step, segment } from "./steps";

/** A set as the baselines see it: its name, comment and entries. */
export interface IpSetSpec {
  readonly name: string;
  readonly comment?: string;
  readonly entries: readonly IpSetEntryFields[];
}

/** The POST body of one entry, as bpg's client encodes `IPSetGetResponseData`. */
export function entryBody(entry: IpSetEntryFields): Record<string, string> {
  return {
    cidr: entry.cidr,
    ...(entry.nomatch ? { nomatch: "1" } : {}),
    ...(entry.comment ? { comment: entry.comment } : {}),
  };
}

/** The POST body that creates an empty set. */
export function setBody(set: IpSetSpec): Record<string, string> {
  return { name: set.name, ...(set.comment ? { comment: set.comment } : {}) };
}

/** `ipSetRead` of `set` (as the server holds it) under `base`, e.g. `/cluster/firewall/ipset`. */
export function bpgIpSetRead(base: string, set: IpSetSpec): Step[] {
  return [readStep(base), listStep(`${base}/${segment(set.name)}`, set.entries.length)];
}

/** `ipSetCreate` of `set` under `base`. */
export function bpgIpSetCreate(base: string, set: IpSetSpec): Step[] {
  const path = `${base}/${segment(set.name)}`;
  return [
    { method: "POST", path: base, params: setBody(set) },
    ...set.entries.map((e): Step => ({ method: "POST", path, params: entryBody(e) })),
    ...bpgIpSetRead(base, set),
  ];
}

/** Any entry change of `current` (what state and server hold) into `desired`: destroy, then create. */
export function bpgIpSetReplace(base: string, current: IpSetSpec, desired: IpSetSpec): Step[] {
  const path = `${base}/${segment(current.name)}`;
  return [
    listStep(path, current.entries.length),
    ...current.entries.map((e): Step => ({ method: "DELETE", path: `${path}/${segment(e.cidr)}` })),
    { method: "DELETE", path },
    ...bpgIpSetCreate(base, desired),
  ];
}
