/**
 * In-run convergence: with 500s, connections dropped before and after the write, and lock timeouts
 * injected into the emulator's writes at several rates and seeds, each provider create or update
 * (one `up` of that resource) ends in the declared state in one call: no duplicate, no lost edit,
 * the file exactly as declared, and outputs equal to a separate read.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { FaultSpec } from "../../emulator/index";
import type { ResourceKind } from "../../provider/resources/index";
import { useEmulator } from "../helpers/emulator";
import { providerFor } from "./helpers";

const emu = useEmulator({
  topology: { nodes: ["pve1"], guests: [{ vmid: 101, node: "pve1", type: "qemu", name: "db", nics: {} }] },
});

const OWNER = "0123456789abcdef";

/** Every write fault kind on every write method, each with probability `rate`. */
function writeFaults(rate: number): FaultSpec[] {
  const kinds = ["error500", "dropBefore", "dropAfter", "lockTimeout"] as const;
  return ["POST", "PUT", "DELETE"].flatMap((method) =>
    kinds.map((kind) => ({ kind, method, probability: rate, message: "injected fault" })),
  );
}

/**
 * Runs `apply` with faults at `rate` (the fault PRNG reseeded with `seed`, or going on where it was),
 * then clears them; returns how many faults hit.
 */
async function underFaults<T>(
  rate: number,
  seed: number | undefined,
  apply: () => Promise<T>,
): Promise<{ result: T; hits: number }> {
  const handle = emu.handle();
  if (seed !== undefined) handle.faults.reseed(seed);
  for (const f of writeFaults(rate)) handle.faults.add(f);
  try {
    const result = await apply();
    return { result, hits: handle.faults.list().reduce((n, f) => n + f.hits, 0) };
  } finally {
    handle.faults.clear();
  }
}

type Provider = Required<pulumi.dynamic.ResourceProvider>;

/** Creates `first` and updates it to `second`, each under faults; checks outputs against a read. */
async function createThenUpdate(
  kind: ResourceKind,
  first: Record<string, unknown>,
  second: Record<string, unknown>,
  rate: number,
  seed: number | undefined,
): Promise<{ p: Provider; id: string; outs: Record<string, unknown>; hits: number }> {
  const p = await providerFor(kind, emu.handle());
  const a = await p.check({}, { ...first, __owner: OWNER });
  expect(a.failures).toBeUndefined();
  const made = await underFaults(rate, seed, () => p.create(a.inputs));
  expect((await p.read(made.result.id, made.result.outs)).props).toEqual(made.result.outs);
  expect((await p.diff(made.result.id, made.result.outs, a.inputs)).changes).toBe(false);
  const b = await p.check(a.inputs, { ...second, __owner: OWNER });
  expect(b.failures).toBeUndefined();
  const changed = await underFaults(rate, seed === undefined ? undefined : seed + 1000, () =>
    p.update(made.result.id, made.result.outs, b.inputs),
  );
  const outs = changed.result.outs ?? {};
  expect((await p.read(made.result.id, outs)).props).toEqual(outs);
  expect((await p.diff(made.result.id, outs, b.inputs)).changes).toBe(false);
  return { p, id: made.result.id, outs, hits: made.hits + changed.hits };
}

const cases = [
  { rate: 0.01, seed: 1 },
  { rate: 0.03, seed: 2 },
  { rate: 0.05, seed: 3 },
];

afterEach(async () => {
  for (const f of ["firewall/101.fw", "firewall/cluster.fw"]) await emu.handle().editFile(f, "");
});

describe("in-run convergence under write faults", () => {
  const rule = (i: number, comment = `r${i}`) => ({ action: "ACCEPT", proto: "tcp", dport: 1000 + i, comment });
  const line = (i: number, comment = `r${i}`) => `IN ACCEPT -p tcp -dport ${1000 + i} # ${comment}\n`;

  it.each(cases)("converges a rule list in one call per apply at rate $rate, seed $seed", async ({ rate, seed }) => {
    const scope = { node: "pve1", vmid: 101 };
    const first = Array.from({ length: 12 }, (_, i) => rule(i));
    // reversed, one edited, one removed, one inserted in the middle
    const order = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 0];
    const second = [
      ...order.slice(0, 5).map((i) => rule(i)),
      rule(50, "new"),
      ...order.slice(5).map((i) => rule(i, i === 2 ? "two" : `r${i}`)),
    ];
    const { hits } = await createThenUpdate(
      "FirewallRules",
      { scope, rules: first },
      { scope, rules: second },
      rate,
      seed,
    );
    expect(await emu.handle().readFile("firewall/101.fw")).toBe(
      `[RULES]\n\n${[...order.slice(0, 5).map((i) => line(i)), line(50, "new"), ...order.slice(5).map((i) => line(i, i === 2 ? "two" : `r${i}`))].join("")}\n`,
    );
    expect(hits).toBeGreaterThan(0);
  });

  it.each(cases)(
    "converges a 300-entry IPSet in one call per apply at rate $rate, seed $seed",
    async ({ rate, seed }) => {
      const cidr = (i: number) => `198.18.${i >> 8}.${i & 255}`;
      const first = Array.from({ length: 300 }, (_, i) => cidr(i));
      // 30 removed, 30 added, 5 comments changed
      const second: { cidr: string; comment?: string }[] = [
        ...Array.from({ length: 270 }, (_, i) => ({ cidr: cidr(i + 30), ...(i < 5 ? { comment: "seen" } : {}) })),
        ...Array.from({ length: 30 }, (_, i) => ({ cidr: cidr(i + 1000) })),
      ];
      const { hits } = await createThenUpdate(
        "IpSet",
        { name: "blocklist", comment: "scanners", entries: first },
        { name: "blocklist", comment: "scanners", entries: second },
        rate,
        seed,
      );
      const expected = second
        .map((e) => `${e.cidr}${e.comment ? ` # ${e.comment}` : ""}`)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(
        `[IPSET blocklist] # scanners\n\n${expected.join("\n")}\n\n`,
      );
      expect(hits).toBeGreaterThan(0);
    },
  );

  it.each(cases)(
    "converges a security group in one call per apply at rate $rate, seed $seed",
    async ({ rate, seed }) => {
      const first = Array.from({ length: 8 }, (_, i) => rule(i));
      const second = [rule(7), rule(3, "three"), rule(1), rule(9), rule(0)];
      const { hits } = await createThenUpdate(
        "SecurityGroup",
        { name: "web", comment: "web tier", rules: first },
        { name: "web", comment: "frontends", rules: second },
        rate,
        seed,
      );
      expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(
        `[group web] # frontends\n\n${line(7)}${line(3, "three")}${line(1)}${line(9)}${line(0)}\n`,
      );
      expect(hits).toBeGreaterThan(0);
    },
  );

  it.each(cases)(
    "converges options and aliases in one call per apply at rate $rate, seed $seed",
    async ({ rate, seed }) => {
      // single writes: repeated, at twice the rate, on one stream of the fault PRNG, so that faults hit some
      emu.handle().faults.reseed(seed);
      let hits = 0;
      for (let round = 0; round < 8; round++) {
        const options = await createThenUpdate(
          "NodeFirewallOptions",
          { scope: { node: "pve1" }, enable: true, nftables: true },
          { scope: { node: "pve1" }, enable: false, logLevelIn: "info" },
          rate * 2,
          undefined,
        );
        hits += options.hits;
        expect(await emu.handle().readFile("nodes/pve1/host.fw")).toMatch(
          /^\[OPTIONS\]\n\n(enable: 0\nlog_level_in: info|log_level_in: info\nenable: 0)\n\n$/,
        );
        await emu.handle().editFile("nodes/pve1/host.fw", "");
        const alias = await createThenUpdate(
          "Alias",
          { name: "office", cidr: "192.0.2.1" },
          { name: "office", cidr: "192.0.2.0/24", comment: "hq" },
          rate * 2,
          undefined,
        );
        hits += alias.hits;
        expect(await emu.handle().readFile("firewall/cluster.fw")).toBe("[ALIASES]\n\noffice 192.0.2.0/24 # hq\n\n");
        await alias.p.delete(alias.id, alias.outs);
      }
      expect(hits).toBeGreaterThan(0);
    },
  );
});

describe("in-run convergence bounds", () => {
  it("gives up after 5 writes in a row of unknown outcome, each settled by a read as not applied", async () => {
    await emu.handle().editFile("firewall/101.fw", "[RULES]\n\nIN ACCEPT -p tcp -dport 22 # ssh\n");
    const p = await providerFor("FirewallRules", emu.handle());
    const old = await p.read("qemu/pve1/101");
    const news = await p.check(old.inputs!, {
      scope: { node: "pve1", vmid: 101 },
      rules: [{ action: "ACCEPT", proto: "tcp", dport: 22, comment: "ssh from anywhere" }],
    });
    emu.handle().faults.add({ kind: "error500", method: "PUT", message: "disk full" });
    emu.handle().calls.reset();
    const e = await p.update("qemu/pve1/101", old.props!, news.inputs).then(
      () => ({ message: "no failure", code: "" }),
      (x: unknown) => x as Error & { code: string },
    );
    emu.handle().faults.clear();
    expect(e.message).toBe("rule 0 at qemu/pve1/101: disk full"); // nothing was applied: the error as it is
    expect(e.code).toBe("FW_API");
    expect(emu.handle().calls.snapshot()).toEqual({
      "GET /nodes/{node}/qemu/{vmid}/firewall/rules": 6,
      "PUT /nodes/{node}/qemu/{vmid}/firewall/rules/{pos}": 5,
    });
  });

  it("fails on a refusal under faults saying exactly how many entries it added", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const entries = [...Array.from({ length: 120 }, (_, i) => `198.18.0.${i}`), "dc/nosuchalias"];
    const checked = await p.check({}, { name: "blocklist", entries, __owner: OWNER });
    const { result } = await underFaults(0.03, 7, () => p.create(checked.inputs).catch((x: unknown) => x as Error));
    const message = (result as Error).message;
    const added = /added (\d+) of 121 entries/.exec(message);
    expect(message).toMatch(
      /^create ipset cluster\/ipset\/blocklist failed after \d+ of 123 writes \(created the set marked as being created by this resource; added \d+ of 121 entries\), then: ipset entry cluster\/ipset\/blocklist\/dc\/nosuchalias: no such alias 'nosuchalias'$/,
    );
    const now = await p.read("cluster/ipset/blocklist", { name: "blocklist" });
    expect(now.props?.["entries"]).toHaveLength(Number(added?.[1]));
  });
});
