/**
 * Every scenario of `npm run bench`, in run order (quick ones first, the 10,000-entry IPSet runs,
 * which take most of the time, last).
 *
 * Extension point: the policy engine's scenarios ("lint of 50 configs", "simulator packets/s",
 * issue 13) go into this list when `provider/policy` lands: a {@link Scenario} whose `run`
 * measures ours (and the baselines where they have an equivalent, else zero calls) and, for a
 * rate, a target in `../targets.ts` that reads it from `wallMs` (e.g. packets / wallMs).
 */
import type { Scenario } from "../scenario";
import type { BenchSettings } from "../settings";
import { ipSetCreateScenario, ipSetEditScenarios } from "./ipset";
import { ruleScenarios } from "./rules";
import { ipSetRefreshScenario, stackScenarios } from "./stack";

/** The scenarios of a run with `settings`. */
export function allScenarios(settings: BenchSettings): Scenario[] {
  return [
    ...settings.rules.flatMap((n) => ruleScenarios(n)),
    ...stackScenarios(),
    ipSetRefreshScenario(settings.refreshEntries),
    ipSetCreateScenario(settings.ipsetEntries, settings.lockBoundConcurrency),
    ...ipSetEditScenarios(settings.ipsetEntries),
  ];
}
