/**
 * Every scenario of `npm run bench`, in run order (quick ones first, the 10,000-entry IPSet runs,
 * which take most of the time, last).
 *
 * Extension point: a new scenario is a {@link Scenario} in this list. A strategy with no
 * equivalent in it returns `null` (as bpg and naive do for the policy engine's scenarios, shown as
 * —); a rate is checked by a target in `../targets.ts` that reads it from `wallMs` and the count
 * the scenario's name carries (e.g. packets / wallMs).
 */
import type { Scenario } from "../scenario";
import type { BenchSettings } from "../settings";
import { ipSetCreateScenario, ipSetEditScenarios } from "./ipset";
import { policyScenarios } from "./policy";
import { ruleScenarios } from "./rules";
import { ipSetRefreshScenario, stackScenarios } from "./stack";

/** The scenarios of a run with `settings`. */
export function allScenarios(settings: BenchSettings): Scenario[] {
  return [
    ...settings.rules.flatMap((n) => ruleScenarios(n)),
    ...stackScenarios(),
    ...policyScenarios(),
    ipSetRefreshScenario(settings.refreshEntries),
    ipSetCreateScenario(settings.ipsetEntries, settings.lockBoundConcurrency),
    ...ipSetEditScenarios(settings.ipsetEntries),
  ];
}
