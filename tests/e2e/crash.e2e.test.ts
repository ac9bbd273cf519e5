/**
 * Interrupted creates through the local runner (`pve-firewall up`, Pulumi's own language runtime and
 * dynamic-provider host): the runner is started detached and its whole process group, provider host
 * included, is killed with SIGKILL while the emulator holds one chosen write (a hold fault on the
 * k-th POST or PUT, released after the kill). That write lands after the kill and nothing after it is
 * sent, so the server holds exactly the first writes of the plan, as after a `kill -9` at that point.
 * The next `up` must finish the create without duplicates; another stack must not take it over.
 * Needs `dist/` (`npm test` builds it first).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveClientConfig } from "../../provider/client/config";
import { FirewallApi } from "../../provider/client/firewall";
import { PveHttpClient } from "../../provider/client/http";
import type { RuleFields } from "../../provider/model/wire";
import type { RuleOp } from "../../provider/plan/ops";
import { planRules, simulateRuleOps } from "../../provider/plan/rules";
import { storedRule } from "../../provider/resources/apply-rules";
import { ownerMark } from "../../provider/resources/ownership";
import { markRulePlan } from "../../provider/resources/rule-marks";
import { ownerId } from "../../sdk/shim";
import { useEmulator } from "../helpers/emulator";
import { type RunnerRun, until, useRunnerProcesses } from "../helpers/runner-process";
import { emulatorEnv, writes as writesServed } from "../provider/helpers";

const program = join(__dirname, "fixtures", "crash");
/** Five runner starts of ~6 s each (measured 35 s for the first test on 2 cores), room for a busy machine. */
const timeoutMs = 240_000;

const emu = useEmulator({
  topology: { nodes: ["pve1"], guests: [{ vmid: 101, node: "pve1", type: "qemu", name: "db", nics: {} }] },
});

const runner = useRunnerProcesses(emu.handle);
let stateDir = "";

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "crash-e2e-"));
});

afterEach(async () => {
  rmSync(stateDir, { recursive: true, force: true });
  emu.handle().faults.clear();
  for (const f of ["firewall/101.fw", "firewall/cluster.fw"]) await emu.handle().editFile(f, "");
});

/** Starts `pve-firewall up` on the fixture in its own process group. */
function up(flags: readonly string[]): RunnerRun {
  return runner.start("up", program, stateDir, flags);
}

/** The HTTP method of the write an op is. */
function methodOf(op: RuleOp | "POST"): string {
  if (op === "POST" || op.kind === "createRule") return "POST";
  return op.kind === "deleteRule" ? "DELETE" : "PUT";
}

/**
 * Runs `up` and kills its process group while write `index` (0-based) of `writes` is held by the
 * emulator (with `holdAll`, that write and every later one of its method: writes sent concurrently
 * are all held); returns the number of writes the server received.
 */
async function upKilledAt(
  flags: readonly string[],
  writes: readonly (RuleOp | "POST")[],
  index: number,
  holdAll = false,
) {
  const method = methodOf(writes[index]!);
  const k = writes.slice(0, index + 1).filter((w) => methodOf(w) === method).length;
  const handle = emu.handle();
  handle.faults.clear();
  // A hold fault matches each request at most once: the first k-1 writes of `method` take a
  // released one, the k-th (and, with `holdAll`, every later one) the one held until the kill.
  if (k > 1) handle.faults.release(handle.faults.add({ kind: "hold", method, count: k - 1 }));
  const hold = handle.faults.add({ kind: "hold", method, ...(holdAll ? {} : { count: 1 }) });
  handle.calls.reset();
  const run = up(flags);
  await until("the chosen write is held", () => handle.faults.list().some((f) => f.id === hold && f.hits >= 1));
  runner.killGroup(run);
  const result = await run.done;
  expect(result.code).toBeNull(); // killed, not exited
  handle.faults.clear(); // the held writes land, as writes on the wire do after a kill
  return writesServed(handle);
}

function api(): { api: FirewallApi; close: () => Promise<void> } {
  const http = new PveHttpClient(resolveClientConfig({}, emulatorEnv(emu.handle())));
  return { api: new FirewallApi(http), close: () => http.close() };
}

const VM = { kind: "vm", node: "pve1", vmid: 101, guestType: "qemu" } as const;

async function liveRules(): Promise<RuleFields[]> {
  const c = api();
  try {
    return (await c.api.listRules(VM)).rules.map(storedRule);
  } finally {
    await c.close();
  }
}

describe("kill -9 during a create", () => {
  it(
    "is finished by the next up at every kill point, and refused to another stack meanwhile",
    async () => {
      const size = 6;
      const flags = ["-c", "kind=rules", "-c", `size=${size}`];
      const desired: RuleFields[] = Array.from({ length: size }, (_, i) => ({
        type: "in",
        action: "ACCEPT",
        enable: 1,
        proto: "tcp",
        dport: String(1000 + i),
        comment: `r${i}`,
      }));
      const owner = ownerId("crash", "dev", "FirewallRules", "db-rules");
      const planFrom = (live: readonly RuleFields[]) =>
        markRulePlan(live, planRules(live, desired), ownerMark(owner), desired);

      // kill after the first write, then mid-way through the resumed create, then just before its last write
      let live: RuleFields[] = [];
      for (const pick of [() => 0, (n: number) => Math.floor(n / 2), (n: number) => n - 2]) {
        const writes = planFrom(live);
        const index = pick(writes.length);
        const served = await upKilledAt(flags, writes, index);
        const expected = simulateRuleOps(live, writes.slice(0, index + 1));
        await until(
          "the held write landed",
          async () => JSON.stringify(await liveRules()) === JSON.stringify(expected),
        );
        expect(served).toBe(index + 1); // nothing was sent after the held write
        live = expected;
        expect(live.some((r) => r.comment === ownerMark(owner))).toBe(true);
      }

      // another stack's resource of the same name must not take the half-made list over
      const before = await emu.handle().readFile("firewall/101.fw");
      emu.handle().calls.reset();
      const other = await up([...flags, "--stack", "other"]).done;
      expect(other.code).toBe(1);
      const otherOwner = ownerId("crash", "other", "FirewallRules", "db-rules");
      expect(other.output).toContain(
        `it is half-made by another resource (ownership mark ${owner}; this resource's is ${otherOwner})`,
      );
      expect(Object.keys(emu.handle().calls.snapshot()).every((key) => key.startsWith("GET "))).toBe(true);
      expect(await emu.handle().readFile("firewall/101.fw")).toBe(before);

      const finished = await up(flags).done;
      expect({ code: finished.code, output: finished.output }).toMatchObject({ code: 0 });
      expect(finished.output).toContain("the create will finish this resource's own half-made object");
      expect(await emu.handle().readFile("firewall/101.fw")).toBe(
        `[RULES]\n\n${desired.map((r) => `IN ACCEPT -p tcp -dport ${r.dport} # ${r.comment}\n`).join("")}\n`,
      );
    },
    timeoutMs,
  );

  it(
    "of a large IPSet is finished by the next up without duplicates",
    async () => {
      const size = 40;
      const flags = ["-c", "kind=ipset", "-c", `size=${size}`];
      // create the set (marked), add each entry (up to 4 in flight), set the real comment: every one a POST
      const writes: "POST"[] = Array.from({ length: size + 2 }, () => "POST");
      const index = 1 + size / 2; // the set and 20 entries are there; the 21st and those sent with it are held
      await upKilledAt(flags, writes, index, true);
      const entryPosts = () => emu.handle().calls.get("POST /cluster/firewall/ipset/{name}");
      const c = api();
      try {
        // every entry POST the server received lands (the held ones after the kill), nothing more comes
        await until(
          "the held entries landed",
          async () => (await c.api.listIpSetEntries({ kind: "cluster" }, "blocklist")).entries.length === entryPosts(),
        );
        const landed = entryPosts();
        expect(landed).toBeGreaterThan(index - 1);
        expect(landed).toBeLessThan(size);
        const owner = ownerId("crash", "dev", "IpSet", "blocklist");
        expect((await c.api.listIpSets({ kind: "cluster" }))[0]?.comment).toBe(ownerMark(owner));

        emu.handle().calls.reset();
        const finished = await up(flags).done;
        expect({ code: finished.code, output: finished.output }).toMatchObject({ code: 0 });
        // the remaining entries and the comment, nothing twice
        expect(emu.handle().calls.get("POST /cluster/firewall/ipset/{name}")).toBe(size - landed);
        expect(emu.handle().calls.get("POST /cluster/firewall/ipset")).toBe(1);
        const sets = await c.api.listIpSets({ kind: "cluster" });
        expect(sets.map((s) => [s.name, s.comment])).toEqual([["blocklist", "scanners"]]);
        expect((await c.api.listIpSetEntries({ kind: "cluster" }, "blocklist")).entries).toHaveLength(size);
      } finally {
        await c.close();
      }
    },
    timeoutMs,
  );
});
