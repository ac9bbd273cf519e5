import fc from "fast-check";
import { type FwFileKind, parseFw, printFw, printFwExact } from "../../../provider/fw";

const KINDS: FwFileKind[] = ["cluster", "guest", "host", "vnet"];
const chars = (alphabet: string) => fc.constantFrom(...alphabet.split(""));
const word = fc.string({ unit: chars("abXY09./:!+-_|()#"), minLength: 1, maxLength: 8 });
const blank = fc.constantFrom(" ", "  ", "\t", "");
const comment = fc.option(
  fc.string({ unit: chars("ab 0#"), maxLength: 5 }).map((c) => ` #${c}`),
  { nil: "" },
);

/** Lines of every shape a `.fw` file can hold, well-formed or not, CRLF endings included. */
const line = fc.oneof(
  fc.constantFrom(
    "[OPTIONS]",
    "[options]",
    "[ALIASES]",
    "[RULES]",
    "[RULES]\r",
    "[IPSET set1] # c",
    "[ipset Set2]",
    "[IPSET set1]\r",
    "[group grp1] # g",
    "[GROUP grp2]",
    "enable: 1",
    "policy_in: drop",
    "log_level_in:",
    "dhcp: 0",
  ),
  fc.tuple(word, blank, word, comment).map(([a, b, c, d]) => `${a} ${b}${c}${d}`),
  fc
    .tuple(
      fc.constantFrom("", "!", "! "),
      fc.constantFrom("10.0.0.1", "10.0.0.1/32", "10.0.0.0/0", "fe80::1/128", "al1", "dc/al1", "guest/AL1", "[rules]"),
      comment,
    )
    .map(([n, c, d]) => `${n}${c}${d}`),
  fc
    .tuple(
      fc.constantFrom("", "|"),
      fc.constantFrom("IN", "out", "FORWARD", "GROUP"),
      fc.constantFrom("ACCEPT", "SSH(DROP)", "grp1"),
      fc.constantFrom("", " -i net0", " -p tcp -dport 0", " -source al1 -log info", " -icmp-type 0"),
      comment,
    )
    .map(([d, t, a, o, c]) => `${d}${t} ${a}${o}${c}`),
  fc.constantFrom("al1 10.0.0.9", "AL1 10.0.0.8 # x", "al2 10.0.0.300", "lonely", "two  blanks"),
);

describe("printFwExact", () => {
  it("writes what parseFw reads back as the same config, whatever the file held", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), fc.constantFrom(...KINDS), (lines, kind) => {
        const config = parseFw(lines.join("\n"), kind).config;
        const back = parseFw(printFwExact(config, kind), kind);
        expect(back.config).toEqual(config);
        expect(back.diagnostics.every((d) => d.effect === "kept")).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("writes what Proxmox's writer writes for a file that writer wrote and that reads back cleanly", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), fc.constantFrom(...KINDS), (lines, kind) => {
        const once = parseFw(printFw(parseFw(lines.join("\n"), kind).config, kind), kind);
        fc.pre(once.diagnostics.length === 0);
        expect(printFwExact(once.config, kind)).toBe(printFw(once.config, kind));
      }),
      { numRuns: 200 },
    );
  });
});
