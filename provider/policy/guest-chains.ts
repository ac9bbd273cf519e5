/**
 * The per-NIC guest chains (`tap<vmid>i<N>-IN/OUT`, `veth...` for containers), as Firewall.pm
 * `generate_tap_rules_direction`, `ruleset_create_vm_chain` and `ruleset_generate_vm_rules`
 * build them, plugged into PVEFW-FWBR-IN/OUT.
 *
 * @module
 */
import type { RulesetBuilder } from "./builder";
import { GenError } from "./generate";
import { type Cond, cond, type IrRule, type Origin, type Target } from "./ir";
import type { LoadedFile } from "./load";
import { portIn } from "./ports";
import { ndpRules, policyRules, truthyOption } from "./std-chains";
import type { PolicyGuest, PolicyNic } from "./types";
import { ruleEnabled, truthy } from "./verify";

const UDP = 17;
const ICMPV6 = 58;
const SET_MARK: Target = { k: "GOTO", chain: "PVEFW-SET-ACCEPT-MARK" };

/** The kernel device of a guest NIC: `tap<vmid>i<N>` (VM) or `veth<vmid>i<N>` (container). */
export function nicDevice(guest: PolicyGuest, nic: PolicyNic): string {
  return `${guest.type === "qemu" ? "tap" : "veth"}${guest.vmid}i${nic.id.slice(3)}`;
}

/**
 * Builds the chains of one enabled guest, NIC by NIC (sorted as Proxmox sorts `net*` keys), IN then
 * OUT. A security group that cannot be built aborts the rest of this guest, as Proxmox's per-guest
 * `eval` does: chains finished before stay plugged, the rest are never built.
 */
export function buildGuestChains(b: RulesetBuilder, guest: PolicyGuest, file: LoadedFile): void {
  const nics = [...guest.nics].filter((n) => n.firewall).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  try {
    for (const nic of nics) {
      for (const dir of ["IN", "OUT"] as const) buildDirection(b, guest, nic, file, dir);
    }
  } catch (err) {
    if (!(err instanceof GenError)) throw err;
    b.warnings.push(
      `guest ${guest.vmid}: Proxmox stops building this guest's chains at a failing security group ` +
        `(${err.message}); NICs and directions after it are not filtered`,
    );
  }
}

function buildDirection(b: RulesetBuilder, guest: PolicyGuest, nic: PolicyNic, file: LoadedFile, dir: "IN" | "OUT") {
  const options = file.options;
  const device = nicDevice(guest, nic);
  const chain = `${device}-${dir}`;
  const vmid = guest.vmid;
  const ips = truthyOption(options.ips);
  const inAccept: Target = { k: "ACCEPT" };
  const ipsNote = ips ? "queued to the IPS (NFQUEUE, option ips: 1); Suricata has the last word" : undefined;
  const implicit = (name: string, detail: string): Origin => ({ kind: "implicit", name, chain, detail });
  const rules = b.createChain(chain);
  rules.push({ conds: [], target: { k: "NOP" } });
  if (options.dhcp !== "0") {
    const [sp, dp] =
      dir === "OUT" ? (b.version === 4 ? [68, 67] : [546, 547]) : b.version === 4 ? [67, 68] : [547, 546];
    rules.push({
      conds: [cond.proto(UDP), ports("sport", sp!), ports("dport", dp!)],
      target: dir === "OUT" ? SET_MARK : inAccept,
      origin: implicit("dhcp", `DHCP (udp ${sp} -> ${dp}) is accepted unless the guest option dhcp is 0`),
    });
  }
  if (dir === "OUT") {
    if (b.version === 6 && !truthyOption(options.radv)) {
      rules.push({
        conds: [cond.proto(ICMPV6), (p) => p.icmp?.type === 134],
        target: { k: "DROP" },
        origin: implicit("radv", "router advertisements from a guest are dropped unless the guest option radv is 1"),
      });
    }
    const setName = `ipfilter-${nic.id}`;
    if (truthyOption(options.ipfilter) || file.ipsets.has(setName)) {
      const set = b.set(vmid, setName);
      rules.push({
        conds: [cond.srcSet(set, true)],
        target: { k: "DROP" },
        origin: implicit(
          "ipfilter",
          `source address is not in IPSet ${setName} (ipfilter; the set also holds the NIC's link-local address${
            guest.type === "lxc" ? " and its configured ip/ip6" : ""
          })`,
        ),
      });
    }
    rules.push({ conds: [], target: { k: "MARK", on: false } });
  }
  rules.push(...ndpRules(b.version, options, dir, dir === "OUT" ? SET_MARK : inAccept, chain));

  const place = { level: "guest" as const, vmid };
  const ctx = b.genContext(file, vmid);
  for (const lr of file.rules) {
    if (truthy(lr.rule.iface) && lr.rule.iface !== nic.id) continue;
    if (!ruleEnabled(lr.rule) || Object.keys(lr.errors).length > 0) continue;
    if (lr.ipversion && lr.ipversion !== b.version) continue;
    if (lr.rule.type === "group") {
      b.addGroupRule(chain, lr, place, dir, dir === "OUT" ? { k: "RETURN" } : inAccept);
      continue;
    }
    if (lr.rule.type !== dir.toLowerCase()) continue;
    const target: Target =
      lr.rule.action === "ACCEPT"
        ? dir === "OUT"
          ? SET_MARK
          : inAccept
        : lr.rule.action === "REJECT"
          ? { k: "JUMP", chain: "PVEFW-reject" }
          : { k: "DROP" };
    try {
      b.addUserRule(chain, lr, place, target, ctx, undefined, dir === "IN" ? ipsNote : undefined);
    } catch (err) {
      if (!(err instanceof GenError)) throw err;
    }
  }

  const option = dir === "OUT" ? "policy_out" : "policy_in";
  const policy = options[option] || (dir === "OUT" ? "ACCEPT" : "DROP");
  const origin: Origin = {
    kind: "policy",
    level: "guest",
    vmid,
    option,
    value: policy as "ACCEPT" | "DROP" | "REJECT",
    chain,
  };
  rules.push(...policyRules(policy, dir === "OUT" ? SET_MARK : inAccept, origin, dir === "IN" ? ipsNote : undefined));

  const plug: IrRule = {
    conds: [cond.bridged, dir === "IN" ? cond.physOut(device) : cond.physIn(device)],
    target: { k: "JUMP", chain },
  };
  b.chains.get(dir === "IN" ? "PVEFW-FWBR-IN" : "PVEFW-FWBR-OUT")!.push(plug);
}

function ports(which: "sport" | "dport", port: number): Cond {
  const ranges = [{ lo: port, hi: port }];
  return which === "sport" ? (p) => portIn(ranges, p.sport) : (p) => portIn(ranges, p.dport);
}
