import fc from "fast-check";
import { type FwConfig, type FwFileKind, parseFw, printFw } from "../../../provider/fw";
import type { AliasFields, IpSetEntryFields, RuleFields } from "../../../provider/model/wire";
import { normalizeConfig } from "./normalize";

const KINDS: FwFileKind[] = ["cluster", "guest", "host", "vnet"];
const LOG_LEVELS = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "nolog"] as const;

const chars = (alphabet: string) => fc.constantFrom(...alphabet.split(""));
/** A field value: no blanks, no `#`, no parentheses; sometimes Perl-false (`""`, `"0"`). */
const token = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: chars("abcXYZ019.:/,+-_!|=*é"), minLength: 1, maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom("", "0") },
);
const rawComment = fc.string({
  unit: fc.oneof(chars("ab Z0#\t]-|"), fc.constantFrom("é", "→", "😀", "\r", "\f")),
  maxLength: 12,
});
/** Comments; in stored form (`raw` false) without the surrounding blanks Proxmox trims on read. */
const commentArb = (raw: boolean) =>
  raw ? rawComment : rawComment.map((c) => c.replace(/^[ \t\r\f]+|[ \t\r\f]+$/g, ""));
const name = (max: number, upper: boolean) =>
  fc
    .tuple(
      chars(upper ? "abqXY" : "abqxy"),
      fc.string({ unit: chars(upper ? "az09_-Q" : "az09_-"), minLength: 1, maxLength: max - 1 }),
    )
    .map(([a, b]) => a + b);
const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
const ipv6 = fc
  .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.boolean())
  .map(([a, b, up]) => {
    const t = `2001:db8:${a.toString(16)}::${b.toString(16)}`;
    return up ? t.toUpperCase() : t;
  });
/** Addresses as stored (no `/32`, `/128`) or, when `raw`, also with those suffixes. */
const cidr = (raw: boolean) =>
  fc.oneof(
    ipv4,
    fc.tuple(ipv4, fc.integer({ min: 1, max: raw ? 32 : 31 })).map(([ip, p]) => `${ip}/${p}`),
    ipv6,
    fc.tuple(ipv6, fc.integer({ min: 1, max: raw ? 128 : 127 })).map(([ip, p]) => `${ip}/${p}`),
  );

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const rule = (raw: boolean): fc.Arbitrary<RuleFields> =>
  fc
    .record({
      type: fc.constantFrom("in", "out", "forward", "group"),
      action: fc.oneof(
        fc.constantFrom("ACCEPT", "DROP", "REJECT"),
        token.filter((t) => t !== ""),
      ),
      enable: opt(fc.constantFrom(0, 1, 2)),
      macro: opt(fc.oneof(fc.constantFrom("SSH", "HTTP", "Ping"), token)),
      proto: opt(token),
      source: opt(token),
      dest: opt(token),
      sport: opt(token),
      dport: opt(token),
      iface: opt(token),
      log: opt(fc.constantFrom(...LOG_LEVELS)),
      "icmp-type": opt(token),
      comment: opt(commentArb(raw)),
    })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as RuleFields);

const entry = (raw: boolean): fc.Arbitrary<IpSetEntryFields> =>
  fc
    .record({
      cidr: fc.oneof(
        cidr(raw),
        name(10, true),
        name(8, false).map((n) => `dc/${n}`),
      ),
      nomatch: opt(fc.constantFrom(1 as const, 0 as const, true, false)),
      comment: opt(commentArb(raw)),
    })
    .map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as IpSetEntryFields);

const alias = (raw: boolean): fc.Arbitrary<AliasFields> =>
  fc.record({ name: name(12, true), cidr: cidr(raw), comment: opt(commentArb(raw)) }).map((a) => {
    const { comment: c, ...rest } = a;
    return c === undefined ? rest : { ...rest, comment: c };
  });

/** Options in the form Proxmox stores them, per kind. */
const OPTIONS: Record<FwFileKind, Record<string, fc.Arbitrary<string>>> = {
  cluster: {
    enable: fc.constantFrom("0", "1"),
    ebtables: fc.constantFrom("0", "1"),
    policy_in: fc.constantFrom("ACCEPT", "DROP", "REJECT"),
    policy_forward: fc.constantFrom("ACCEPT", "DROP"),
    log_ratelimit: fc.constantFrom("enable=1,rate=1/second,burst=5", "enable=0"),
  },
  host: {
    enable: fc.constantFrom("0", "1"),
    log_level_in: fc.constantFrom(...LOG_LEVELS, ""),
    nf_conntrack_max: fc.integer({ min: 32768, max: 10_000_000 }).map(String),
    nf_conntrack_helpers: fc.constantFrom("ftp", "ftp,tftp,sip"),
    nftables: fc.constantFrom("0", "1"),
  },
  guest: {
    enable: fc.constantFrom("0", "1"),
    dhcp: fc.constantFrom("0", "1"),
    policy_out: fc.constantFrom("ACCEPT", "DROP", "REJECT"),
    log_level_out: fc.constantFrom(...LOG_LEVELS),
    ips_queues: fc.constantFrom("0", "2:3"),
  },
  vnet: {
    enable: fc.constantFrom("0", "1"),
    policy_forward: fc.constantFrom("ACCEPT", "DROP"),
    log_level_forward: fc.constantFrom(...LOG_LEVELS),
  },
};

/** A config for `kind`; `raw` allows mixed-case names, `/32` suffixes and duplicates. */
const config = (kind: FwFileKind, raw: boolean): fc.Arbitrary<FwConfig> =>
  fc.record({
    options: fc.record(OPTIONS[kind], { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>,
    aliases: fc.array(alias(raw), { maxLength: 5 }),
    ipsets: fc.array(
      fc.record({
        name: name(12, raw),
        comment: opt(commentArb(raw)),
        entries: fc.array(entry(raw), { maxLength: 8 }),
      }),
      { maxLength: 3 },
    ),
    rules: fc.array(rule(raw), { maxLength: 8 }),
    groups: fc.array(
      fc.record({ name: name(18, raw), comment: opt(commentArb(raw)), rules: fc.array(rule(raw), { maxLength: 4 }) }),
      { maxLength: 3 },
    ),
  }) as fc.Arbitrary<FwConfig>;

const anyKindConfig = (raw: boolean) =>
  fc.constantFrom(...KINDS).chain((kind) => config(kind, raw).map((c) => ({ kind, c })));

describe("printFw and parseFw", () => {
  it("reads back what they write, after the writer's normalisations", () => {
    fc.assert(
      fc.property(anyKindConfig(true), ({ kind, c }) => {
        const { config: back, diagnostics } = parseFw(printFw(c, kind), kind);
        const flagged = back.ipsets.flatMap((s) => s.entries).filter((e) => e.errors);
        expect(diagnostics.map((d) => d.effect)).toEqual(flagged.map(() => "kept"));
        expect(back).toEqual(normalizeConfig(c, kind));
      }),
      { numRuns: 300 },
    );
  });

  it("prints the same text again after a read, for configs with stored-form names and addresses", () => {
    fc.assert(
      fc.property(anyKindConfig(false), ({ kind, c }) => {
        const text = printFw(c, kind);
        expect(printFw(parseFw(text, kind).config, kind)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("reaches a fixed point after one write and read, whatever the names and addresses", () => {
    fc.assert(
      fc.property(anyKindConfig(true), ({ kind, c }) => {
        const once = printFw(parseFw(printFw(c, kind), kind).config, kind);
        expect(printFw(parseFw(once, kind).config, kind)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws and reports only 1-based line numbers inside the file, whatever the text", () => {
    const line = fc.string({
      unit: fc.oneof(chars("[]#|!-: \tabINOUTGRPSEcdefgip0123456789./"), chars("\r")),
      maxLength: 30,
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 15 }), fc.constantFrom(...KINDS), (lines, kind) => {
        const text = lines.join("\n");
        const { diagnostics } = parseFw(text, kind);
        for (const d of diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lines.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
