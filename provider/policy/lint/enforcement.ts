/**
 * Rules saved but not enforced: the cluster firewall off (or an expired anti-lockout timestamp),
 * a node's host firewall off, a guest's firewall off, or (with a topology) a guest without any
 * `firewall=1` NIC and rules bound to a NIC that is not filtered.
 *
 * @module
 */
import type { LoadedConfigs, LoadedFile } from "../load";
import { clusterEnableActive } from "../simulate";
import type { PolicyTopology } from "../types";
import { truthy } from "../verify";
import { type Finding, finding, type Place } from "./findings";
import { type RuleList, rulePlace, rulesOf } from "./lists";

function filePlace(f: LoadedFile, scope: string): Place {
  return { ...(f.file !== undefined ? { file: f.file } : {}), scope };
}

function countRules(f: LoadedFile): number {
  let n = f.rules.length;
  for (const g of f.groups.values()) n += g.rules.length;
  return n;
}

/** Findings about rules that exist but are not applied. */
export function enforcementFindings(
  loaded: LoadedConfigs,
  lists: readonly RuleList[],
  topology: PolicyTopology | undefined,
  nowSec: number,
): Finding[] {
  const out: Finding[] = [];
  const cluster = loaded.cluster;
  const enable = cluster.options.enable;
  const total =
    countRules(cluster) +
    Object.values(loaded.hosts).reduce((n, h) => n + h.rules.length, 0) +
    Object.values(loaded.guests).reduce((n, g) => n + g.rules.length, 0);
  const on = clusterEnableActive(enable, nowSec);
  if (enable !== undefined && /^\d+$/.test(enable) && Number(enable) > 1) {
    const left = 60 - (nowSec - Number(enable));
    out.push(
      on
        ? finding(
            "PVEFW080",
            filePlace(cluster, "cluster options"),
            `enable: ${enable} is an anti-lockout timestamp: the firewall is on for ${left} more seconds, then off`,
            "set enable: 1 once you have confirmed access",
            "info",
          )
        : finding(
            "PVEFW080",
            filePlace(cluster, "cluster options"),
            `enable: ${enable} is an anti-lockout timestamp older than 60 s: Proxmox reads it as 0 (firewall off)`,
            "set enable: 1 (after checking access) or enable: 0",
          ),
    );
  } else if (!on && total > 0) {
    out.push(
      finding(
        "PVEFW050",
        filePlace(cluster, "cluster options"),
        `the cluster firewall is off (enable is ${enable ?? "unset"}): none of the ${total} rules is enforced anywhere`,
        "set enable: 1 in cluster.fw [OPTIONS] once the rules that keep you in are in place",
      ),
    );
  }
  for (const [node, host] of Object.entries(loaded.hosts)) {
    if (host.options.enable !== "0") continue;
    const n = host.rules.length + cluster.rules.length;
    if (n === 0) continue;
    out.push(
      finding(
        "PVEFW050",
        filePlace(host, `host/${node} options`),
        `the host firewall of ${node} is off (enable: 0): its ${host.rules.length} rules and the cluster's ${cluster.rules.length} rules are not enforced on ${node}`,
        "remove enable: 0 from host.fw [OPTIONS] (the host firewall is on by default)",
      ),
    );
  }
  for (const [vmid, guest] of Object.entries(loaded.guests)) {
    if (guest.rules.length === 0) continue;
    if (!truthy(guest.options.enable)) {
      out.push(
        finding(
          "PVEFW050",
          filePlace(guest, `guest/${vmid} options`),
          `the firewall of guest ${vmid} is off (enable is ${guest.options.enable ?? "unset"}): its ${guest.rules.length} rules are not enforced`,
          `set enable: 1 in ${vmid}.fw [OPTIONS]`,
        ),
      );
      continue;
    }
    if (!topology) continue;
    const g = topology.guests.find((x) => String(x.vmid) === vmid);
    if (!g) continue;
    const filtered = new Set(g.nics.filter((n) => n.firewall).map((n) => n.id));
    if (filtered.size === 0) {
      out.push(
        finding(
          "PVEFW050",
          filePlace(guest, `guest/${vmid}`),
          `guest ${vmid} has no NIC with firewall=1: its ${guest.rules.length} rules are not enforced`,
          `set firewall=1 on the guest's NICs (Hardware > Network Device > Firewall)`,
        ),
      );
      continue;
    }
    const list = lists.find((l) => l.scope === `guest/${vmid}`);
    for (const lr of list ? rulesOf(list) : []) {
      const iface = lr.rule.iface;
      if (!truthy(iface) || filtered.has(iface) || !/^net\d+$/.test(iface)) continue;
      const exists = g.nics.some((n) => n.id === iface);
      out.push(
        finding(
          "PVEFW050",
          rulePlace(list!, lr),
          `the rule is bound to ${iface}, which ${exists ? "has no firewall=1" : "the guest does not have"}: it is never enforced`,
          exists ? `set firewall=1 on ${iface}` : "bind the rule to an existing NIC (-i netN) or remove -i",
        ),
      );
    }
  }
  return out;
}
