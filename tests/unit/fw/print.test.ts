import { emptyFwConfig, type FwConfig, printFw } from "../../../provider/fw";
import type { RuleFields } from "../../../provider/model/wire";

const config = (parts: Partial<FwConfig>): FwConfig => ({ ...emptyFwConfig(), ...parts });
const rulesText = (rules: RuleFields[]) => printFw(config({ rules }), "cluster");

describe("printFw", () => {
  it("prints an empty config as the empty string", () => {
    for (const kind of ["cluster", "guest", "host", "vnet"] as const) expect(printFw(emptyFwConfig(), kind)).toBe("");
  });

  it("writes sections in Proxmox's order with sorted options, aliases, ipsets and groups", () => {
    const text = printFw(
      config({
        options: { policy_in: "DROP", enable: "1" },
        aliases: [
          { name: "zeta", cidr: "10.0.0.9" },
          { name: "Alpha", cidr: "10.0.0.1", comment: "first" },
        ],
        ipsets: [
          { name: "web", entries: [] },
          { name: "MySet", comment: "mine", entries: [{ cidr: "10.0.0.1" }] },
        ],
        rules: [{ type: "in", action: "ACCEPT" }],
        groups: [
          { name: "zz", rules: [] },
          { name: "db", comment: "database", rules: [{ type: "in", action: "DROP", iface: "eth0" }] },
        ],
      }),
      "cluster",
    );
    expect(text).toBe(
      [
        "[OPTIONS]",
        "",
        "enable: 1",
        "policy_in: DROP",
        "",
        "[ALIASES]",
        "",
        "Alpha 10.0.0.1 # first",
        "zeta 10.0.0.9",
        "",
        "[IPSET MySet] # mine",
        "",
        "10.0.0.1",
        "",
        "[IPSET web]",
        "",
        "",
        "[RULES]",
        "",
        "IN ACCEPT",
        "",
        "[group db] # database",
        "",
        "IN DROP",
        "",
        "[group zz]",
        "",
        "",
        "",
      ].join("\n"),
    );
  });

  it("writes only the sections a kind holds", () => {
    const c = config({
      options: { enable: "1" },
      aliases: [{ name: "a", cidr: "10.0.0.1" }],
      ipsets: [{ name: "s1", entries: [] }],
      rules: [{ type: "forward", action: "ACCEPT" }],
      groups: [{ name: "g1", rules: [] }],
    });
    expect(printFw(c, "host")).toBe("[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nFORWARD ACCEPT\n\n");
    expect(printFw(c, "vnet")).toBe(printFw(c, "host"));
    expect(printFw(c, "guest")).toBe(
      "[OPTIONS]\n\nenable: 1\n\n[ALIASES]\n\na 10.0.0.1\n\n[IPSET s1]\n\n\n[RULES]\n\nFORWARD ACCEPT\n\n",
    );
  });

  it("writes rule options single-dashed in Proxmox's order", () => {
    const rule: RuleFields = {
      comment: "all",
      "icmp-type": "echo-request",
      log: "debug",
      sport: "1",
      dport: "2",
      proto: "icmp",
      dest: "d",
      source: "s",
      iface: "vmbr0",
      macro: "Ping",
      action: "ACCEPT",
      type: "in",
      enable: 0,
    };
    expect(rulesText([rule])).toBe(
      "[RULES]\n\n|IN Ping(ACCEPT) -i vmbr0 -source s -dest d -p icmp -dport 2 -sport 1 -log debug -icmp-type echo-request # all\n\n",
    );
  });

  it("leaves out Perl-false values, blank comments and the `|` of enabled or unset rules", () => {
    expect(
      rulesText([
        { type: "in", action: "ACCEPT", enable: 2, dport: "0", sport: "", "icmp-type": "0", comment: "  " },
        { type: "out", action: "DROP", macro: "0", comment: "0" },
      ]),
    ).toBe("[RULES]\n\nIN ACCEPT -icmp-type 0\nOUT DROP\n\n");
  });

  it("writes GROUP rules with only the name, -i and comment (a macro stays glued to the name)", () => {
    expect(
      rulesText([
        { type: "group", action: "web", macro: "M", iface: "net0", source: "s", proto: "tcp", enable: 1, comment: "c" },
      ]),
    ).toBe("[RULES]\n\nGROUP M(web) -i net0 # c\n\n");
  });

  it("drops -i inside security groups", () => {
    const text = printFw(
      config({ groups: [{ name: "g1", rules: [{ type: "in", action: "DROP", iface: "net0" }] }] }),
      "cluster",
    );
    expect(text).toBe("[group g1]\n\nIN DROP\n\n");
  });

  it("sorts ipset entries by cidr text, drops repeats (first wins) and marks nomatch", () => {
    const text = printFw(
      config({
        ipsets: [
          {
            name: "s1",
            entries: [
              { cidr: "10.0.0.2", comment: "two" },
              { cidr: "10.0.0.10", nomatch: true },
              { cidr: "10.0.0.2", comment: "again" },
              { cidr: "10.0.0.1/32", nomatch: 0, comment: "0" },
              { cidr: "2001:db8::1", nomatch: 1 },
            ],
          },
        ],
      }),
      "guest",
    );
    expect(text).toBe("[IPSET s1]\n\n10.0.0.1/32\n!10.0.0.10\n10.0.0.2 # two\n!2001:db8::1\n\n");
  });

  it("sorts by UTF-8 bytes, not UTF-16 units, when names hold astral characters", () => {
    const text = printFw(
      config({ ipsets: [{ name: "s1", entries: [{ cidr: "x😀" }, { cidr: "x\ufffd" }, { cidr: "x" }] }] }),
      "guest",
    );
    expect(text).toBe("[IPSET s1]\n\nx\nx\ufffd\nx😀\n\n");
  });

  it("collapses aliases with one lower-cased name, and ipsets with one name, to the last one", () => {
    const text = printFw(
      config({
        aliases: [
          { name: "Web", cidr: "10.0.0.1" },
          { name: "web", cidr: "10.0.0.2" },
        ],
        ipsets: [
          { name: "s1", entries: [{ cidr: "1.1.1.1" }] },
          { name: "s1", entries: [{ cidr: "2.2.2.2" }] },
        ],
      }),
      "cluster",
    );
    expect(text).toBe("[ALIASES]\n\nweb 10.0.0.2\n\n[IPSET s1]\n\n2.2.2.2\n\n");
  });
});
