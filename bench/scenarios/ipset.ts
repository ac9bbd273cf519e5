/**
 * IPSet scenarios on the datacenter set `blocklist` (in `cluster.fw`) of N entries (distinct host
 * addresses). Proxmox has no bulk call: every entry is one POST or DELETE, and every write
 * rewrites the whole file under its lock.
 *
 * - create: ours is a Pulumi program run by `pve-firewall up`. Minimum N + 2 writes (the set, one
 *   POST per entry, and the set's real comment: a create of several writes keeps an ownership mark
 *   on the object until its last write, so that an interrupted `up` can finish it without ever
 *   taking over an object someone else made; bpg and naive take N + 1 and cannot be resumed) and 0
 *   reads (the set's POST fails when the set exists, and the result is predictable). Target: within 1.2x of `lockBoundMs`, the time the same emulator takes when the
 *   same set is filled directly with many requests in flight (its lock and file rewrite are then
 *   the only limit).
 * - add one, remove one: minimum 1 write (one entry POST or DELETE) and 1 read (the entries, to
 *   act on the server's set rather than a possibly stale state).
 * - change 1%: N/100 entries replaced by other addresses: minimum 2·N/100 writes, 1 read.
 * For the edits ours is the `IpSet` provider called in-process (one object: see `ours.ts`).
 */
import { performance } from "node:perf_hooks";
import type { IpSetEntryFields } from "../../provider/model/wire";
import { bpgIpSetCreate, bpgIpSetReplace, type IpSetSpec } from "../baselines/bpg-ipset";
import { naiveIpSet } from "../baselines/naive";
import { executeSteps, type Step, segment } from "../baselines/steps";
import { fwText, ipSetEntries } from "../fixtures";
import { runLoad } from "../load";
import { measureInProcess, round } from "../measure";
import { checked, ProgramStack, providerFor } from "../ours";
import type { CallCount, Measured } from "../results";
import { type BenchContext, expectSame, type Scenario, strategy } from "../scenario";

/** Where the sets live. */
export const IPSET_BASE = "/cluster/firewall/ipset";
const CLUSTER_FILE = "firewall/cluster.fw";
const NAME = "blocklist";
const COMMENT = "benchmark blocklist";

/** Puts `set` in place as the only content of `cluster.fw` (none: an empty file). */
export async function setIpSet(ctx: BenchContext, set: IpSetSpec | undefined): Promise<void> {
  await ctx.client.putFile(
    CLUSTER_FILE,
    set === undefined ? "" : fwText("cluster", { ipsets: [{ ...set, entries: [...set.entries] }] }),
  );
}

/** Throws unless the server's set holds exactly `set.entries` (any order). */
export async function verifyIpSet(ctx: BenchContext, set: IpSetSpec): Promise<void> {
  const got = (await ctx.client.uncounted("GET", `${IPSET_BASE}/${segment(set.name)}`)) as IpSetEntryFields[];
  const key = (e: IpSetEntryFields) => JSON.stringify([e.cidr, e.comment ?? "", e.nomatch ? 1 : 0]);
  const sorted = (l: readonly IpSetEntryFields[]) => l.map(key).sort();
  expectSame("entries", sorted(got), sorted(set.entries), (k) => k);
}

function spec(entries: readonly IpSetEntryFields[]): IpSetSpec {
  return { name: NAME, comment: COMMENT, entries };
}

async function executed(ctx: BenchContext, plan: () => Step[]): Promise<Measured> {
  return (await measureInProcess(ctx.client, () => executeSteps(ctx.client, plan()))).measured;
}

/** The time the emulator takes to create `set` with `concurrency` entry POSTs in flight, ms. */
async function lockBound(ctx: BenchContext, set: IpSetSpec, concurrency: number): Promise<number> {
  await setIpSet(ctx, undefined);
  const { endpoint, apiToken } = ctx.client.access;
  const start = performance.now();
  await ctx.client.api("POST", IPSET_BASE, { name: set.name, comment: set.comment ?? "" });
  await runLoad({
    origin: endpoint,
    authorization: `PVEAPIToken=${apiToken}`,
    total: set.entries.length,
    concurrency,
    request: (i) => ({
      method: "POST",
      path: `/api2/json${IPSET_BASE}/${set.name}`,
      form: { cidr: set.entries[i]!.cidr },
    }),
  });
  const ms = performance.now() - start;
  await verifyIpSet(ctx, set);
  return round(ms);
}

/** `ipset N: create`: ours through `pve-firewall up`, measured next to the lock-bound fill. */
export function ipSetCreateScenario(n: number, lockBoundConcurrency: number): Scenario {
  const set = spec(ipSetEntries(n));
  return {
    name: `ipset ${n}: create`,
    minimum: { writes: n + 2, reads: 0 },
    run: async (ctx) => {
      const common = { reset: () => setIpSet(ctx, undefined), verify: () => verifyIpSet(ctx, set) };
      const lockBoundMs = await lockBound(ctx, set, lockBoundConcurrency);
      const stack = new ProgramStack("ipset", ctx.client.access);
      try {
        stack.setSpec({ name: set.name, comment: set.comment, entries: set.entries.map((e) => e.cidr) });
        const ours = await strategy("ours", { ...common, run: () => stack.run(ctx.client, "up") });
        const bpg = await strategy("bpg", {
          ...common,
          run: () => executed(ctx, () => bpgIpSetCreate(IPSET_BASE, set)),
        });
        const naive = await strategy("naive", {
          ...common,
          run: () => executed(ctx, () => naiveIpSet(IPSET_BASE, set, false)),
        });
        return { ours, bpg, naive, lockBoundMs };
      } finally {
        stack.dispose();
      }
    },
  };
}

/** One edit of the set: its name suffix, the desired entries and the minimum. */
function edits(n: number): { name: string; desired: IpSetEntryFields[]; minimum: CallCount }[] {
  const base = ipSetEntries(n);
  const changed = Math.max(1, Math.floor(n / 100));
  const step = Math.floor(n / changed);
  const replaced = new Set(Array.from({ length: changed }, (_, k) => k * step));
  return [
    { name: "add one", desired: [...base, ...ipSetEntries(1, n)], minimum: { writes: 1, reads: 1 } },
    { name: "remove one", desired: base.filter((_, i) => i !== Math.floor(n / 2)), minimum: { writes: 1, reads: 1 } },
    {
      name: "change 1%",
      desired: [...base.filter((_, i) => !replaced.has(i)), ...ipSetEntries(changed, 2 * n)],
      minimum: { writes: 2 * changed, reads: 1 },
    },
  ];
}

/** `ipset N: add one | remove one | change 1%`, each from the same N-entry set. */
export function ipSetEditScenarios(n: number): Scenario[] {
  const current = spec(ipSetEntries(n));
  return edits(n).map((edit) => ({
    name: `ipset ${n}: ${edit.name}`,
    minimum: edit.minimum,
    run: async (ctx) => {
      const desired = spec(edit.desired);
      const common = { reset: () => setIpSet(ctx, current), verify: () => verifyIpSet(ctx, desired) };
      const ours = await strategy("ours", {
        ...common,
        run: async () => {
          const p = await providerFor("IpSet", ctx.client.access);
          const id = `cluster/ipset/${NAME}`;
          const old = await p.read(id);
          const args = { name: NAME, comment: COMMENT, entries: edit.desired.map((e) => e.cidr) };
          const news = await checked(p, args, old.inputs ?? {});
          return (await measureInProcess(ctx.client, () => p.update(id, old.props ?? {}, news))).measured;
        },
      });
      const bpg = await strategy("bpg", {
        ...common,
        run: () => executed(ctx, () => bpgIpSetReplace(IPSET_BASE, current, desired)),
      });
      const naive = await strategy("naive", {
        ...common,
        run: () => executed(ctx, () => naiveIpSet(IPSET_BASE, desired, true)),
      });
      return { ours, bpg, naive };
    },
  }));
}
