/**
 * The state of one ruleset while it is compiled: chains, kernel sets (built on first use, as
 * `compile_ipsets` would have built them), security-group chains (built on first reference, with
 * Proxmox's failure semantics) and warnings.
 *
 * @module
 */
import { printRuleLine } from "../fw/rule";
import { parseIp } from "../model/ip";
import { KernelSet, parseNet, type SetEntry } from "./address";
import { expandMacro, type GenContext, GenError, type GenFields, ruleConds } from "./generate";
import { cond, type IrRule, type Origin, type Target } from "./ir";
import type { LoadedConfigs, LoadedFile, LoadedRule } from "./load";
import { standardChains } from "./std-chains";
import type { PolicyGuest, PolicyNode } from "./types";
import { ruleEnabled } from "./verify";

const ALIAS_ENTRY = /^(dc\/|guest\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;
const GROUP_CHAIN = (name: string, dir: "IN" | "OUT") => `GROUP-${name}-${dir}`;

/** Where a user rule sits, for its origin. */
export interface RulePlace {
  readonly level: "cluster" | "host" | "guest" | "group";
  readonly node?: string;
  readonly vmid?: number;
  readonly group?: string;
}

/** Compiles chains for one node and one IP version. */
export class RulesetBuilder {
  readonly chains: Map<string, IrRule[]>;
  readonly sets = new Map<string, KernelSet>();
  readonly warnings: string[] = [];
  readonly #localGuests: ReadonlyMap<number, PolicyGuest>;

  constructor(
    readonly version: 4 | 6,
    readonly loaded: LoadedConfigs,
    readonly node: PolicyNode,
    localGuests: readonly PolicyGuest[],
  ) {
    this.chains = standardChains(version);
    this.#localGuests = new Map(localGuests.map((g) => [g.vmid, g]));
  }

  /** `ruleset_create_chain`: dies when the chain exists. */
  createChain(name: string): IrRule[] {
    if (this.chains.has(name)) throw new GenError(`chain '${name}' already exists`);
    const rules: IrRule[] = [];
    this.chains.set(name, rules);
    return rules;
  }

  /** The local network: the cluster alias `local_network`, else the node's network. */
  localNetwork(): string {
    return this.loaded.cluster.aliases.get("local_network")?.cidr ?? this.node.network;
  }

  /** The kernel set of IPSet `name` of guest `vmid` (0 = cluster), as `compile_ipsets` fills it. */
  set(vmid: number, name: string): KernelSet {
    const key = `${vmid}:${name}`;
    let set = this.sets.get(key);
    if (!set) {
      set = new KernelSet(this.#setEntries(vmid, name));
      this.sets.set(key, set);
    }
    return set;
  }

  #setEntries(vmid: number, name: string): SetEntry[] {
    const cluster = this.loaded.cluster;
    const guestFile = vmid === 0 ? undefined : this.loaded.guests[String(vmid)];
    const file = vmid === 0 ? cluster : guestFile;
    const raw: { cidr: string; nomatch: boolean }[] = [];
    for (const e of file?.ipsets.get(name)?.entries ?? []) {
      if (e.error) continue;
      raw.push({ cidr: e.entry.cidr, nomatch: e.entry.nomatch === 1 || e.entry.nomatch === true });
    }
    if (vmid === 0 && name === "management") raw.push({ cidr: this.localNetwork(), nomatch: false });
    const nicId = /^ipfilter-(net\d+)$/.exec(name)?.[1];
    const nic = nicId ? this.#localGuests.get(vmid)?.nics.find((n) => n.id === nicId && n.firewall) : undefined;
    if (nic) {
      if (nic.mac) {
        const ll = linkLocal(nic.mac);
        if (ll) raw.push({ cidr: ll, nomatch: false });
      }
      raw.push({ cidr: "fe80::/10", nomatch: true });
      if (nic.ip) raw.push({ cidr: nic.ip, nomatch: false });
      if (nic.ip6) raw.push({ cidr: nic.ip6, nomatch: false });
    }
    const entries: SetEntry[] = [];
    for (const { cidr, nomatch } of raw) {
      const resolved = this.#resolveEntry(cidr, guestFile);
      const parsed = resolved === undefined ? undefined : parseNetLoose(resolved);
      if (parsed) entries.push({ ...parsed, nomatch, text: cidr });
    }
    return entries;
  }

  /** `resolve_alias` for an IPSet entry: guest sets see the guest's aliases, then the cluster's. */
  #resolveEntry(cidr: string, guest: LoadedFile | undefined): string | undefined {
    const m = ALIAS_ENTRY.exec(cidr);
    if (!m) return cidr;
    const scope = m[1] ?? "";
    const key = m[2]!.toLowerCase();
    let found = scope !== "dc/" ? guest?.aliases.get(key)?.cidr : undefined;
    if (scope !== "guest/" && found === undefined) found = this.loaded.cluster.aliases.get(key)?.cidr;
    return found;
  }

  /** The generation context of a rule living in `local` (guest/host file) or in a group (no local). */
  genContext(local: LoadedFile | undefined, vmid: number): GenContext {
    return {
      version: this.version,
      cluster: this.loaded.cluster,
      ...(local ? { local } : {}),
      vmid,
      set: (v, n) => this.set(v, n),
    };
  }

  /**
   * `ruleset_generate_rule`: appends the rule (or its macro's lines, all or nothing) to `chain`.
   *
   * @throws GenError where Proxmox's generator dies
   */
  addUserRule(
    chain: string,
    lr: LoadedRule,
    place: RulePlace,
    target: Target,
    ctx: GenContext,
    iface?: { in?: string; out?: string },
    note?: string,
  ): void {
    const fields: GenFields = {
      ...lr.rule,
      ...(iface?.in ? { ifaceIn: iface.in } : {}),
      ...(iface?.out ? { ifaceOut: iface.out } : {}),
    };
    const expanded = expandMacro(lr, fields, this.version);
    const rules: IrRule[] = expanded.map((r, i) => ({
      conds: ruleConds(r, ctx),
      target,
      origin: this.ruleOrigin(lr, place, chain, expanded.length > 1 ? i : undefined, note),
    }));
    this.chains.get(chain)!.push(...rules);
  }

  /** The origin of a user rule in `chain`. */
  ruleOrigin(lr: LoadedRule, place: RulePlace, chain: string, expansion?: number, note?: string): Origin {
    return {
      kind: "rule",
      level: place.level,
      pos: lr.pos,
      ...(place.node !== undefined ? { node: place.node } : {}),
      ...(place.vmid !== undefined ? { vmid: place.vmid } : {}),
      ...(place.group !== undefined ? { group: place.group } : {}),
      ...(lr.line !== undefined ? { line: lr.line } : {}),
      ...(expansion !== undefined ? { expansion } : {}),
      rule: printRuleLine(lr.macro ? { ...lr.rule, macro: lr.macro.name } : lr.rule, place.level !== "group"),
      chain,
      ...(note ? { note } : {}),
    };
  }

  /**
   * `ruleset_add_group_rule`: makes sure the group's chain for `dir` exists (building both on
   * first reference, as `generate_group_rules`), then appends the jump and the mark test.
   *
   * @throws GenError when the group's chains cannot be built (Proxmox's caller sees the same die)
   */
  addGroupRule(
    chain: string,
    lr: LoadedRule,
    place: RulePlace,
    dir: "IN" | "OUT",
    onMark: Target,
    iface?: string,
  ): void {
    const name = lr.rule.action;
    if (!this.chains.has(GROUP_CHAIN(name, dir))) this.#generateGroup(name);
    const origin = this.ruleOrigin(lr, place, chain);
    const rules = this.chains.get(chain)!;
    const ifaceCond = iface ? [dir === "IN" ? cond.iif(iface) : cond.oif(iface)] : [];
    rules.push({ conds: ifaceCond, target: { k: "JUMP", chain: GROUP_CHAIN(name, dir) }, origin });
    rules.push({ conds: [cond.mark], target: onMark, origin, markTest: true });
  }

  /** `generate_group_rules`: both chains, rules added one by one (a die leaves a partial chain). */
  #generateGroup(name: string): void {
    const group = this.loaded.cluster.groups.get(name);
    for (const dir of ["IN", "OUT"] as const) {
      const chainName = GROUP_CHAIN(name, dir);
      const rules = this.createChain(chainName);
      rules.push({ conds: [], target: { k: "MARK", on: false } });
      for (const lr of group?.rules ?? []) {
        if (lr.rule.type !== dir.toLowerCase() || !ruleEnabled(lr.rule) || Object.keys(lr.errors).length > 0) continue;
        if (lr.ipversion && lr.ipversion !== this.version) continue;
        const target: Target =
          lr.rule.action === "ACCEPT"
            ? { k: "GOTO", chain: "PVEFW-SET-ACCEPT-MARK" }
            : lr.rule.action === "REJECT"
              ? { k: "JUMP", chain: "PVEFW-reject" }
              : { k: "DROP" };
        try {
          this.addUserRule(chainName, lr, { level: "group", group: name }, target, this.genContext(undefined, 0));
        } catch (err) {
          if (!(err instanceof GenError)) throw err;
          this.warnings.push(
            `security group ${name}: rule ${lr.pos} (${printRuleLine(lr.rule, false)}) fails when Proxmox compiles it ` +
              `(${err.message}); Proxmox stops building ${chainName} there, so the group's effect is undefined`,
          );
          throw err;
        }
      }
    }
  }
}

/** A set entry as the kernel takes it: an address or CIDR, host bits cleared. */
function parseNetLoose(cidr: string): { version: 4 | 6; value: bigint; prefix: number } | undefined {
  const exact = parseNet(cidr);
  if (exact) return exact;
  const slash = cidr.indexOf("/");
  const ip = parseIp(slash < 0 ? cidr : cidr.slice(0, slash));
  if (!ip) return undefined;
  const prefix = slash < 0 ? (ip.version === 4 ? 32 : 128) : Number(cidr.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix > (ip.version === 4 ? 32 : 128) || prefix === 0) return undefined;
  return { version: ip.version, value: ip.value, prefix };
}

/** Firewall.pm `mac_to_linklocal`: the NIC's EUI-64 link-local address. */
export function linkLocal(mac: string): string | undefined {
  const parts = mac.split(":");
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  const first = (Number.parseInt(parts[0]!, 16) ^ 0x02).toString(16).padStart(2, "0");
  return `fe80::${first}${parts[1]}:${parts[2]}ff:fe${parts[3]}:${parts[4]}${parts[5]}`;
}
