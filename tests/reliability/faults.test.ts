/**
 * Fault injection over fixed seeds: 500s, connections dropped before and after the write, and lock
 * timeouts injected into the emulator's writes (and, at half the rate, 500s and drops into its
 * reads) at 1-4 %, drawn from the emulator's PRNG seeded per run. Every `up` of the whole program
 * (tests/reliability/stack.ts: version 1 created, then updated to version 2) ends as declared in ONE
 * run: the files equal those of a run without faults (nothing doubled, lost or left marked),
 * `preview --refresh --expect-no-changes` finds nothing to change, and what the stack does not manage
 * is untouched. 9 seeds go through the dynamic-provider host (host-up.ts, which runs the engine's
 * steps), one through the local runner. A run whose writes keep failing fails saying exactly what it
 * did and did not do, records what is really there, and the next `up` finishes with exactly the
 * missing writes.
 */
import type { FaultSpec } from "../../emulator/index";
import { ownerMark } from "../../provider/resources/ownership";
import { ownerId } from "../../sdk/shim";
import { type FileSnapshot, restoreFiles, snapshotFiles, useE2e } from "../e2e/harness";
import { until } from "../helpers/runner-process";
import { expectNoSecret } from "../helpers/secrets";
import { useRunnerStack } from "../runner/helpers";
import { previewRefresh, type StackRecord, upThroughHost } from "./host-up";
import { foreignView, program, seedForeign, TOPOLOGY } from "./stack";

const fx = useE2e({ topology: TOPOLOGY });
const stack = useRunnerStack(() => fx.env().emu);

/** Every write fault kind on every write method at `rate`, and read 500s and drops at half of it. */
function faultsAt(rate: number): FaultSpec[] {
  const writes = (["error500", "dropBefore", "dropAfter", "lockTimeout"] as const).flatMap((kind) =>
    ["POST", "PUT", "DELETE"].map((method) => ({ kind, method, probability: rate })),
  );
  const reads = (["error500", "dropAfter"] as const).map((kind) => ({ kind, method: "GET", probability: rate / 2 }));
  return [...writes, ...reads];
}

/** Runs `apply` with the faults of `rate` from a PRNG seeded with `seed`; returns how many hit. */
async function underFaults<T>(
  seed: number,
  rate: number,
  apply: () => Promise<T>,
): Promise<{ result: T; hits: number }> {
  const { emu } = fx.env();
  emu.faults.reseed(seed);
  for (const f of faultsAt(rate)) emu.faults.add(f);
  try {
    const result = await apply();
    return { result, hits: emu.faults.list().reduce((n, f) => n + f.hits, 0) };
  } finally {
    emu.faults.clear();
  }
}

/** The files after a run of version 1 and of version 2 without faults: what every faulty run must end with. */
const reference = new Map<1 | 2, FileSnapshot>();
let foreign: unknown;

beforeAll(async () => {
  const { emu } = fx.env();
  await seedForeign(emu);
  foreign = await foreignView(emu);
  const state: StackRecord = new Map();
  for (const version of [1, 2] as const) {
    expect(await upThroughHost(fx, program(version), state)).toEqual({});
    expect(await previewRefresh(fx, program(version), state)).toEqual([]);
    expect(await foreignView(emu)).toEqual(foreign);
    reference.set(version, await snapshotFiles(emu.dataDir));
  }
  await restoreFiles(emu, fx.env().initialFiles);
}, 120_000);

beforeEach(async () => {
  await seedForeign(fx.env().emu);
});

/** The seeds of the host runs: rates of 1, 2 and 4 %, three seeds each. */
const HOST_SEEDS = [0.01, 0.02, 0.04].flatMap((rate, r) => [1, 2, 3].map((k) => ({ rate, seed: 100 * (r + 2) + k })));

describe("the whole program under faults", () => {
  it.each(HOST_SEEDS)(
    "converges in one up per version through the host at rate $rate, seed $seed",
    async ({ rate, seed }) => {
      const { emu } = fx.env();
      const state: StackRecord = new Map();
      let hits = 0;
      for (const version of [1, 2] as const) {
        const run = await underFaults(seed * 10 + version, rate, () => upThroughHost(fx, program(version), state));
        hits += run.hits;
        expect({ version, ...run.result }).toEqual({ version });
        expect(await snapshotFiles(emu.dataDir)).toEqual(reference.get(version));
        expect(await previewRefresh(fx, program(version), state)).toEqual([]);
        expect(await foreignView(emu)).toEqual(foreign);
      }
      expect(hits).toBeGreaterThan(0);
    },
  );

  it("converges in one up per version through the local runner at rate 0.04, seed 901", async () => {
    const { emu } = fx.env();
    const outputs: string[] = [];
    let hits = 0;
    for (const version of [1, 2] as const) {
      // the create without a preview (it would only read), the update as users run it
      const flags = version === 1 ? ["--skip-preview"] : [];
      const run = await underFaults(9010 + version, 0.04, () =>
        stack.run("up", program(version), "-s", "s901", ...flags),
      );
      hits += run.hits;
      outputs.push(run.result.out, run.result.err);
      expect({ version, code: run.result.code, err: run.result.err }).toMatchObject({ version, code: 0 });
      expect(await snapshotFiles(emu.dataDir)).toEqual(reference.get(version));
      expect(await foreignView(emu)).toEqual(foreign);
      const state = stack.state("s901");
      expect(state.pendingOperations).toEqual([]);
      const names = state.resources.filter((r) => r.urn.includes("proxmox-firewall")).map((r) => r.urn.split("::")[3]);
      expect(names.sort()).toEqual(
        program(version)
          .map((r) => r.name)
          .sort(),
      );
    }
    expect(hits).toBeGreaterThan(0);
    const drift = await stack.run("preview", program(2), "-s", "s901", "--refresh", "--expect-no-changes");
    outputs.push(drift.out, drift.err);
    expect({ code: drift.code, err: drift.err }).toMatchObject({ code: 0 });
    const token = fx.env().emu.tokens[0]!.secret;
    for (const text of [...outputs, JSON.stringify(stack.state("s901"))]) expectNoSecret(text, [token]);
  }, 120_000);
});

describe("a run whose writes keep failing", () => {
  it("says what it added and what not, records it, and the next up adds exactly the rest", async () => {
    const { emu } = fx.env();
    const ENTRY_ADD = { method: "POST", path: "/cluster/firewall/ipset/{name}" } as const;
    // the first 99 entry adds go through, the 100th is held until the disk is full for every later one
    emu.faults.release(emu.faults.add({ kind: "hold", count: 99, ...ENTRY_ADD }));
    const hold = emu.faults.add({ kind: "hold", count: 1, ...ENTRY_ADD });
    const state: StackRecord = new Map();
    const running = upThroughHost(fx, program(1), state);
    await until("the 100th entry add is held", () => emu.faults.list().some((f) => f.id === hold && f.hits > 0));
    emu.faults.add({ kind: "error500", message: "disk full", ...ENTRY_ADD });
    emu.faults.release(hold);
    const failed = await running;
    emu.faults.clear();

    // 202 writes: the set (marked), its 200 entries, and the last one that replaces the mark by the comment
    const journal =
      /^create ipset cluster\/ipset\/blocklist failed after (\d+) of 202 writes \(created the set marked as being created by this resource; added (\d+) of 200 entries\), then: ipset entry cluster\/ipset\/blocklist\/198\.18\.\d+\.\d+: disk full$/;
    expect(failed.failure).toEqual({ name: "blocklist", message: expect.stringMatching(journal) });
    const [done, added] = (journal.exec(failed.failure?.message ?? "") ?? []).slice(1).map(Number) as [number, number];
    expect(done).toBe(added + 1);
    expect(added).toBeGreaterThanOrEqual(100);
    // what it says it did is exactly what is there (the marked set, `added` entries), and what is recorded
    const file = (await emu.readFile("firewall/cluster.fw")) ?? "";
    const [header, lines] = file.slice(file.indexOf("[IPSET blocklist]")).split("\n\n");
    expect(header).toBe(`[IPSET blocklist] # ${ownerMark(ownerId("test", "dev", "IpSet", "blocklist"))}`);
    expect(lines?.split("\n")).toHaveLength(added);
    expect((state.get("blocklist")?.outputs["entries"] as unknown[] | undefined)?.length).toBe(added);
    // not done: the rules that reference the set were never created
    expect(state.has("db-rules")).toBe(false);

    emu.calls.reset();
    expect(await upThroughHost(fx, program(1), state)).toEqual({});
    expect(emu.calls.get(`${ENTRY_ADD.method} ${ENTRY_ADD.path}`)).toBe(200 - added);
    expect(await snapshotFiles(emu.dataDir)).toEqual(reference.get(1));
    expect(await previewRefresh(fx, program(1), state)).toEqual([]);
    expect(await foreignView(emu)).toEqual(foreign);
  });
});
