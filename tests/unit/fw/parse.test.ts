import { hasCode } from "../../../provider/errors";
import { parseFw, parseFwStrict } from "../../../provider/fw";

const rulesOf = (text: string) => parseFw(`[RULES]\n${text}`, "cluster");

describe("parseFw", () => {
  it("reads rule lines with macros, all options, `|` and comments", () => {
    const { config, diagnostics } = rulesOf(
      [
        "|IN SSH(ACCEPT) -i net0 -source +mgmt -dest 10.0.0.1 -p tcp -dport 22 -sport 1024:65535 -log info # admin",
        "out DROP --source a --dest b --proto udp --dport 53 --sport 53 --log nolog --icmp-type any",
        "FORWARD ACCEPT -proto icmp -icmp-type echo-request #",
      ].join("\n"),
    );
    expect(diagnostics).toEqual([]);
    expect(config.rules).toEqual([
      {
        type: "in",
        action: "ACCEPT",
        macro: "SSH",
        enable: 0,
        iface: "net0",
        source: "+mgmt",
        dest: "10.0.0.1",
        proto: "tcp",
        dport: "22",
        sport: "1024:65535",
        log: "info",
        comment: "admin",
      },
      {
        type: "out",
        action: "DROP",
        enable: 1,
        source: "a",
        dest: "b",
        proto: "udp",
        dport: "53",
        sport: "53",
        log: "nolog",
        "icmp-type": "any",
      },
      { type: "forward", action: "ACCEPT", enable: 1, proto: "icmp", "icmp-type": "echo-request", comment: "" },
    ]);
  });

  it("keeps what only verify_rule rejects (unknown actions, macros, addresses, repeated options)", () => {
    const { config, diagnostics } = rulesOf(
      "IN accept -source 10.0.0.1/24 -dport 99999 -dport 80\nIN Foo(DROP)\nIN ssh(accept)",
    );
    expect(diagnostics).toEqual([]);
    expect(config.rules).toEqual([
      { type: "in", action: "accept", enable: 1, source: "10.0.0.1/24", dport: "80" },
      { type: "in", action: "DROP", macro: "Foo", enable: 1 },
      { type: "in", action: "ssh(accept)", enable: 1 },
    ]);
  });

  it("keeps a GROUP line's name whole and takes only -i", () => {
    const { config } = rulesOf("GROUP web(ACCEPT) # c\n|group Web -i vmbr0");
    expect(config.rules).toEqual([
      { type: "group", action: "web(ACCEPT)", enable: 1, comment: "c" },
      { type: "group", action: "Web", enable: 0, iface: "vmbr0" },
    ]);
  });

  it("reads aliases, strips /32 and /128 and keys them by lower-cased name", () => {
    const { config, diagnostics } = parseFw(
      "[ALIASES]\nOffice 192.168.1.77/24 # office net\nhost1 10.0.0.1/32\nv6 2001:DB8::1/128 #  0 \noffice 10.9.9.9",
      "guest",
    );
    expect(diagnostics).toEqual([]);
    expect(config.aliases).toEqual([
      { name: "office", cidr: "10.9.9.9" },
      { name: "host1", cidr: "10.0.0.1" },
      { name: "v6", cidr: "2001:DB8::1" },
    ]);
  });

  it("reads ipset entries with nomatch and comments, keeping duplicates, aliases and bad addresses", () => {
    const { config, diagnostics } = parseFw(
      "[IPSET Mgmt] # admins\n! 10.0.0.0/8 # not all\n10.0.0.5/32\n10.0.0.5\nsrv # 0\ndc/srv\n10.0.0.300\n0.0.0.0/0",
      "cluster",
    );
    expect(diagnostics).toEqual([]);
    expect(config.ipsets).toEqual([
      {
        name: "mgmt",
        comment: "admins",
        entries: [
          { cidr: "10.0.0.0/8", nomatch: 1, comment: "not all" },
          { cidr: "10.0.0.5" },
          { cidr: "10.0.0.5" },
          { cidr: "srv" },
          { cidr: "dc/srv" },
          { cidr: "10.0.0.300" },
          { cidr: "0.0.0.0/0" },
        ],
      },
    ]);
  });

  it("lower-cases ipset and group names and lets a later same-name section replace the earlier one", () => {
    const { config } = parseFw(
      [
        "[IPSET MANAGEMENT] # first",
        "10.0.0.1",
        "[ipset management]",
        "10.0.0.2",
        "[group Web] # old",
        "IN ACCEPT",
        "[GROUP web] # new",
        "OUT DROP",
      ].join("\n"),
      "cluster",
    );
    expect(config.ipsets).toEqual([{ name: "management", comment: "first", entries: [{ cidr: "10.0.0.2" }] }]);
    expect(config.groups).toEqual([
      { name: "web", comment: "new", rules: [{ type: "out", action: "DROP", enable: 1 }] },
    ]);
  });

  it("normalises options per kind: lower-case keys, 0/1 flags, integers, upper-case policies", () => {
    const cluster = parseFw("[options]\nENABLE: 007\nPolicy_In: drop\nlog_ratelimit: enable=0\nebtables:0", "cluster");
    expect(cluster.config.options).toEqual({
      enable: "7",
      policy_in: "DROP",
      log_ratelimit: "enable=0",
      ebtables: "0",
    });
    const host = parseFw("[OPTIONS]\nlog_level_in:\nnf_conntrack_helpers: FTP,sip\nnf_conntrack_max: 065536", "host");
    expect(host.config.options).toEqual({
      log_level_in: "",
      nf_conntrack_helpers: "ftp,sip",
      nf_conntrack_max: "65536",
    });
    const guest = parseFw("[OPTIONS]\nmacfilter: 0\nlog_level_out: INFO\nips_queues: 2:3\npolicy_out: reject", "guest");
    expect(guest.config.options).toEqual({
      macfilter: "0",
      log_level_out: "info",
      ips_queues: "2:3",
      policy_out: "REJECT",
    });
    const vnet = parseFw("[OPTIONS]\nenable: 1\npolicy_forward: drop\nlog_level_forward: Debug", "vnet");
    expect(vnet.config.options).toEqual({ enable: "1", policy_forward: "DROP", log_level_forward: "debug" });
  });

  it("ignores comment lines, blank lines and blanks around lines", () => {
    const { config, diagnostics } = parseFw("# header\n\n  \t[RULES]  \n   # note\n\tIN ACCEPT -p tcp  \n", "host");
    expect(diagnostics).toEqual([]);
    expect(config.rules).toEqual([{ type: "in", action: "ACCEPT", enable: 1, proto: "tcp" }]);
  });

  it("returns an empty config for an empty file", () => {
    expect(parseFw("", "cluster")).toEqual({
      config: { options: {}, aliases: [], ipsets: [], rules: [], groups: [] },
      diagnostics: [],
    });
  });

  describe("bad lines", () => {
    const cases: [string, string, import("../../../provider/fw").FwFileKind, string][] = [
      ["a line before any section", "IN ACCEPT", "cluster", "skip line - no section"],
      ["a rule without action", "[RULES]\nIN", "cluster", "unable to parse rule: IN"],
      ["a rule with a blank after `|`", "[RULES]\n| IN ACCEPT", "cluster", "unable to parse rule:  IN ACCEPT"],
      ["an unknown rule type", "[RULES]\nINPUT ACCEPT", "cluster", "unknown rule type 'INPUT'"],
      ["an unknown rule option", "[RULES]\nIN ACCEPT -x 1", "cluster", "unable to parse rule parameters: -x 1"],
      ["an unknown log level", "[RULES]\nIN ACCEPT -log loud", "cluster", "unable to parse rule parameters: -log loud"],
      [
        "an option with a tab separator",
        "[RULES]\nIN ACCEPT -p\ttcp",
        "cluster",
        "unable to parse rule parameters: -p\ttcp",
      ],
      [
        "a GROUP line with more than -i",
        "[RULES]\nGROUP web -source 1.2.3.4",
        "cluster",
        "unable to parse rule parameters: -source 1.2.3.4",
      ],
      ["an unknown option", "[OPTIONS]\nfoo: 1", "cluster", "can't parse option 'foo: 1'"],
      ["a flag that is not 0/1", "[OPTIONS]\nenable: 2", "host", "can't parse option 'enable: 2'"],
      ["an option of another kind", "[OPTIONS]\npolicy_in: DROP", "vnet", "can't parse option 'policy_in: DROP'"],
      [
        "a case-variant log_ratelimit",
        "[OPTIONS]\nLOG_RATELIMIT: x",
        "cluster",
        "can't parse option 'LOG_RATELIMIT: x'",
      ],
      [
        "an unknown conntrack helper",
        "[OPTIONS]\nnf_conntrack_helpers: ftp,foo",
        "host",
        "option 'nf_conntrack_helpers': unknown helper 'foo'",
      ],
      [
        "a trailing comma in helpers",
        "[OPTIONS]\nnf_conntrack_helpers: ftp,",
        "host",
        "option 'nf_conntrack_helpers': extraneous commas in list",
      ],
      ["an alias without address", "[ALIASES]\nlonely", "cluster", "unable to parse alias: lonely"],
      ["an alias with two blanks", "[ALIASES]\na  10.0.0.1", "cluster", "unable to parse alias: a  10.0.0.1"],
      [
        "an alias with a bad address",
        "[ALIASES]\na 10.0.0.300",
        "cluster",
        "alias 'a': value does not look like a valid IP address or CIDR network",
      ],
      [
        "an ipset line with two words",
        "[IPSET s1]\n10.0.0.1 10.0.0.2",
        "cluster",
        "unable to parse ipset entry: 10.0.0.1 10.0.0.2",
      ],
      ["an invalid ipset name", "[IPSET 1set]", "cluster", "invalid ipset name '1set'"],
      ["a too long group name", "[group abcdefghijklmnopqrs]", "cluster", "security group name too long"],
      ["an unknown section", "[VNET v1]", "vnet", "unknown section header '[VNET v1]'"],
      ["aliases in a host file", "[ALIASES]", "host", "section '[ALIASES]' is not allowed in a host file"],
      ["an ipset in a vnet file", "[IPSET s]", "vnet", "section '[IPSET s]' is not allowed in a vnet file"],
      ["a group in a guest file", "[group web]", "guest", "section '[group web]' is not allowed in a guest file"],
      ["a header with trailing text", "[RULES] # x", "cluster", "unknown section header '[RULES] # x'"],
      ["a CRLF header", "[RULES]\r", "cluster", "unknown section header '[RULES]\r'"],
    ];
    it.each(cases)("fails on %s, reporting its line number", (_what, text, kind, message) => {
      const lines = text.split("\n").length;
      const { diagnostics } = parseFw(`# lead\n${text}`, kind);
      expect(diagnostics).toEqual([{ line: lines + 1, message }]);
    });

    it("fails every line of a section whose header was invalid, and keeps the rest of the file", () => {
      const { config, diagnostics } = parseFw("[IPSET 9x]\n10.0.0.1\n\n[RULES]\nIN ACCEPT", "cluster");
      expect(diagnostics.map((d) => d.line)).toEqual([1, 2]);
      expect(diagnostics[1]!.message).toBe("skip line - no section");
      expect(config.rules).toHaveLength(1);
      expect(config.ipsets).toEqual([]);
    });
  });
});

describe("parseFwStrict", () => {
  it("returns the config of a clean file", () => {
    expect(parseFwStrict("[RULES]\nIN DROP", "host").rules).toEqual([{ type: "in", action: "DROP", enable: 1 }]);
  });

  it("fails with FwParseError on the first bad line, naming file and line", () => {
    const run = () => parseFwStrict("[RULES]\nIN ACCEPT\nIN\nnope", "host", "nodes/pve1/host.fw");
    expect(run).toThrow("nodes/pve1/host.fw line 3: unable to parse rule: IN");
    try {
      run();
    } catch (e) {
      expect(hasCode(e, "FW_PARSE")).toBe(true);
      expect((e as { line: number }).line).toBe(3);
    }
  });

  it("fails naming the kind's file when no file name is given", () => {
    expect(() => parseFwStrict("x", "vnet")).toThrow("vnet.fw line 1: skip line - no section");
  });
});
