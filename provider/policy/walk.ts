/**
 * Walks a packet through one chain of a compiled ruleset with netfilter's semantics: first match
 * wins; `-j` into a user chain comes back when that chain ends; `-g` hands the chain's result to
 * the caller's caller; RETURN leaves the chain; a top-level chain that ends (or returns) accepts;
 * MARK changes the packet's mark and goes on.
 *
 * While walking it keeps track of what decided: the rule that ended the walk, or for an accept by
 * RETURN (host chains) or by the accept-mark (guest OUT, security groups) the rule that did that.
 *
 * @module
 */
import type { HopPacket, IrRule, Origin, Ruleset, WalkState } from "./ir";
import type { Action, DecidedBy, GroupCaller } from "./types";

/** A chain walk's outcome: the verdict and what decided it (undefined when no rule did). */
export interface WalkResult {
  readonly action: Action;
  readonly decidedBy?: DecidedBy;
}

interface Frame {
  /** Origin of the rule that jumped here: standard-chain rules act for it. */
  readonly inherited?: Origin;
  /** The GROUP rule that entered the current security group chain. */
  readonly caller?: Origin;
}

type Outcome = { readonly verdict: Action } | undefined;

/** Maximum chain nesting; Proxmox's chains nest at most four deep. */
const MAX_DEPTH = 32;

/** Walks `chain` (a top-level chain: ending it means ACCEPT). */
export function walkChain(rs: Ruleset, chain: string, p: HopPacket, state: WalkState): WalkResult {
  let decided: DecidedBy | undefined;

  const attribute = (rule: IrRule, frame: Frame): DecidedBy | undefined => {
    const origin = rule.origin ?? frame.inherited;
    if (!origin) return undefined;
    let out: DecidedBy = origin;
    if (origin.kind === "rule" && origin.level === "group" && frame.caller?.kind === "rule") {
      out = { ...origin, via: callerOf(frame.caller) };
    }
    if (rule.note && !("note" in out && out.note)) out = { ...out, note: rule.note } as DecidedBy;
    return out;
  };

  const run = (name: string, frame: Frame, depth: number): Outcome => {
    const rules = rs.chains.get(name);
    if (!rules || depth > MAX_DEPTH) return undefined;
    for (const rule of rules) {
      if (!matches(rule, p, state)) continue;
      const t = rule.target;
      switch (t.k) {
        case "NOP":
          continue;
        case "MARK":
          state.mark = t.on;
          if (t.on) {
            state.markBy = attribute(rule, frame);
            decided = state.markBy;
          }
          continue;
        case "ACCEPT":
        case "DROP":
        case "REJECT":
          decided = rule.markTest ? state.markBy : attribute(rule, frame);
          return { verdict: t.k };
        case "RETURN":
          if (rule.markTest) decided = state.markBy;
          else if (rule.origin) decided = attribute(rule, frame);
          return undefined;
        case "JUMP":
        case "GOTO": {
          const into = t.chain.startsWith("GROUP-") ? { caller: rule.origin } : { caller: frame.caller };
          const next: Frame = { inherited: rule.origin ?? frame.inherited, ...into };
          const out = run(t.chain, next, depth + 1);
          if (out || t.k === "GOTO") return out;
          continue;
        }
      }
    }
    return undefined;
  };

  const out = run(chain, {}, 0);
  const action = out?.verdict ?? "ACCEPT";
  return decided ? { action, decidedBy: decided } : { action };
}

function matches(rule: IrRule, p: HopPacket, s: WalkState): boolean {
  for (const c of rule.conds) if (!c(p, s)) return false;
  return true;
}

function callerOf(origin: Origin): GroupCaller {
  if (origin.kind !== "rule") throw new Error("a group is always entered from a rule");
  return {
    level: origin.level as GroupCaller["level"],
    pos: origin.pos,
    ...(origin.node !== undefined ? { node: origin.node } : {}),
    ...(origin.vmid !== undefined ? { vmid: origin.vmid } : {}),
    ...(origin.line !== undefined ? { line: origin.line } : {}),
  };
}
