/**
 * Robustness: lint and the simulator never fail on any file content (random text, and real
 * files with lines mutated, inserted, deleted or cut), and the lint command never exits above 2.
 */

import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import fc from "fast-check";
import { runLint } from "../../../provider/cli/lint";
import { configsFromTexts } from "../../../provider/policy/configs";
import { CODES, exitCodeFor, type LintFile, lintFiles } from "../../../provider/policy/lint/index";
import { PacketError } from "../../../provider/policy/route";
import { createSimulator } from "../../../provider/policy/simulate";
import { readTopology } from "../../../provider/policy/topology";

const FIXTURES = join(__dirname, "../fw/fixtures");
const seeds = ["cluster.fw", "host.fw", "100.fw"].map((f) => readFileSync(join(FIXTURES, f), "utf8"));

const chars = (alphabet: string) => fc.constantFrom(...alphabet.split(""));
const noise = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: chars("[]#|!-:+/.,() \tabcdefgINOUTGRPSEipnx0123456789") },
    { weight: 1, arbitrary: fc.constantFrom("\n", "\r", "\u0000", "é", "😀", "\f") },
  ),
  maxLength: 200,
});
const fragments = fc.constantFrom(
  "[OPTIONS]",
  "[RULES]",
  "[ALIASES]",
  "[IPSET management]",
  "[IPSET blacklist]",
  "[group web]",
  "[IPSET x]\r",
  "enable: 1",
  `enable: ${1_800_000_000 - 30}`,
  "policy_in: REJECT",
  "ipfilter: 1",
  "IN ACCEPT -p tcp -dport 22",
  "IN SSH(ACCEPT) -source +management",
  "IN DNS(ACCEPT) -p udp",
  "GROUP web -i vmbr0",
  "GROUP web",
  "OUT REJECT -dest dc/office -p icmp -dport echo-request",
  "IN DROP -source guest/office",
  "IN ACCEPT -source 10.0.0.1-10.0.0.9,10.1.0.1",
  "IN ACCEPT -p ipv6-icmp -dport 1",
  "IN ACCEPT -p tcp -dport 99999",
  "office 203.0.113.0/24",
  "six 2001:db8::1",
  "!10.0.0.0/8",
  "10.0.0.0/0",
  "guest/office",
  "FORWARD DROP",
  "|IN DROP",
);
const lines = fc.array(fc.oneof(fragments, noise), { maxLength: 30 }).map((l) => l.join("\n"));
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.tuple(fc.nat(), fc.oneof(fragments, noise), fc.constantFrom("insert", "replace", "delete", "cut")), {
      maxLength: 6,
    }),
  )
  .map(([seed, edits]) => {
    const l = seed.split("\n");
    for (const [at, text, op] of edits) {
      const i = at % (l.length + 1);
      if (op === "insert") l.splice(i, 0, text);
      else if (op === "replace") l[i] = text;
      else if (op === "delete") l.splice(i, 1);
      else l[i] = (l[i] ?? "").slice(0, text.length % 7);
    }
    return l.join("\n");
  });
const content = fc.oneof(noise, lines, mutated);
const files = fc.tuple(content, content, content).map(([c, h, g]): LintFile[] => [
  { path: "firewall/cluster.fw", role: { kind: "cluster" }, text: c },
  { path: "nodes/pve1/host.fw", role: { kind: "host", node: "pve1" }, text: h },
  { path: "firewall/100.fw", role: { kind: "guest", vmid: "100" }, text: g },
]);
const topology = readTopology({
  nodes: ["pve1", "pve2"],
  guests: [
    { vmid: 100, type: "qemu", node: "pve1", nics: { net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1" } },
  ],
});

describe("lint on any input", () => {
  it("returns findings with known codes and an exit code of at most 2, and never throws", () => {
    fc.assert(
      fc.property(files, (f) => {
        const findings = lintFiles(f, { nowSec: 1_800_000_000, topology });
        for (const x of findings) expect(CODES[x.code as keyof typeof CODES]?.name).toBe(x.name);
        expect(exitCodeFor(findings)).toBeLessThanOrEqual(2);
      }),
      { numRuns: 300 },
    );
  });

  it("simulates packets on any input, failing only with a PacketError", () => {
    const packets = [
      { from: "outside", to: "host", dport: 22 },
      { from: "vm100", to: "host", proto: "udp", dport: 53 },
      { from: "outside", to: "vm100", source: "2001:db8::1", dest: "2001:db8::2", proto: "icmpv6" },
      { from: "host", to: "vm100", proto: "icmp", dport: "3/4" },
    ];
    fc.assert(
      fc.property(files, ([c, h, g]) => {
        const configs = configsFromTexts({ cluster: c!.text!, hosts: { pve1: h!.text! }, guests: { "100": g!.text! } });
        const sim = createSimulator(configs, topology, { nowSec: 1_800_000_000 });
        for (const p of packets) {
          try {
            expect(["ACCEPT", "DROP", "REJECT"]).toContain(sim.simulate(p).action);
          } catch (err) {
            expect(err).toBeInstanceOf(PacketError);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("exits with at most 2 from the lint command for random and malformed files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lint-fuzz-"));
    try {
      await fc.assert(
        fc.asyncProperty(content, content, async (a, b) => {
          await writeFile(join(dir, "cluster.fw"), a);
          await writeFile(join(dir, "100.fw"), b);
          const out = new PassThrough();
          const err = new PassThrough();
          const code = await runLint([join(dir, "cluster.fw"), join(dir, "100.fw"), "--json"], { out, err });
          expect(code).toBeLessThanOrEqual(2);
          expect(() => JSON.parse(String(out.read()))).not.toThrow();
        }),
        { numRuns: 40 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
