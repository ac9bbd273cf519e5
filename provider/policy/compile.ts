/**
 * One node's filter ruleset for one IP version, as Firewall.pm `compile_iptables_filter` builds it:
 * PVEFW-FORWARD and the firewall-bridge chains, the host chains (unless the host firewall is
 * off), then every enabled local guest's NIC chains (VMs, then containers, each sorted by vmid).
 *
 * The cluster gate (`enable`) is checked by the caller: with the cluster firewall off Proxmox
 * compiles nothing at all.
 *
 * @module
 */
import { RulesetBuilder } from "./builder";
import { buildGuestChains } from "./guest-chains";
import { buildHostChains } from "./host-chains";
import { cond, type Ruleset } from "./ir";
import type { LoadedConfigs } from "./load";
import { connRules, inputFilterRules } from "./std-chains";
import type { PolicyNode, PolicyTopology } from "./types";

/** Whether a node's host firewall is on: host.fw `enable` unset or not 0 (Proxmox's default is on). */
export function hostEnabled(loaded: LoadedConfigs, node: string): boolean {
  return loaded.hosts[node]?.options.enable !== "0";
}

/** Whether a guest's own firewall is on: its file exists and says `enable: 1`. */
export function guestEnabled(loaded: LoadedConfigs, vmid: number): boolean {
  const v = loaded.guests[String(vmid)]?.options.enable;
  return v !== undefined && v !== "" && v !== "0";
}

/** Compiles `node`'s ruleset for `version`. */
export function compileRuleset(
  loaded: LoadedConfigs,
  topology: PolicyTopology,
  node: PolicyNode,
  version: 4 | 6,
): Ruleset {
  const local = topology.guests.filter((g) => g.node === node.name);
  const b = new RulesetBuilder(version, loaded, node, local);
  const hostOptions = loaded.hosts[node.name]?.options ?? {};
  b.chains.set("PVEFW-INPUT", []);
  b.chains.set("PVEFW-OUTPUT", []);
  const forward = b.createChain("PVEFW-FORWARD");
  forward.push(...connRules(hostOptions.nf_conntrack_allow_invalid === "1", { k: "ACCEPT" }));
  const blacklist = loaded.cluster.ipsets.has("blacklist") ? b.set(0, "blacklist") : undefined;
  b.createChain("PVEFW-FWBR-IN").push(...inputFilterRules(version, hostOptions, blacklist, "PVEFW-FWBR-IN"));
  forward.push({ conds: [cond.bridged, cond.physIn("fwln+")], target: { k: "JUMP", chain: "PVEFW-FWBR-IN" } });
  b.createChain("PVEFW-FWBR-OUT");
  forward.push({ conds: [cond.bridged, cond.physOut("fwln+")], target: { k: "JUMP", chain: "PVEFW-FWBR-OUT" } });

  if (hostEnabled(loaded, node.name)) buildHostChains(b, loaded.hosts[node.name], topology);

  for (const type of ["qemu", "lxc"] as const) {
    const guests = local.filter((g) => g.type === type).sort((x, y) => compareText(String(x.vmid), String(y.vmid)));
    for (const guest of guests) {
      const file = loaded.guests[String(guest.vmid)];
      if (!file || !guestEnabled(loaded, guest.vmid)) continue;
      buildGuestChains(b, guest, file);
    }
  }
  return { version, chains: b.chains, sets: b.sets, warnings: b.warnings };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
