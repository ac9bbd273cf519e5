/**
 * The bench's executed strategies against an in-process emulator at zero latency and tiny sizes
 * (this does not run the bench): what the emulator counts equals what the planners planned, every
 * strategy reaches the desired state, and a plan whose model of the server is wrong fails loudly.
 */
import { bpgIpSetReplace } from "../../../bench/baselines/bpg-ipset";
import { bpgRulesUpdate } from "../../../bench/baselines/bpg-rules";
import { executeSteps, type Step } from "../../../bench/baselines/steps";
import { fwText, ipSetEntries, ruleList } from "../../../bench/fixtures";
import { measureInProcess } from "../../../bench/measure";
import type { BenchContext } from "../../../bench/scenario";
import { IPSET_BASE, ipSetEditScenarios, setIpSet } from "../../../bench/scenarios/ipset";
import { RULES_PATH, ruleScenarios } from "../../../bench/scenarios/rules";
import { useEmulator } from "../../helpers/emulator";
import { benchContext } from "./context";

const emu = useEmulator();
let ctx: BenchContext;
beforeAll(() => {
  ctx = benchContext(emu.handle());
});
afterAll(async () => {
  await ctx.client.close();
});

const planned = (steps: readonly Step[]) => ({
  writes: steps.filter((s) => s.method !== "GET").length,
  reads: steps.filter((s) => s.method === "GET").length,
});

describe("executeSteps", () => {
  it("sends exactly the planned requests, as the emulator counts them", async () => {
    const base = ruleList(5);
    await ctx.client.putFile("nodes/pve1/host.fw", fwText("host", { rules: base }));
    const steps = bpgRulesUpdate(RULES_PATH, base, [...base].reverse());
    const { measured } = await measureInProcess(ctx.client, () => executeSteps(ctx.client, steps));
    expect({ writes: measured.writes, reads: measured.reads }).toEqual(planned(steps));
  });

  it("fails naming the step when a read does not hold what the plan expects", async () => {
    await setIpSet(ctx, { name: "blocklist", entries: ipSetEntries(3) });
    const wrong = { name: "blocklist", entries: ipSetEntries(4) };
    await expect(executeSteps(ctx.client, bpgIpSetReplace(IPSET_BASE, wrong, wrong))).rejects.toThrow(
      "step 0 GET /cluster/firewall/ipset/blocklist: expected 4 items, got 3",
    );
  });

  it("fails naming the step on an error answer", async () => {
    await expect(executeSteps(ctx.client, [{ method: "DELETE", path: `${RULES_PATH}/99` }])).rejects.toThrow(
      /^step 0 DELETE \/nodes\/pve1\/firewall\/rules\/99: HTTP [45]\d\d /,
    );
  });
});

describe("rule scenarios", () => {
  it("run ours at the minimum writes and every strategy to the desired list", async () => {
    for (const scenario of ruleScenarios(6)) {
      const r = await scenario.run(ctx);
      expect({ scenario: scenario.name, writes: r.ours.writes }).toEqual({
        scenario: scenario.name,
        writes: scenario.minimum.writes,
      });
      expect((r.bpg?.writes ?? 0) + (r.naive?.writes ?? 0)).toBeGreaterThan(0);
    }
  });
});

describe("IPSet edit scenarios", () => {
  it("run ours at the minimum writes and rebuild the set for bpg and naive", async () => {
    for (const scenario of ipSetEditScenarios(30)) {
      const r = await scenario.run(ctx);
      expect(r.ours.writes).toBe(scenario.minimum.writes);
      expect(r.bpg?.writes).toBeGreaterThan(2 * 29);
      expect(r.naive?.writes).toBeGreaterThan(29);
    }
  });
});
