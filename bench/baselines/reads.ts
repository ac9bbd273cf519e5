/**
 * What bpg and naive read to refresh the bench's 50-resource stack ({@link StackSpec}), object by
 * object as Terraform and Pulumi read resources:
 * - bpg (its `Read` functions): options, 1 GET each; a rule list, the list plus one GET per
 *   position; a security group, the group list (for its comment) plus the rule-list read of the
 *   group; an alias, one GET; an IPSet, the set list (for its comment) plus its entries. Terraform
 *   runs the same reads for a plan (refresh is on by default), so they are also its no-change
 *   preview.
 * - naive: one GET of every list a resource lives in (it keeps no state, so its preview reads too).
 */
import type { StackSpec } from "../fixtures";
import { bpgIpSetRead } from "./bpg-ipset";
import { bpgRulesRead } from "./bpg-rules";
import { naiveReads } from "./naive";
import { listStep, readStep, type Step, segment } from "./steps";

const CLUSTER = "/cluster/firewall";
const NODE = "/nodes/pve1/firewall";

/** bpg's reads of every resource of the stack. */
export function bpgStackRead(spec: StackSpec): Step[] {
  return [
    readStep(`${CLUSTER}/options`),
    readStep(`${NODE}/options`),
    ...bpgRulesRead(`${CLUSTER}/rules`, spec.clusterRules),
    ...bpgRulesRead(`${NODE}/rules`, spec.nodeRules),
    ...spec.groups.flatMap((g) => [
      listStep(`${CLUSTER}/groups`, spec.groups.length),
      ...bpgRulesRead(`${CLUSTER}/groups/${segment(g.name)}`, g.rules),
    ]),
    ...spec.aliases.map((a) => readStep(`${CLUSTER}/aliases/${segment(a.name)}`)),
    ...spec.ipsets.flatMap((s) => bpgIpSetRead(`${CLUSTER}/ipset`, s)),
  ];
}

/** The lists each resource of the stack lives in, one entry per resource and list (with repeats). */
export function stackLists(spec: StackSpec): string[] {
  return [
    `${CLUSTER}/options`,
    `${NODE}/options`,
    `${CLUSTER}/rules`,
    `${NODE}/rules`,
    ...spec.groups.flatMap((g) => [`${CLUSTER}/groups`, `${CLUSTER}/groups/${segment(g.name)}`]),
    ...spec.aliases.map((a) => `${CLUSTER}/aliases/${segment(a.name)}`),
    ...spec.ipsets.flatMap((s) => [`${CLUSTER}/ipset`, `${CLUSTER}/ipset/${segment(s.name)}`]),
  ];
}

/** naive's reads of the stack: one GET per list per resource. */
export function naiveStackRead(spec: StackSpec): Step[] {
  return naiveReads(stackLists(spec));
}
