import type { RuleFields } from "../../../provider/model/wire";
import { planRules, simulateRuleOps } from "../../../provider/plan/rules";
import { WriteJournal } from "../../../provider/resources/journal";
import {
  decideCreate,
  type Existing,
  markOwner,
  ownerMark,
  ownershipInputs,
} from "../../../provider/resources/ownership";
import { holdsOnlyDeclared, markedRule, markRulePlan } from "../../../provider/resources/rule-marks";

const ME = "0123456789abcdef";
const OTHER = "fedcba9876543210";
const MARK = ownerMark(ME);

const rule = (i: number, enable = 1, comment: string | undefined = `r${i}`): RuleFields => ({
  type: "in",
  action: "ACCEPT",
  enable,
  proto: "tcp",
  dport: String(1000 + i),
  ...(comment === undefined ? {} : { comment }),
});

const existing = (over: Partial<Existing>): Existing => ({
  headline: "the rule list of qemu/pve1/101 is not empty: it has 2 rules",
  items: ["0: IN ACCEPT -p tcp -dport 22 # ssh", "1: IN DROP"],
  mark: undefined,
  equal: false,
  subset: false,
  changes: ["delete rule 1: IN DROP"],
  ...over,
});

describe("decideCreate", () => {
  it("creates when nothing is there and adopts whatever is there with adopt", () => {
    expect(decideCreate("FirewallRules", undefined, false, ME)).toEqual({
      ok: true,
      intent: { mode: "new", owner: ME },
    });
    expect(decideCreate("FirewallRules", existing({ mark: OTHER }), true, ME)).toEqual({
      ok: true,
      intent: { mode: "adopt", owner: ME },
    });
  });

  it("finishes only its own half-made object that holds nothing else", () => {
    expect(decideCreate("FirewallRules", existing({ mark: ME, subset: true }), false, ME)).toEqual({
      ok: true,
      intent: { mode: "finish", owner: ME },
    });
    expect(decideCreate("FirewallRules", existing({ mark: ME, subset: false }), false, ME).ok).toBe(false);
    expect(decideCreate("FirewallRules", existing({ mark: ME, subset: true }), false, undefined).ok).toBe(false);
  });

  it("fails listing what exists, one line each, and saying how to adopt it", () => {
    const d = decideCreate("FirewallRules", existing({}), false, ME);
    expect(d.ok ? "" : d.reason).toMatchInlineSnapshot(`
"the rule list of qemu/pve1/101 is not empty: it has 2 rules:
  0: IN ACCEPT -p tcp -dport 22 # ssh
  1: IN DROP
nothing was written; set adopt: true on this FirewallRules to take it over: it is then made equal to this declaration (1 write)"
`);
  });

  it("fails naming another owner's mark", () => {
    const d = decideCreate("IpSet", existing({ mark: OTHER, subset: true }), false, ME);
    expect(d.ok ? "" : d.reason).toContain(
      `it is half-made by another resource (ownership mark ${OTHER}; this resource's is ${ME}): a create of another stack or resource was interrupted; nothing was written`,
    );
  });

  it("fails on an unmarked object equal to the declaration, naming the interrupted-create window", () => {
    const d = decideCreate("Alias", existing({ equal: true, changes: [] }), false, ME);
    expect(d.ok ? "" : d.reason).toContain(
      "it already equals this declaration but carries no ownership mark, so it cannot be told apart from an object someone else made (it may also be this resource's, when its create was interrupted after the last write, before Pulumi recorded it); nothing was written; set adopt: true on this Alias to take it over (no writes needed)",
    );
  });

  it("lists at most 20 items", () => {
    const items = Array.from({ length: 30 }, (_, i) => `${i}: IN DROP`);
    const d = decideCreate("FirewallRules", existing({ items }), false, ME);
    const reason = d.ok ? "" : d.reason;
    expect(reason.split("\n")).toHaveLength(1 + 20 + 1);
    expect(reason).toContain("  ... and 11 more\n");
  });
});

describe("ownership marks", () => {
  it("round-trips an owner through the mark comment and ignores other comments", () => {
    expect(markOwner(MARK)).toBe(ME);
    expect(markOwner("being created by pulumi 123")).toBeUndefined();
    expect(markOwner(undefined)).toBeUndefined();
  });

  it("splits adopt and __owner off the inputs, null adopt as left out", () => {
    const isUnknown = () => false;
    expect(ownershipInputs({ name: "x", adopt: true, __owner: ME }, isUnknown)).toEqual({
      props: { name: "x" },
      adopt: true,
      owner: ME,
      issues: [],
    });
    expect(ownershipInputs({ adopt: null }, isUnknown).adopt).toBeUndefined();
  });

  it("fails a non-boolean adopt and a hand-made __owner", () => {
    expect(ownershipInputs({ adopt: "yes", __owner: "me" }, () => false).issues.map((i) => i.path)).toEqual([
      "adopt",
      "__owner",
    ]);
  });
});

describe("markRulePlan", () => {
  const desired = [0, 1, 2, 3].map((i) => rule(i));

  it("keeps the first created rule marked until the plan's last write, which sets its real comment", () => {
    const ops = planRules([], desired);
    const marked = markRulePlan([], ops, MARK, desired);
    expect(simulateRuleOps([], marked)).toEqual(simulateRuleOps([], ops));
    for (let k = 1; k < marked.length; k++) {
      const state = simulateRuleOps([], marked.slice(0, k));
      expect(markedRule(state)?.owner).toBe(ME);
      expect(holdsOnlyDeclared(state, desired, markedRule(state)?.index)).toBe(true);
    }
    // at most one write more than the plan: none when the last write already updates the marked rule
    expect(marked.length - ops.length).toBeLessThanOrEqual(1);
    const last = marked[marked.length - 1]!;
    expect(last.kind === "updateRule" && last.set.comment).toBeTruthy();
  });

  it("leaves a one-write create unmarked", () => {
    const one = [rule(0)];
    const ops = planRules([], one);
    expect(markRulePlan([], ops, MARK, one)).toEqual(ops);
  });

  it("finishes a half-made list keeping its mark to the end", () => {
    const full = markRulePlan([], planRules([], desired), MARK, desired);
    const half = simulateRuleOps([], full.slice(0, 3));
    const rest = markRulePlan(half, planRules(half, desired), MARK, desired);
    expect(simulateRuleOps(half, rest)).toEqual(desired);
    for (let k = 1; k < rest.length; k++) expect(markedRule(simulateRuleOps(half, rest.slice(0, k)))?.owner).toBe(ME);
  });

  it("clears the comment last when the marked rule declares none", () => {
    const plain = [0, 1].map((i) => {
      const { comment: _comment, ...bare } = rule(i);
      return bare;
    });
    const marked = markRulePlan([], planRules([], plain), MARK, plain);
    expect(simulateRuleOps([], marked)).toEqual(plain.map((r) => ({ ...r })));
    expect(marked[marked.length - 1]).toMatchObject({ kind: "updateRule", delete: ["comment"] });
  });
});

describe("holdsOnlyDeclared", () => {
  it("accepts declared rules, disabled or carrying the mark, and fails on a foreign or duplicated rule", () => {
    const desired = [rule(0), rule(1)];
    expect(holdsOnlyDeclared([rule(1, 0), { ...rule(0, 0), comment: MARK }], desired, 1)).toBe(true);
    expect(holdsOnlyDeclared([rule(1, 0), rule(5, 0)], desired, undefined)).toBe(false);
    expect(holdsOnlyDeclared([rule(1, 0), rule(1, 0)], desired, undefined)).toBe(false);
    expect(holdsOnlyDeclared([rule(1, 0), { ...rule(1, 0), comment: MARK }], desired, 1)).toBe(false);
  });
});

describe("WriteJournal", () => {
  const network = Object.assign(new Error("socket hang up"), { code: "FW_NETWORK" });

  it("says how many of the planned writes were made, tallying runs of entry writes", async () => {
    const j = new WriteJournal();
    const adds = { key: "add", verb: "added", singular: "entry", plural: "entries" };
    j.expect(1);
    await j.write("created the set", async () => undefined);
    j.expect(2000, adds);
    for (let i = 0; i < 120; i++) await j.write(`added entry ${i}`, async () => undefined, adds);
    await expect(j.write("added entry 120", () => Promise.reject(new Error("disk full")), adds)).rejects.toThrow();
    expect(j.summary()).toBe("121 of 2001 writes (created the set; added 120 of 2000 entries)");
  });

  it("records a write without an answer as possibly applied", async () => {
    const j = new WriteJournal();
    j.expect(2);
    expect(j.touched).toBe(false);
    await expect(j.write("created rule 0 disabled", () => Promise.reject(network))).rejects.toThrow();
    expect(j.touched).toBe(true);
    expect(j.summary()).toBe(
      "0 of 2 writes; the next write got no clear answer, so it may have been applied too (created rule 0 disabled)",
    );
  });
});
