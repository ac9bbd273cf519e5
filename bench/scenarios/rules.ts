/**
 * Rule-list scenarios on node `pve1`'s list (`host.fw`), for a list of N rules ({@link ruleList}:
 * distinct enabled rules, ACCEPT with a DROP at index 1, 11, 21, ...). Ours is the
 * `FirewallRules` provider called in-process (one object: see `ours.ts`); bpg and naive are their
 * planners' requests sent by the executor. Each strategy starts from the same list, written out of
 * band, and must end with exactly the desired list.
 *
 * Minimum reads are 1 throughout: the list must be read once to learn its positions and digest
 * (a create must also learn that the list is empty, because a POST carries no digest); the result
 * needs no read, its digest is predictable. Minimum writes, under the safety invariant of
 * `provider/plan/rules.ts` (no rule active out of its final order, activation prefix-safe):
 * - create: 2N − 1. Every rule takes a POST, which lands at index 0. Every rule but the top one has
 *   an enabled rule above it with another action (rule 1 is DROP under rule 0's ACCEPT), so it
 *   cannot be active before that rule exists and takes a second write (its enable).
 * - comment edit: 1 (one field-update PUT).
 * - append, insert middle: 3. The POST lands at index 0, above rules that precede the new rule, so
 *   it must be created disabled (1), moved (1) and enabled (1).
 * - move one: 1 (one `moveto`).
 * - reverse: N − 1. The longest run already in order is one rule; each move places one rule.
 * - delete one: 1.
 */

import { canonicalRule } from "../../provider/model/rule";
import type { RuleFields } from "../../provider/model/wire";
import { storedRule } from "../../provider/resources/apply-rules";
import { ownerId } from "../../sdk/shim";
import { bpgRulesCreate, bpgRulesUpdate } from "../baselines/bpg-rules";
import { naiveRules } from "../baselines/naive";
import { executeSteps } from "../baselines/steps";
import { fwText, ruleInputs, ruleList } from "../fixtures";
import { measureInProcess } from "../measure";
import { checked, providerFor } from "../ours";
import type { CallCount, Measured } from "../results";
import { type BenchContext, expectSame, type Scenario, strategy } from "../scenario";

/** The list the rule scenarios work on. */
export const RULES_PATH = "/nodes/pve1/firewall/rules";
const RULES_FILE = "nodes/pve1/host.fw";
const SCOPE = { node: "pve1" };
const ID = "node/pve1";

/** One change of a rule list: where it starts, where it must end, and its minimum. */
export interface RuleChange {
  readonly name: string;
  readonly current: RuleFields[];
  readonly desired: RuleFields[];
  readonly minimum: CallCount;
}

/** A rule that is in no generated list, for appends and inserts. */
function newRule(n: number): RuleFields {
  return { type: "in", action: "ACCEPT", enable: 1, proto: "udp", dport: String(30_000 + n), comment: "new" };
}

/** The seven changes of a list of `n` rules (see the file comment for each minimum). */
export function ruleChanges(n: number): RuleChange[] {
  const base = ruleList(n);
  const mid = Math.floor(n / 2);
  const edited = base.map((r, i) => (i === mid ? { ...r, comment: "edited" } : r));
  const inserted = [...base.slice(0, mid), newRule(n), ...base.slice(mid)];
  const moved = [...base];
  moved.splice(Math.floor((3 * n) / 4), 0, ...moved.splice(Math.floor(n / 4), 1));
  const one = (writes: number): CallCount => ({ writes, reads: 1 });
  return [
    { name: "create", current: [], desired: base, minimum: one(2 * n - 1) },
    { name: "comment edit", current: base, desired: edited, minimum: one(1) },
    { name: "append", current: base, desired: [...base, newRule(n)], minimum: one(3) },
    { name: "insert middle", current: base, desired: inserted, minimum: one(3) },
    { name: "move one", current: base, desired: moved, minimum: one(1) },
    { name: "reverse", current: base, desired: [...base].reverse(), minimum: one(n - 1) },
    { name: "delete one", current: base, desired: base.filter((_, i) => i !== mid), minimum: one(1) },
  ];
}

async function setList(ctx: BenchContext, rules: readonly RuleFields[]): Promise<void> {
  await ctx.client.putFile(RULES_FILE, rules.length === 0 ? "" : fwText("host", { rules: [...rules] }));
}

async function verifyList(ctx: BenchContext, desired: readonly RuleFields[]): Promise<void> {
  const got = (await ctx.client.uncounted("GET", RULES_PATH)) as Parameters<typeof storedRule>[0][];
  expectSame("rules", got.map(storedRule), desired.map(canonicalRule), (r) => JSON.stringify(r));
}

async function runOurs(ctx: BenchContext, change: RuleChange): Promise<Measured> {
  const p = await providerFor("FirewallRules", ctx.client.access);
  // As the SDK's FirewallRules class registers it: with its ownership ID, so a create is marked.
  const args = {
    scope: SCOPE,
    rules: ruleInputs(change.desired),
    __owner: ownerId("bench", "bench", "FirewallRules", "rules"),
  };
  if (change.current.length === 0)
    return (await measureInProcess(ctx.client, async () => p.create(await checked(p, args)))).measured;
  const old = await p.read(ID);
  const news = await checked(p, args, old.inputs ?? {});
  return (await measureInProcess(ctx.client, () => p.update(ID, old.props ?? {}, news))).measured;
}

/** The scenarios `rules N: <change>` of a list of `n` rules. */
export function ruleScenarios(n: number): Scenario[] {
  return ruleChanges(n).map((change) => ({
    name: `rules ${n}: ${change.name}`,
    minimum: change.minimum,
    run: async (ctx) => {
      const common = {
        reset: () => setList(ctx, change.current),
        verify: () => verifyList(ctx, change.desired),
      };
      const steps = (plan: () => Parameters<typeof executeSteps>[1]) => async () =>
        (await measureInProcess(ctx.client, () => executeSteps(ctx.client, plan()))).measured;
      const ours = await strategy("ours", { ...common, run: () => runOurs(ctx, change) });
      const bpg = await strategy("bpg", {
        ...common,
        run: steps(() =>
          change.current.length === 0
            ? bpgRulesCreate(RULES_PATH, change.desired)
            : bpgRulesUpdate(RULES_PATH, change.current, change.desired),
        ),
      });
      const naive = await strategy("naive", {
        ...common,
        run: steps(() => naiveRules(RULES_PATH, change.current, change.desired)),
      });
      return { ours, bpg, naive };
    },
  }));
}
