/**
 * One user rule to compiled rules, as Firewall.pm `ruleset_generate_rule` (macro expansion, all or
 * nothing) and `ipt_rule_to_cmds` / `ipt_gen_src_or_dst_match` (matches) do it. Where Proxmox's
 * generator dies (and the rule is silently left out), {@link GenError} is thrown.
 *
 * @module
 */
import { protocolNumber } from "../model/pve-tables";
import type { RuleFields } from "../model/wire";
import { type KernelSet, listMatcher, parseAddressList } from "./address";
import { type Cond, cond } from "./ir";
import type { LoadedFile, LoadedRule } from "./load";
import { icmpCondition, icmpMatches, parsePortSpec, portIn } from "./ports";
import { truthy } from "./verify";

/** Proxmox's generator died on the rule; the message is Proxmox's. */
export class GenError extends Error {}

/** What a rule is generated against. */
export interface GenContext {
  readonly version: 4 | 6;
  readonly cluster: LoadedFile;
  /** The rule's own file (`fw_conf`): the guest's or host's file; absent for group rules. */
  readonly local?: LoadedFile;
  /** The guest's vmid for its own IPSets (0 for the cluster). */
  readonly vmid: number;
  /** The kernel set of `vmid`'s IPSet `name` (`vmid` 0 = cluster). */
  readonly set: (vmid: number, name: string) => KernelSet;
}

const PORT_PROTOCOLS = new Set(["udp", "17", "udplite", "136", "tcp", "6", "dccp", "33", "sctp", "132"]);
const IPSET_REF = /^\+(guest\/|dc\/|sdn\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;
const ALIAS_REF = /^(dc\/|guest\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;

/** A generated rule's fields: the rule's own plus the interface it is bound to. */
export interface GenFields extends RuleFields {
  readonly ifaceIn?: string;
  readonly ifaceOut?: string;
}

/**
 * The rules a (loaded, error-free) rule stands for in the `version` ruleset: itself, or its macro's
 * expansion (`$apply_macro` with the ruleset's version), or nothing for a macro of the other version.
 */
export function expandMacro(lr: LoadedRule, fields: GenFields, version: 4 | 6): GenFields[] {
  const macro = lr.macro;
  if (!macro) return [fields];
  if (macro.ipVersion && macro.ipVersion !== version) return [];
  const templates = version === 6 && macro.ipv6Rules ? macro.ipv6Rules : macro.rules;
  return templates.map((t) => {
    const out: Record<string, unknown> = { ...fields };
    delete out.macro;
    for (const k of ["proto", "dport", "sport", "source", "dest"] as const) {
      const fixed = t[k];
      if (fixed === undefined) continue;
      const own = fields[k];
      if (own !== undefined && String(own) !== fixed) {
        throw new GenError(`parameter '${k}' already define in macro (value = '${fixed}')`);
      }
      out[k] = fixed;
    }
    return out as unknown as GenFields;
  });
}

/** `ipt_rule_to_cmds`: the conditions of one (expanded) rule. */
export function ruleConds(r: GenFields, ctx: GenContext): Cond[] {
  const conds: Cond[] = [];
  if (r.ifaceIn) conds.push(cond.iif(r.ifaceIn));
  if (r.ifaceOut) conds.push(cond.oif(r.ifaceOut));
  if (truthy(r.source)) conds.push(addressCond(r.source, "src", ctx));
  if (truthy(r.dest)) conds.push(addressCond(r.dest, "dst", ctx));
  const proto = truthy(r.proto) ? r.proto : undefined;
  if (proto !== undefined) {
    const number = protocolNumber(proto);
    if (number === undefined) throw new GenError(`unknown protocol '${proto}'`);
    conds.push(cond.proto(number));
    const isIcmp = proto === "icmp" || proto === "icmpv6" || proto === "ipv6-icmp";
    const icmpType = r["icmp-type"];
    if (icmpType !== undefined && icmpType !== "") {
      if (!isIcmp) throw new GenError("'icmp-type' can only be set if 'icmp', 'icmpv6' or 'ipv6-icmp' is specified");
      conds.push(icmpCond(icmpType, ctx.version));
    }
    if (r.dport !== undefined) {
      if (proto === "icmp" || proto === "icmpv6") {
        const c = icmpCondition(r.dport, proto === "icmp" ? 4 : 6);
        if (!c) throw new GenError(`unknown icmp-type '${r.dport}'`);
        conds.push(icmpCond(r.dport, proto === "icmp" ? 4 : 6));
      } else if (!PORT_PROTOCOLS.has(proto)) {
        throw new GenError(`protocol ${proto} does not have ports`);
      } else if (truthy(r.dport)) {
        conds.push(portCond(r.dport, "dport"));
      }
    }
    if (truthy(r.sport)) {
      if (!PORT_PROTOCOLS.has(proto)) throw new GenError(`protocol ${proto} does not have ports`);
      conds.push(portCond(r.sport, "sport"));
    }
  } else if (truthy(r.dport)) {
    throw new GenError(`destination port '${r.dport}', but no protocol specified`);
  } else if (truthy(r.sport)) {
    throw new GenError(`source port '${r.sport}', but no protocol specified`);
  }
  return conds;
}

function icmpCond(spec: string, version: 4 | 6): Cond {
  const c = icmpCondition(spec, version);
  if (!c) throw new GenError(`unknown icmp-type '${spec}'`);
  return (p) => p.icmp !== undefined && icmpMatches(c, p.icmp);
}

function portCond(spec: string, which: "dport" | "sport"): Cond {
  const parsed = parsePortSpec(spec, false);
  if (!parsed.ok) throw new GenError(parsed.error);
  const ranges = parsed.ranges;
  return which === "dport" ? (p) => portIn(ranges, p.dport) : (p) => portIn(ranges, p.sport);
}

/** `ipt_gen_src_or_dst_match`: an IPSet, an alias (resolved now), a range or a list. */
function addressCond(spec: string, dir: "src" | "dst", ctx: GenContext): Cond {
  if (spec.startsWith("+")) {
    const m = IPSET_REF.exec(spec);
    if (!m) throw new GenError(`invalid security group name '${spec}'`);
    const scope = m[1] ?? "";
    const name = m[2]!;
    const inScope = (s: string) => scope === "" || scope === `${s}/`;
    let set: KernelSet;
    if (inScope("guest") && ctx.local?.ipsets.has(name)) set = ctx.set(ctx.vmid, name);
    else if (inScope("dc") && ctx.cluster.ipsets.has(name)) set = ctx.set(0, name);
    else throw new GenError(`no such ipset '${name}'`);
    return dir === "src" ? cond.srcSet(set) : cond.dstSet(set);
  }
  let literal = spec;
  const alias = ALIAS_REF.exec(spec);
  if (alias) {
    const scope = alias[1] ?? "";
    const key = alias[2]!.toLowerCase();
    let cidr = scope !== "dc/" ? ctx.local?.aliases.get(key)?.cidr : undefined;
    if (scope !== "guest/" && cidr === undefined) cidr = ctx.cluster.aliases.get(key)?.cidr;
    if (cidr === undefined) throw new GenError(`no such alias '${spec}'`);
    literal = cidr;
  }
  const list = parseAddressList(literal);
  if (!list.ok || list.kind !== "literal") throw new GenError(`invalid address '${literal}'`);
  const has = listMatcher(list.items);
  return dir === "src" ? (p) => has(p.src) : (p) => has(p.dst);
}
