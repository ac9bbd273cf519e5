import { parseFw } from "../../../provider/fw/parse";
import { alignLayout, scanLayout } from "../../../provider/policy/layout";

const TEXT = `# comment
[OPTIONS]
enable: 1

[ALIASES]
later 10.0.0.1
bad 10.0.0.300

[RULES]
IN ACCEPT -source later
not a rule
|OUT DROP

[IPSET s1] # set
10.0.0.0/8
two words here
!10.1.0.0/16

[group g1]
IN ACCEPT -p tcp -dport 22

[IPSET s1]
10.2.0.0/16
[RULES]\r
IN DROP
`;

describe("scanLayout", () => {
  it("records the line of every rule, group rule, IPSet entry and first alias definition (a CRLF header is none)", () => {
    const { layout, headers, crlfLines } = scanLayout(TEXT, "cluster");
    expect(layout).toEqual({
      rules: [10, 12],
      groups: { g1: [20] },
      ipsets: { s1: 14 },
      // The CRLF "[RULES]\r" is no header, so it and the rule after it stay in the open [IPSET s1].
      ipsetEntries: { s1: [23, 24, 25] },
      aliases: { later: 6 },
    });
    expect(headers.map((h) => h.key)).toEqual(["options", "aliases", "rules", "ipset s1", "group g1", "ipset s1"]);
    expect(crlfLines).toEqual([24]);
  });

  it("lines up with what the codec parses from the same text", () => {
    const { config } = parseFw(TEXT, "cluster");
    expect(alignLayout(scanLayout(TEXT, "cluster"), config)).toEqual(scanLayout(TEXT, "cluster").layout);
  });

  it("does not line up with a config from other text", () => {
    const { config } = parseFw("[RULES]\nIN DROP\n", "cluster");
    expect(alignLayout(scanLayout(TEXT, "cluster"), config)).toBeUndefined();
  });

  it("keeps a header the kind may not hold inside the open IPSet section, as the codec does", () => {
    const text = "[IPSET s1]\n10.0.0.1\n[group g1]\n";
    expect(scanLayout(text, "guest").layout.ipsetEntries).toEqual({ s1: [2, 3] });
    expect(alignLayout(scanLayout(text, "guest"), parseFw(text, "guest").config)).toBeDefined();
  });

  it("ignores sections a host file may not hold, as the codec does", () => {
    const text = "[RULES]\nIN DROP\n[IPSET x]\n10.0.0.1\n";
    expect(scanLayout(text, "host").layout.rules).toEqual([2]);
    expect(alignLayout(scanLayout(text, "host"), parseFw(text, "host").config)).toBeDefined();
  });
});
