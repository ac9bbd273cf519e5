/**
 * The compiled form of a node's firewall: chains of rules with precompiled conditions, the same
 * chains and in the same order as Proxmox's `compile_iptables_filter` generates them, each rule
 * tagged with what it came from so a verdict can name its cause.
 *
 * @module
 */
import type { ParsedIp } from "../model/ip";
import type { KernelSet } from "./address";
import type { DecidedBy } from "./types";

/** A packet as one netfilter hook sees it. */
export interface HopPacket {
  readonly version: 4 | 6;
  /** IP protocol number. */
  readonly proto: number;
  readonly src: ParsedIp;
  readonly dst: ParsedIp;
  readonly sport?: number;
  readonly dport?: number;
  readonly icmp?: { readonly type: number; readonly code: number };
  readonly srctype: string;
  readonly dsttype: string;
  /** In-interface (`-i`): the L3 device, e.g. the bridge; undefined in OUTPUT. */
  readonly iif?: string;
  /** Out-interface (`-o`). */
  readonly oif?: string;
  readonly physIn?: string;
  readonly physOut?: string;
  /** Whether the packet is being bridged (`--physdev-is-bridged`). */
  readonly bridged: boolean;
}

/** What a walk carries from rule to rule and hop to hop (the packet's mark lives as long as the packet). */
export interface WalkState {
  /** The accept-mark bit (`0x80000000`). */
  mark: boolean;
  /** Who set the accept-mark last (a mark test's decision is theirs). */
  markBy?: DecidedBy;
}

/** One match condition. */
export type Cond = (p: HopPacket, s: WalkState) => boolean;

/** Where control goes when a rule matches. */
export type Target =
  | { readonly k: "ACCEPT" | "DROP" | "REJECT" | "RETURN" | "NOP" }
  | { readonly k: "MARK"; readonly on: boolean }
  | { readonly k: "JUMP" | "GOTO"; readonly chain: string };

/** What a rule stands for in a verdict (a {@link DecidedBy} without the hop-specific parts). */
export type Origin = Exclude<DecidedBy, { kind: "gate" } | { kind: "unfiltered" }>;

/** One compiled rule. */
export interface IrRule {
  readonly conds: readonly Cond[];
  readonly target: Target;
  /** What the rule came from; rules of Proxmox's standard chains have none and act for their caller. */
  readonly origin?: Origin;
  /** Set on `-m mark --mark 0x80000000` tests: the decision belongs to whoever set the mark. */
  readonly markTest?: boolean;
  /** Why a standard-chain rule decides as it does (kernel detail for explanations). */
  readonly note?: string;
}

/** One compiled ruleset (one IP version of one node). */
export interface Ruleset {
  readonly version: 4 | 6;
  readonly chains: ReadonlyMap<string, readonly IrRule[]>;
  /** Kernel sets by `<vmid or 0>:<name>`. */
  readonly sets: ReadonlyMap<string, KernelSet>;
  /** Configurations whose effect Proxmox leaves undefined (see SIMULATOR.md §6). */
  readonly warnings: readonly string[];
}

/** Interface name match with iptables' trailing-`+` wildcard. */
export function ifaceMatches(pattern: string, name: string | undefined): boolean {
  if (name === undefined) return false;
  return pattern.endsWith("+") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Building blocks for conditions. */
export const cond = {
  iif:
    (name: string): Cond =>
    (p) =>
      ifaceMatches(name, p.iif),
  oif:
    (name: string): Cond =>
    (p) =>
      ifaceMatches(name, p.oif),
  physIn:
    (name: string): Cond =>
    (p) =>
      ifaceMatches(name, p.physIn),
  physOut:
    (name: string): Cond =>
    (p) =>
      ifaceMatches(name, p.physOut),
  bridged: ((p) => p.bridged) as Cond,
  proto:
    (n: number): Cond =>
    (p) =>
      p.proto === n,
  mark: ((_p, s) => s.mark) as Cond,
  /** `--ctstate`: every simulated packet is NEW. */
  ctstate: (states: readonly string[]): Cond => {
    const yes = states.includes("NEW");
    return () => yes;
  },
  srcType:
    (t: string): Cond =>
    (p) =>
      p.srctype === t,
  dstType:
    (t: string): Cond =>
    (p) =>
      p.dsttype === t,
  srcSet:
    (set: KernelSet, negate = false): Cond =>
    (p) =>
      set.has(p.src) !== negate,
  dstSet:
    (set: KernelSet, negate = false): Cond =>
    (p) =>
      set.has(p.dst) !== negate,
} as const;

/** A rule with a terminal or control target and no origin (standard chains, plumbing). */
export function plain(conds: readonly Cond[], target: Target, note?: string): IrRule {
  return note === undefined ? { conds, target } : { conds, target, note };
}
