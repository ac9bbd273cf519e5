/**
 * Scenario `provider`: end-to-end provider operations (check → update, and read) run in-process
 * against the emulator, with the emulator's call counters. Each canonical edit is reported as
 * reads, writes and wall time, next to the call counts of a naive strategy (see `../naive.ts`:
 * a model of bpg behaviour, computed, not measured).
 */
import type * as pulumi from "@pulumi/pulumi";
import { type EmulatorHandle, startEmulator, tokenHeader } from "../../emulator/index";
import { createProvider, type ResourceKind } from "../../provider/resources/index";
import { clusterFwWithIpSet } from "../fixtures";
import { type BenchResult, type CallCount, round, timeMs } from "../measure";
import { naiveIpSetEntryChange, naiveIpSetRead, naiveRulesRead, naiveRulesUpdate } from "../naive";

/** Sizes of {@link runProvider}. */
export interface ProviderBenchOptions {
  /** Rules in the managed list. @default 20 */
  readonly rules?: number;
  /** Entries in the adopted IPSet. @default 10000 */
  readonly entries?: number;
}

type Provider = Required<pulumi.dynamic.ResourceProvider>;
type Props = Record<string, unknown>;

/** A configured provider of `kind` that talks to `emu` with its first token. */
async function providerFor(kind: ResourceKind, emu: EmulatorHandle): Promise<Provider> {
  const token = emu.tokens[0];
  if (!token) throw new Error("emulator: no api token");
  const env = {
    PROXMOX_VE_ENDPOINT: emu.endpoint,
    PROXMOX_VE_API_TOKEN: tokenHeader(token).replace(/^PVEAPIToken=/, ""),
  };
  const provider = createProvider(kind, env) as Provider;
  await provider.configure({ config: { get: () => undefined, require: () => "" } as never });
  return provider;
}

/** The emulator's calls since its last reset, GETs as reads and everything else as writes. */
function countCalls(emu: EmulatorHandle): CallCount {
  let reads = 0;
  let writes = 0;
  for (const [key, n] of Object.entries(emu.calls.snapshot())) {
    if (key.startsWith("GET ")) reads += n;
    else writes += n;
  }
  return { reads, writes };
}

/** Runs `op` with fresh counters; returns its result, its calls and its wall time. */
async function measured<T>(
  emu: EmulatorHandle,
  op: () => Promise<T>,
): Promise<{ result: T; calls: CallCount; ms: number }> {
  emu.calls.reset();
  let result: T | undefined;
  const ms = await timeMs(async () => {
    result = await op();
  });
  return { result: result as T, calls: countCalls(emu), ms };
}

/** The table rows of one measured operation. */
function rowsOf(
  scenario: string,
  what: string,
  measures: string,
  m: { calls: CallCount; ms: number },
  naive: CallCount,
): BenchResult[] {
  const label = "model of bpg behaviour";
  const calls = { ours: m.calls, naive };
  return [
    {
      scenario,
      metric: `${what}: writes`,
      measures,
      value: m.calls.writes,
      unit: "calls",
      compare: { value: naive.writes, label },
      calls,
    },
    {
      scenario,
      metric: `${what}: reads`,
      measures,
      value: m.calls.reads,
      unit: "calls",
      compare: { value: naive.reads, label },
      calls,
    },
    {
      scenario,
      metric: `${what}: time`,
      measures: `${measures} (wall time, one run)`,
      value: round(m.ms, 1),
      unit: "ms",
    },
  ];
}

/** The rule edits of the scenario: name, desired inputs and how many rules are new. */
function ruleEdits(base: Props[]): { name: string; rules: Props[]; created: number }[] {
  const mid = Math.floor(base.length / 2);
  const extra = { action: "DROP", proto: "udp", dport: 53, comment: "new" };
  return [
    { name: "comment edit", rules: base.map((r, i) => (i === mid ? { ...r, comment: "edited" } : r)), created: 0 },
    { name: "append one", rules: [...base, extra], created: 1 },
    { name: "insert at top", rules: [extra, ...base], created: 1 },
  ];
}

async function runRules(emu: EmulatorHandle, n: number): Promise<BenchResult[]> {
  const p = await providerFor("FirewallRules", emu);
  const scope = { node: "pve1" };
  const base: Props[] = Array.from({ length: n }, (_, i) => ({
    action: "ACCEPT",
    proto: "tcp",
    dport: 1000 + i,
    comment: `r${i}`,
  }));
  const rows: BenchResult[] = [];
  for (const edit of ruleEdits(base)) {
    const created = await p.create((await p.check({}, { scope, rules: base })).inputs);
    const news = await p.check(created.outs, { scope, rules: edit.rules });
    if (news.failures?.length) throw new Error(`provider ${edit.name}: check failed: ${JSON.stringify(news.failures)}`);
    const m = await measured(emu, () => p.update(created.id, created.outs, news.inputs));
    rows.push(
      ...rowsOf(
        "provider-rules",
        `${edit.name} in ${n}`,
        `FirewallRules update: ${edit.name} in a ${n}-rule node list`,
        m,
        naiveRulesUpdate(n, edit.rules.length, edit.created),
      ),
    );
    await p.delete(created.id, m.result.outs ?? created.outs);
  }
  const created = await p.create((await p.check({}, { scope, rules: base })).inputs);
  const refresh = await measured(emu, () => p.read(created.id, created.outs));
  rows.push(
    ...rowsOf(
      "provider-rules",
      `refresh ${n} rules`,
      `FirewallRules read of a ${n}-rule list`,
      refresh,
      naiveRulesRead(n),
    ),
  );
  await p.delete(created.id, created.outs);
  return rows;
}

async function runIpSet(emu: EmulatorHandle, n: number): Promise<BenchResult[]> {
  const p = await providerFor("IpSet", emu);
  const id = "cluster/ipset/blocklist";
  await emu.editFile("firewall/cluster.fw", clusterFwWithIpSet("blocklist", n));
  const adopted = await p.read(id);
  const adoptedInputs = adopted.inputs ?? adopted.props;
  if (adopted.props === undefined || adoptedInputs === undefined)
    throw new Error("provider ipset: adoption read found nothing");
  const entries = adoptedInputs["entries"] as Props[];
  if (entries.length !== n) throw new Error(`provider ipset: adopted ${entries.length} of ${n} entries`);

  const added = await p.check(adoptedInputs, { ...adoptedInputs, entries: [...entries, "192.0.2.0/24"] });
  const add = await measured(emu, () => p.update(id, adopted.props as Props, added.inputs));
  const changedEntries = (added.inputs["entries"] as Props[]).map((e, i) =>
    i === Math.floor(n / 2) ? { ...e, comment: "changed" } : e,
  );
  const changed = await p.check(added.inputs, { ...added.inputs, entries: changedEntries });
  const change = await measured(emu, () => p.update(id, add.result.outs ?? {}, changed.inputs));
  const refresh = await measured(emu, () => p.read(id, change.result.outs));
  await p.delete(id, change.result.outs ?? {});
  return [
    ...rowsOf(
      "provider-ipset",
      `add 1 to ${n}`,
      `IpSet update: one entry added to an adopted ${n}-entry set`,
      add,
      naiveIpSetEntryChange(n + 1),
    ),
    ...rowsOf(
      "provider-ipset",
      `change 1 of ${n + 1}`,
      `IpSet update: one entry's comment changed in a ${n + 1}-entry set`,
      change,
      naiveIpSetEntryChange(n + 1),
    ),
    ...rowsOf(
      "provider-ipset",
      `refresh ${n + 1} entries`,
      `IpSet read of a ${n + 1}-entry set`,
      refresh,
      naiveIpSetRead(),
    ),
  ];
}

/** Runs the scenario against a fresh emulator and returns its rows. */
export async function runProvider(options: ProviderBenchOptions = {}): Promise<BenchResult[]> {
  const emu = await startEmulator({ http: true });
  try {
    return [...(await runRules(emu, options.rules ?? 20)), ...(await runIpSet(emu, options.entries ?? 10_000))];
  } finally {
    await emu.stop();
  }
}
