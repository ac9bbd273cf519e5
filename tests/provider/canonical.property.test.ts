/**
 * canonical(read(write(x))) == canonical(x): for random valid inputs, what Proxmox (the emulator)
 * stores and returns after our writes equals the canonical form our diffs compare, so an apply is
 * never followed by a spurious diff.
 */
import fc from "fast-check";
import { useEmulator } from "../helpers/emulator";
import { providerFor } from "./helpers";

const emu = useEmulator();

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
const cidr4 = fc.tuple(ipv4, fc.integer({ min: 1, max: 32 })).map(([ip, p]) => `${ip}/${p}`);
const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
const ipv6 = fc.tuple(fc.array(hex, { minLength: 8, maxLength: 8 }), fc.boolean()).map(([g, upper]) => {
  const text = g.join(":");
  return upper ? text.toUpperCase() : text;
});
const cidr6 = fc.tuple(ipv6, fc.integer({ min: 1, max: 128 })).map(([ip, p]) => `${ip}/${p}`);
const comment = fc.option(fc.string({ unit: fc.constantFrom("a", "b", " ", "é", "#", "-", "1"), maxLength: 12 }), {
  nil: undefined,
});

const rule = fc.oneof(
  fc.record({
    action: fc.constantFrom("ACCEPT", "DROP", "REJECT"),
    proto: fc.constantFrom("tcp", "udp"),
    dport: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom("80:90", "22,443", "ssh", "1000:2000,3000")),
    source: fc.option(fc.constantFrom("10.0.0.0/8", "192.0.2.0/24,198.51.100.7", "10.1.2.3-10.1.2.9"), {
      nil: undefined,
    }),
    log: fc.option(fc.constantFrom("info", "nolog", "debug"), { nil: undefined }),
    enable: fc.boolean(),
    comment,
  }),
  fc.record({
    action: fc.constantFrom("ACCEPT", "DROP"),
    macro: fc.constantFrom("ssh", "Web", "DNS", "HTTPS", "ping"),
    dest: fc.option(fc.constantFrom("2001:db8::/32", "203.0.113.0/24"), { nil: undefined }),
    enable: fc.boolean(),
    comment,
  }),
  fc.record({
    action: fc.constantFrom("ACCEPT"),
    proto: fc.constant("icmp"),
    icmpType: fc.constantFrom("echo-request", "any"),
  }),
);

describe("canonical forms agree with what Proxmox stores", () => {
  it("reads back every valid rule list exactly as check canonicalised it", async () => {
    const p = await providerFor("FirewallRules", emu.handle());
    await fc.assert(
      fc.asyncProperty(fc.array(rule, { maxLength: 6 }), async (rules) => {
        const checked = await p.check({}, { scope: { node: "pve1" }, rules });
        fc.pre(checked.failures === undefined);
        const created = await p.create(checked.inputs);
        expect(created.outs["rules"]).toEqual(checked.inputs["rules"]);
        expect((await p.diff(created.id, created.outs, checked.inputs)).changes).toBe(false);
        await p.delete(created.id, created.outs);
      }),
      { numRuns: 40, seed: 20261123 },
    );
  });

  it("reads back every valid IPSet exactly as check canonicalised it", async () => {
    const p = await providerFor("IpSet", emu.handle());
    const entry = fc.record({ cidr: fc.oneof(ipv4, cidr4, ipv6, cidr6), nomatch: fc.boolean(), comment });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 8 }), async (entries) => {
        const checked = await p.check({}, { name: "prop", entries });
        fc.pre(checked.failures === undefined);
        const created = await p.create(checked.inputs);
        expect(created.outs["entries"]).toEqual(checked.inputs["entries"]);
        expect((await p.diff(created.id, created.outs, checked.inputs)).changes).toBe(false);
        await p.delete(created.id, created.outs);
      }),
      { numRuns: 40, seed: 20261123 },
    );
  });
});
