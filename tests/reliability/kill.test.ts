/**
 * `kill -9` at seeded points of an `up` through the local runner (`pve-firewall up`, a process in
 * its own group), then one `up` that must converge (the same runner, run in this process to save a
 * process start). From the stack at version 1, an `up` to version 2 plus a new IPSet (updates, a
 * create and a delete in one run, chained with `dependsOn` so that its requests come in one order)
 * is killed while the emulator holds its k-th request, k drawn from the seed among all the run's
 * requests: the whole process group (runner, language host, provider host) on even seeds, the
 * runner alone on odd ones (its provider host then stops by its parent watchdog). The requests held
 * are then released and land, as requests already on the wire do after a kill. The next `up` must
 * end exactly where an uninterrupted run ends: the same files (nothing doubled, nothing lost, no
 * mark left), the same state (IDs, inputs, outputs), no pending operation but the create the engine
 * keeps listed, and what the stack does not manage untouched. Kills at fixed points and another
 * stack's view of a half-made object are `tests/e2e/crash.e2e.test.ts`.
 *
 * Never held: the IPSet create's first and last writes (`POST /cluster/firewall/ipset`). A kill at
 * the first is crash.e2e's first case; one at the last is the window README's "The limit" documents
 * (the object is finished but the create unrecorded, and the next `up` refuses it by design).
 */
import { copyFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type FileSnapshot, restoreFiles, snapshotFiles } from "../e2e/harness";
import type { CommandResult } from "../helpers/cli";
import { useEmulator } from "../helpers/emulator";
import { landInFlight, until, useRunnerProcesses } from "../helpers/runner-process";
import { expectNoSecret } from "../helpers/secrets";
import { type FixtureResource, firewallFixture, useRunnerStack } from "../runner/helpers";
import { foreignView, program, seedForeign, TOPOLOGY } from "./stack";

const emu = useEmulator({ topology: TOPOLOGY });
const runner = useRunnerProcesses(emu.handle);
/** Everything the runs of this file printed, for the 0-secret scan. */
const printed: string[] = [];
afterAll(() => {
  // the 0-secret scan of this file's runs: everything they printed, and every file they left
  const files = readdirSync(stack.stateDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
  const texts = files.map((f) => readFileSync(join(f.parentPath, f.name), "utf8"));
  for (const text of [...printed, ...texts]) expectNoSecret(text, [emu.handle().tokens[0]!.secret]);
});
/** The uninterrupted runs go through the runner in this process; the killed ones are processes. */
const stack = useRunnerStack(emu.handle);
const SET_WRITES = { method: "POST", path: "/cluster/firewall/ipset" } as const;
/**
 * The seeds: even ones kill the whole process group, odd ones the runner alone. Of the run's 171
 * requests: a kill while the new IPSet is being created (at request 83, group; at 108, runner
 * alone, whose provider host goes on until its watchdog stops it), and one while the node options
 * are being updated (at 165, group), which without the runner's snapshot fix (the old state kept
 * while an update is in flight) left the stack without the resource.
 */
const SEEDS = [2, 3, 4];
const stateFile = join(stack.stateDir, "dev.json");
const savedState = join(stack.stateDir, "v1.json");

/** Version 2 plus a new 80-entry IPSet after the blocklist, every resource depending on the one before. */
function target(): FixtureResource[] {
  const v2 = program(2);
  const at = v2.findIndex((r) => r.name === "blocklist") + 1;
  const bots = {
    kind: "IpSet",
    name: "bots",
    args: { name: "bots", entries: Array.from({ length: 80 }, (_, i) => `203.0.113.${i + 100}`) },
  };
  const all: FixtureResource[] = [...v2.slice(0, at), bots, ...v2.slice(at)];
  return all.map((r, i) => (i === 0 ? r : { ...r, opts: { dependsOn: [all[i - 1]!.name] } }));
}

/** `pve-firewall up --skip-preview` of `resources`, in this process. */
async function up(resources: readonly FixtureResource[]): Promise<CommandResult> {
  const result = await stack.run("up", resources, "--skip-preview");
  printed.push(result.out, result.err);
  return result;
}

interface RecordedResource {
  readonly urn: string;
  readonly id: string;
  readonly inputs: unknown;
  readonly outputs: unknown;
}

/** The runner's state: pending operations (`creating bots`) and every resource, by URN. */
function stateOf(): { pending: string[]; resources: Record<string, RecordedResource> } {
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as {
    resources: RecordedResource[];
    pendingOperations: { type: string; resource: { urn: string } }[];
  };
  const resources = Object.fromEntries(
    state.resources.map(({ urn, id, inputs, outputs }) => [urn, { urn, id, inputs, outputs }]),
  );
  const pending = state.pendingOperations.map((op) => `${op.type} ${op.resource.urn.split("::")[3]}`);
  return { pending, resources };
}

let baseline: FileSnapshot;
let expected: { files: FileSnapshot; resources: Record<string, RecordedResource>; requests: number };
let foreign: unknown;

beforeAll(async () => {
  const handle = emu.handle();
  await seedForeign(handle);
  foreign = await foreignView(handle);
  const first = await up(program(1));
  expect({ code: first.code, err: first.err }).toMatchObject({ code: 0 });
  baseline = await snapshotFiles(handle.dataDir);
  copyFileSync(stateFile, savedState);
  // the uninterrupted run: where every killed one must end, and how many requests it makes
  handle.calls.reset();
  const whole = await up(target());
  expect({ code: whole.code, err: whole.err }).toMatchObject({ code: 0 });
  const counted = handle.calls.total() - handle.calls.get(`${SET_WRITES.method} ${SET_WRITES.path}`);
  expected = { files: await snapshotFiles(handle.dataDir), resources: stateOf().resources, requests: counted };
}, 120_000);

/** The seed's kill point: a request number in 1..n (Knuth's multiplicative hash). */
const killPoint = (seed: number, n: number) => 1 + ((Math.imul(seed, 2654435761) >>> 0) % n);

describe("kill -9 at a seeded point of an up", () => {
  it.each(SEEDS)(
    "is followed by one up that converges exactly, seed %i",
    async (seed) => {
      const handle = emu.handle();
      await restoreFiles(handle, baseline);
      copyFileSync(savedState, stateFile);
      const k = killPoint(seed, expected.requests);
      // A request takes at most one hold: the IPSet's own writes take a released one (never held,
      // never counted), the next k-1 requests another released one, the k-th and all later the last.
      handle.faults.release(handle.faults.add({ kind: "hold", ...SET_WRITES }));
      if (k > 1) handle.faults.release(handle.faults.add({ kind: "hold", count: k - 1 }));
      const hold = handle.faults.add({ kind: "hold" });
      const json = JSON.stringify(target());
      const run = runner.start("up", firewallFixture, stack.stateDir, ["-c", `resources=${json}`, "--skip-preview"]);
      let finished = false;
      void run.done.then(() => {
        finished = true;
      });
      await until(`request ${k} of ${expected.requests} is held`, () => {
        if (finished) throw new Error(`the run ended before request ${k} of ${expected.requests}`);
        return handle.faults.list().some((f) => f.id === hold && f.hits > 0);
      });
      if (seed % 2 === 1) process.kill(run.child.pid ?? 0, "SIGKILL");
      else runner.killGroup(run);
      const killed = await run.done;
      printed.push(killed.output);
      expect(killed.code).toBeNull();
      await landInFlight(handle);

      const interrupted = stateOf().pending;
      const next = await up(target());
      const point = `killed at request ${k} of ${expected.requests} while ${interrupted.join(", ") || "nothing was pending"}`;
      expect({ point, code: next.code, err: next.code === 0 ? "" : next.err }).toEqual({ point, code: 0, err: "" });
      expect(await snapshotFiles(handle.dataDir)).toEqual(expected.files);
      expect(await foreignView(handle)).toEqual(foreign);
      // as the engine does, a pending create stays listed (for `refresh --clear-pending-creates`)
      // even though the create is now done; pending updates and deletes are cleared
      const after = stateOf();
      expect(after.pending).toEqual(interrupted.filter((op) => op === "creating bots"));
      expect(after.resources).toEqual(expected.resources);
    },
    120_000,
  );
});
