/**
 * Per-rule findings: rules Proxmox keeps but never applies (and why), lines it drops, references
 * to missing aliases, IPSets and groups, macro conflicts, forward rules, interfaces that never
 * match, and DROP rules that shadow the built-in management access.
 *
 * @module
 */
import { printRuleLine } from "../../fw/rule";
import type { LoadedConfigs, LoadedRule } from "../load";
import type { PolicyTopology } from "../types";
import { ruleEnabled, truthy } from "../verify";
import { type Code, type Finding, finding, type Severity } from "./findings";
import { compileFailure, type RuleList, rulePlace, rulesOf } from "./lists";
import { shadowsManagement } from "./management";

/**
 * Findings about the rules of every list. `topology` gives the nodes' local networks, which
 * Proxmox adds to the `management` IPSet (without it they are unknown to the management check).
 */
export function ruleFindings(
  loaded: LoadedConfigs,
  lists: readonly RuleList[],
  topology: PolicyTopology | undefined,
): Finding[] {
  const out: Finding[] = [];
  for (const list of lists) {
    const dropped = list.group !== undefined ? list.owner.groups.get(list.group)?.dropped : list.owner.dropped;
    for (const d of dropped ?? []) {
      out.push(
        finding(
          "PVEFW060",
          rulePlace(list, { ...(d.line !== undefined ? { line: d.line } : {}) }),
          `Proxmox drops this line entirely: ${d.reason} (${printRuleLine(d.rule, true)})`,
          "use an alias of the same IP version as the rule's other addresses and protocol",
        ),
      );
    }
    for (const lr of rulesOf(list)) out.push(...oneRule(loaded, list, lr, topology));
  }
  return out;
}

function oneRule(
  loaded: LoadedConfigs,
  list: RuleList,
  lr: LoadedRule,
  topology: PolicyTopology | undefined,
): Finding[] {
  const out: Finding[] = [];
  const place = rulePlace(list, lr);
  const text = printRuleLine(lr.rule, list.level !== "group");
  const enabled = ruleEnabled(lr.rule);
  const sev = (s: Severity): Severity => (enabled ? s : "info");
  const disabledNote = enabled ? "" : " (the rule is disabled; it would be skipped once enabled)";
  const byCode = new Map<Code, string[]>();
  for (const [field, message] of Object.entries(lr.errors)) {
    const code = classify(message, list, lr);
    byCode.set(code, [...(byCode.get(code) ?? []), `${field}: ${message}`]);
  }
  for (const [code, messages] of byCode) {
    out.push(
      finding(
        code,
        place,
        `Proxmox skips \`${text}\`: ${messages.join("; ")}${disabledNote}`,
        FIXES[code] ?? "correct the rule or delete it",
        sev("error"),
      ),
    );
  }
  if (Object.keys(lr.errors).length > 0) return out;

  const failure = compileFailure(lr, list, loaded);
  if (failure) {
    out.push(
      finding(
        "PVEFW012",
        place,
        `Proxmox accepts \`${text}\` but fails to compile it (${failure}), so it never applies${disabledNote}`,
        "reference objects in the scope the rule can see: guest/ only in guest files, dc/ or no scope elsewhere",
        sev("error"),
      ),
    );
  }
  if (lr.rule.type === "group" && !loaded.cluster.groups.has(lr.rule.action)) {
    const lower = loaded.cluster.groups.has(lr.rule.action.toLowerCase());
    out.push(
      finding(
        "PVEFW022",
        place,
        `security group '${lr.rule.action}' does not exist${lower ? " (group names are lower case)" : ""}; Proxmox applies this GROUP rule as nothing${disabledNote}`,
        lower
          ? `write the name in lower case: GROUP ${lr.rule.action.toLowerCase()}`
          : "create the group or remove the rule",
        sev("error"),
      ),
    );
  }
  if (lr.macro) {
    for (const field of ["proto", "dport", "sport"] as const) {
      const own = lr.rule[field];
      if (own !== undefined && lr.macro.rules.some((t) => t[field] === own)) {
        out.push(
          finding(
            "PVEFW031",
            place,
            `-${field === "proto" ? "p" : field} ${own} repeats what macro ${lr.macro.name} already sets`,
            `remove -${field === "proto" ? "p" : field} from the rule`,
          ),
        );
      }
    }
  }
  if (lr.rule.type === "forward") {
    out.push(
      finding(
        "PVEFW051",
        place,
        "forward rules have no effect with the iptables backend (they are used by the nftables backend only)",
        "keep it only if the node runs proxmox-firewall (host option nftables: 1)",
      ),
    );
  }
  if ((list.level === "host" || list.level === "cluster") && truthy(lr.rule.iface) && /^net\d+$/.test(lr.rule.iface)) {
    out.push(
      finding(
        "PVEFW052",
        place,
        `-i ${lr.rule.iface} names a guest NIC; on a host rule it is matched against the node's interfaces and never matches`,
        "use the node's interface (the bridge, e.g. vmbr0), or move the rule into the guest's file",
        sev("warning"),
      ),
    );
  }
  if (enabled && (list.level === "host" || list.level === "cluster")) {
    const hit = shadowsManagement(lr, list, loaded.cluster, topology);
    if (hit !== undefined) {
      out.push(
        finding(
          "PVEFW070",
          place,
          `\`${text}\` drops tcp/${hit.port} from ${hit.from} before Proxmox's built-in accept for the management IPSet, which comes after all host and cluster rules`,
          "add an ACCEPT for your management networks (tcp 8006 and 22) above it, or narrow the rule",
        ),
      );
    }
  }
  return out;
}

const FIXES: Partial<Record<Code, string>> = {
  PVEFW010: "correct the field Proxmox rejects (see the message) or delete the rule",
  PVEFW020: "create the IPSet (in the cluster, or in this guest's file) or fix the reference",
  PVEFW021: "create the alias (in the cluster, or in this guest's file) or fix the reference",
  PVEFW023: "move the [ALIASES]/[IPSET] section above [RULES] (Proxmox reads the file top to bottom)",
  PVEFW030: "remove -p/-dport/-sport from a macro rule, or use a plain rule instead of the macro",
  PVEFW060: "split the rule into an IPv4 and an IPv6 rule",
};

/** Which code a `verify_rule` error belongs to. */
function classify(message: string, list: RuleList, lr: LoadedRule): Code {
  const set = /^no such ipset '(.+)'$/.exec(message);
  if (set) return definedLater(list, lr, "ipset", set[1]!) ? "PVEFW023" : "PVEFW020";
  const alias = /^no such alias '(?:dc\/|guest\/)?(.+)'$/.exec(message);
  if (alias) return definedLater(list, lr, "alias", alias[1]!.toLowerCase()) ? "PVEFW023" : "PVEFW021";
  if (/detected mixed ipv4\/ipv6/.test(message)) return "PVEFW060";
  if (/already define in macro/.test(message)) return "PVEFW030";
  return "PVEFW010";
}

/** Whether the missing object exists in the rule's own file, below the rule. */
function definedLater(list: RuleList, lr: LoadedRule, kind: "ipset" | "alias", name: string): boolean {
  if (lr.line === undefined) return false;
  const own = kind === "ipset" ? list.owner.ipsets.get(name)?.line : list.owner.aliases.get(name)?.line;
  return own !== undefined && own > lr.line;
}
