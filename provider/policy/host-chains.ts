/**
 * The node's own chains, PVEFW-HOST-IN and PVEFW-HOST-OUT, as Firewall.pm `enable_host_firewall`
 * builds them: built-in accepts, host rules then cluster rules, the management and corosync
 * accepts after them, then the cluster's policy.
 *
 * @module
 */
import { parseIp } from "../model/ip";
import { listMatcher, parseNet } from "./address";
import type { RulesetBuilder } from "./builder";
import { GenError } from "./generate";
import { type Cond, cond, type IrRule, type Origin, type Target } from "./ir";
import type { LoadedFile, LoadedRule } from "./load";
import { portIn } from "./ports";
import { connRules, inputFilterRules, ndpRules, policyRules } from "./std-chains";
import type { PolicyTopology } from "./types";
import { ruleEnabled, truthy } from "./verify";

const RETURN: Target = { k: "RETURN" };
const TCP = 6;
const UDP = 17;
const IGMP = 2;
const MANAGEMENT_PORTS: readonly [number, number, string][] = [
  [8006, 8006, "the API and GUI"],
  [5900, 5999, "VNC consoles"],
  [3128, 3128, "the SPICE proxy"],
  [22, 22, "SSH"],
  [60000, 60050, "migration"],
];

const dport =
  (lo: number, hi: number): Cond =>
  (p) =>
    portIn([{ lo, hi }], p.dport);

/** Builds PVEFW-HOST-IN and PVEFW-HOST-OUT and plugs them into PVEFW-INPUT/OUTPUT. */
export function buildHostChains(b: RulesetBuilder, host: LoadedFile | undefined, topology: PolicyTopology): void {
  const options = host?.options ?? {};
  const cluster = b.loaded.cluster;
  const hostRules = host?.rules ?? [];
  const own = new Set(hostRules);
  const place = (lr: LoadedRule) =>
    own.has(lr) ? { level: "host" as const, node: b.node.name } : { level: "cluster" as const };
  const all = [...hostRules, ...cluster.rules];
  const ctx = b.genContext(host, 0);

  for (const dir of ["IN", "OUT"] as const) {
    const chain = dir === "IN" ? "PVEFW-HOST-IN" : "PVEFW-HOST-OUT";
    const rules = b.createChain(chain);
    const implicit = (name: string, detail: string): Origin => ({ kind: "implicit", name, chain, detail });
    rules.push({
      conds: [dir === "IN" ? cond.iif("lo") : cond.oif("lo")],
      target: { k: "ACCEPT" },
      origin: implicit("lo", `traffic on the loopback interface is always accepted`),
    });
    rules.push(...connRules(false, { k: "ACCEPT" }));
    rules.push(...ndpRules(b.version, options, dir, RETURN, chain));
    if (dir === "IN") {
      const blacklist = cluster.ipsets.has("blacklist") ? b.set(0, "blacklist") : undefined;
      rules.push(...inputFilterRules(b.version, options, blacklist, chain));
    }
    rules.push({ conds: [cond.proto(IGMP)], target: RETURN, origin: implicit("igmp", "IGMP is always accepted") });

    for (const lr of all) {
      if (!ruleEnabled(lr.rule) || Object.keys(lr.errors).length > 0) continue;
      if (lr.ipversion && lr.ipversion !== b.version) continue;
      const iface = truthy(lr.rule.iface) ? lr.rule.iface : undefined;
      try {
        if (lr.rule.type === "group") {
          b.addGroupRule(chain, lr, place(lr), dir, RETURN, iface);
        } else if (lr.rule.type === dir.toLowerCase()) {
          const target: Target =
            lr.rule.action === "ACCEPT"
              ? RETURN
              : lr.rule.action === "REJECT"
                ? { k: "JUMP", chain: "PVEFW-reject" }
                : { k: "DROP" };
          b.addUserRule(chain, lr, place(lr), target, ctx, dir === "IN" ? { in: iface } : { out: iface });
        }
      } catch (err) {
        if (!(err instanceof GenError)) throw err;
      }
    }

    if (dir === "IN") rules.push(...managementRules(b, chain));
    else rules.push(...localNetworkRules(b, chain));
    rules.push(...corosyncRules(b, topology, dir, chain));
    const option = dir === "IN" ? "policy_in" : "policy_out";
    const policy = cluster.options[option] ?? (dir === "IN" ? "DROP" : "ACCEPT");
    rules.push(
      ...policyRules(policy, RETURN, {
        kind: "policy",
        level: "cluster",
        option,
        value: policy as "ACCEPT" | "DROP" | "REJECT",
        chain,
      }),
    );
  }
  b.chains.set("PVEFW-OUTPUT", [{ conds: [], target: { k: "JUMP", chain: "PVEFW-HOST-OUT" } }]);
  b.chains.set("PVEFW-INPUT", [{ conds: [], target: { k: "JUMP", chain: "PVEFW-HOST-IN" } }]);
}

/** The built-in accepts from the `management` IPSet (which always holds the local network). */
function managementRules(b: RulesetBuilder, chain: string): IrRule[] {
  const set = b.set(0, "management");
  const localnet = b.localNetwork();
  return MANAGEMENT_PORTS.map(([lo, hi, what]) => ({
    conds: [cond.srcSet(set), cond.proto(TCP), dport(lo, hi)],
    target: RETURN,
    origin: {
      kind: "implicit",
      name: "management",
      chain,
      detail: `source in IPSet management (its entries plus the local network ${localnet}), tcp ${lo === hi ? lo : `${lo}:${hi}`} (${what})`,
    },
  }));
}

/** HOST-OUT's accepts towards the local network (only when it has this IP version). */
function localNetworkRules(b: RulesetBuilder, chain: string): IrRule[] {
  const localnet = parseNet(b.localNetwork());
  if (!localnet || localnet.version !== b.version) return [];
  const inLocal = listMatcher([localnet]);
  const to: Cond = (p) => inLocal(p.dst);
  return (
    [
      [8006, 8006],
      [22, 22],
      [5900, 5999],
      [3128, 3128],
    ] as const
  ).map(([lo, hi]) => ({
    conds: [to, cond.proto(TCP), dport(lo, hi)],
    target: RETURN,
    origin: {
      kind: "implicit",
      name: "local-network",
      chain,
      detail: `destination in the local network ${b.localNetwork()}, tcp ${lo === hi ? lo : `${lo}:${hi}`}`,
    },
  }));
}

/** Corosync: multicast (transport `udp` only) and, per ring, each other node's ring address. */
function corosyncRules(b: RulesetBuilder, topology: PolicyTopology, dir: "IN" | "OUT", chain: string): IrRule[] {
  if (!topology.corosync) return [];
  const rules: IrRule[] = [];
  const corosync = [cond.proto(UDP), dport(5404, 5405)];
  const origin = (detail: string): Origin => ({ kind: "implicit", name: "corosync", chain, detail });
  if (topology.corosync.transport === "udp") {
    rules.push({
      conds: [cond.dstType("MULTICAST"), ...corosync],
      target: RETURN,
      origin: origin("corosync multicast (udp 5404:5405, transport udp)"),
    });
  }
  const same = (a: string) => parseIp(a)?.version === b.version;
  const localRings = b.node.rings;
  for (const other of topology.nodes) {
    if (other.name === b.node.name) continue;
    other.rings.forEach((addr, ring) => {
      const mine = localRings[ring];
      if (mine === undefined || !same(mine) || !same(addr)) return;
      const [src, dst] = dir === "IN" ? [addr, mine] : [mine, addr];
      const fromPeer = listMatcher([parseNet(src)!]);
      const toLocal = listMatcher([parseNet(dst)!]);
      rules.push({
        conds: [(p) => toLocal(p.dst), (p) => fromPeer(p.src), ...corosync],
        target: RETURN,
        origin: origin(`corosync ring ${ring} between ${other.name} (${addr}) and this node (${mine}), udp 5404:5405`),
      });
    });
  }
  return rules;
}
