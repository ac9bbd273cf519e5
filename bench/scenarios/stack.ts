/**
 * Stack-level scenarios, ours through the local runner on a real Pulumi program:
 * - `stack 50: refresh`: `pve-firewall refresh` of the 50-resource stack ({@link stackSpec}).
 *   Minimum 0 writes and one GET per list per resource (76: options and rule lists 1 each, a
 *   security group or IPSet 2 — its list entry, for the comment, and its content — an alias 1).
 *   Pulumi reads each resource on its own, so lists shared by several resources are read by each.
 *   Target: 1 GET per list (reads ≤ minimum).
 * - `stack 50: no-change preview`: `pve-firewall preview --expect-no-changes` right after an
 *   `up`. Minimum 0 and 0: Pulumi diffs the program against its state. Target: 0 and 0.
 * - `ipset N: refresh`: `pve-firewall refresh` of a stack whose one IPSet holds N entries (put there
 *   out of band after an `up` of the empty set, then refreshed once into state). Minimum 0 writes,
 *   2 reads (the set list for its comment, the entries). Target: reads ≤ minimum.
 */
import { bpgIpSetRead } from "../baselines/bpg-ipset";
import { naiveReads } from "../baselines/naive";
import { bpgStackRead, naiveStackRead, stackLists } from "../baselines/reads";
import { executeSteps, type Step, segment } from "../baselines/steps";
import { ipSetEntries, ruleInputs, type StackSpec, stackSize, stackSpec } from "../fixtures";
import { measureInProcess } from "../measure";
import { ProgramStack } from "../ours";
import type { Measured } from "../results";
import type { BenchContext, Scenario } from "../scenario";
import { IPSET_BASE, setIpSet } from "./ipset";

const FILES = ["firewall/cluster.fw", "nodes/pve1/host.fw"];

async function executed(ctx: BenchContext, steps: Step[]): Promise<Measured> {
  return (await measureInProcess(ctx.client, () => executeSteps(ctx.client, steps))).measured;
}

/** The spec as the program reads it (rules as `FirewallRules` inputs, entries as addresses). */
function programSpec(spec: StackSpec): unknown {
  return {
    ...spec,
    clusterRules: ruleInputs(spec.clusterRules),
    nodeRules: ruleInputs(spec.nodeRules),
    groups: spec.groups.map((g) => ({ ...g, rules: ruleInputs(g.rules) })),
    ipsets: spec.ipsets.map((s) => ({ ...s, entries: s.entries.map((e) => e.cidr) })),
  };
}

/** Empties the files, runs `up` of the stack (not counted), then `measure` with the stack in place. */
async function withStack<T>(ctx: BenchContext, measure: (stack: ProgramStack) => Promise<T>): Promise<T> {
  for (const f of FILES) await ctx.client.putFile(f, "");
  const stack = new ProgramStack("stack", ctx.client.access);
  try {
    stack.setSpec(programSpec(stackSpec()));
    await stack.run(ctx.client, "up");
    return await measure(stack);
  } finally {
    stack.dispose();
  }
}

/** `stack 50: refresh` and `stack 50: no-change preview`. */
export function stackScenarios(): Scenario[] {
  const spec = stackSpec();
  const size = stackSize(spec);
  return [
    {
      name: `stack ${size}: refresh`,
      minimum: { writes: 0, reads: stackLists(spec).length },
      run: (ctx) =>
        withStack(ctx, async (stack) => ({
          ours: await stack.run(ctx.client, "refresh"),
          bpg: await executed(ctx, bpgStackRead(spec)),
          naive: await executed(ctx, naiveStackRead(spec)),
        })),
    },
    {
      name: `stack ${size}: no-change preview`,
      minimum: { writes: 0, reads: 0 },
      run: (ctx) =>
        withStack(ctx, async (stack) => ({
          ours: await stack.run(ctx.client, "preview", "--expect-no-changes"),
          bpg: await executed(ctx, bpgStackRead(spec)),
          naive: await executed(ctx, naiveStackRead(spec)),
        })),
    },
  ];
}

/** `ipset N: refresh` of a stack holding one N-entry IPSet. */
export function ipSetRefreshScenario(n: number): Scenario {
  const set = { name: "big", comment: "benchmark refresh", entries: ipSetEntries(n) };
  const path = `${IPSET_BASE}/${segment(set.name)}`;
  return {
    name: `ipset ${n}: refresh`,
    minimum: { writes: 0, reads: 2 },
    run: async (ctx) => {
      await setIpSet(ctx, undefined);
      const stack = new ProgramStack("ipset", ctx.client.access);
      try {
        stack.setSpec({ name: set.name, comment: set.comment, entries: [] });
        await stack.run(ctx.client, "up");
        await setIpSet(ctx, set);
        await stack.run(ctx.client, "refresh");
        return {
          ours: await stack.run(ctx.client, "refresh"),
          bpg: await executed(ctx, bpgIpSetRead(IPSET_BASE, set)),
          naive: await executed(ctx, naiveReads([IPSET_BASE, path], new Map([[path, n]]))),
        };
      } finally {
        stack.dispose();
      }
    },
  };
}
