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

  it("reads ipset entries with nomatch and comments, keeping duplicates, aliases and bad addresses with errors", () => {
    const { config, diagnostics } = parseFw(
      "[ALIASES]\nsrv 10.0.0.9\n[IPSET Mgmt] # admins\n! 10.0.0.0/8 # not all\n10.0.0.5/32\n10.0.0.5\nsrv # 0\ndc/srv\nDC/srv\n10.0.0.300\n0.0.0.0/0",
      "cluster",
    );
    expect(config.ipsets).toEqual([
      {
        name: "mgmt",
        comment: "admins",
        entries: [
          { cidr: "10.0.0.0/8", nomatch: 1, comment: "not all" },
          { cidr: "10.0.0.5" },
          { cidr: "10.0.0.5", errors: { cidr: "duplicate ipset entry for '10.0.0.5'" } },
          { cidr: "srv" },
          { cidr: "dc/srv" },
          { cidr: "DC/srv", errors: { cidr: "value does not look like a valid IP address or CIDR network" } },
          { cidr: "10.0.0.300", errors: { cidr: "value does not look like a valid IP address or CIDR network" } },
          { cidr: "0.0.0.0/0", errors: { cidr: "a zero prefix is not allowed in ipset entries\n" } },
        ],
      },
    ]);
    expect(diagnostics.map((d) => [d.line, d.effect, d.message])).toEqual([
      [6, "kept", "ipset 'mgmt': entry '10.0.0.5': duplicate ipset entry for '10.0.0.5'"],
      [9, "kept", "ipset 'mgmt': entry 'DC/srv': value does not look like a valid IP address or CIDR network"],
      [10, "kept", "ipset 'mgmt': entry '10.0.0.300': value does not look like a valid IP address or CIDR network"],
      [11, "kept", "ipset 'mgmt': entry '0.0.0.0/0': a zero prefix is not allowed in ipset entries"],
    ]);
  });

  it("keeps an ipset line it cannot parse as an entry without cidr, nomatch from Perl's stale $1", () => {
    const { config, diagnostics } = parseFw(
      "[IPSET s1]\n10.0.0.1 10.0.0.2\n10.0.0.3 10.0.0.4 # c\n10.0.0.5 10.0.0.6 # 0\n10.0.0.7 10.0.0.8 #",
      "cluster",
    );
    const error = { cidr: "value does not look like a valid IP address or CIDR network" };
    expect(config.ipsets[0]!.entries).toEqual([
      { cidr: "", nomatch: 1, errors: error },
      { cidr: "", nomatch: 1, comment: "c", errors: error },
      { cidr: "", errors: error },
      { cidr: "", errors: error },
    ]);
    expect(diagnostics[0]).toEqual({
      file: "cluster.fw",
      line: 2,
      text: "10.0.0.1 10.0.0.2",
      message: "ipset 's1': an entry without cidr: value does not look like a valid IP address or CIDR network",
      effect: "kept",
    });
  });

  it("checks alias entries against the aliases read so far, and a guest file's against the cluster's", () => {
    const cluster = parseFw(
      "[IPSET early]\ndc/office\n[ALIASES]\noffice 10.0.0.1\n[IPSET late]\nguest/OFFICE",
      "cluster",
    );
    expect(cluster.config.ipsets.map((s) => s.entries)).toEqual([
      [{ cidr: "dc/office", errors: { cidr: "no such alias 'office'" } }],
      [{ cidr: "guest/OFFICE" }],
    ]);
    const text = "[ALIASES]\nmine 10.0.0.2\n[IPSET gs]\ndc/office\nguest/office\noffice\nmine\ndc/mine\nguest/mine";
    const guest = parseFw(text, "guest", "firewall/100.fw", cluster.config);
    expect(guest.config.ipsets[0]!.entries.map((e) => e.errors?.cidr)).toEqual([
      undefined,
      "no such alias 'office'",
      undefined,
      undefined,
      "no such alias 'mine'",
      undefined,
    ]);
    const alone = parseFw(text, "guest");
    expect(alone.config.ipsets[0]!.entries.map((e) => e.errors?.cidr)).toEqual([
      undefined,
      "no such alias 'office'",
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("keeps an alias line it cannot parse as the nameless alias", () => {
    const { config, diagnostics } = parseFw("[ALIASES]\nlonely # c\na  10.0.0.1\nb 10.0.0.2\nc 10.0.0.3\r", "cluster");
    expect(config.aliases).toEqual([
      { name: "", cidr: "" },
      { name: "b", cidr: "10.0.0.2" },
    ]);
    expect(diagnostics.map((d) => [d.line, d.effect, d.message])).toEqual([
      [2, "kept", "unable to parse alias; Proxmox keeps a nameless alias in its place"],
      [3, "kept", "unable to parse alias; Proxmox keeps a nameless alias in its place"],
      [5, "kept", "unable to parse alias; Proxmox keeps a nameless alias in its place"],
    ]);
  });

  it("reads a CRLF header as a line of the open section, not as a header", () => {
    const { config, diagnostics } = parseFw(
      "[OPTIONS]\r\nenable: 1\r\n[IPSET s1]\r\n10.0.0.1\r\n[RULES]\r\nIN ACCEPT -p tcp\r\n",
      "cluster",
    );
    expect(config.options).toEqual({});
    expect(config.rules).toEqual([]);
    const error = { cidr: "value does not look like a valid IP address or CIDR network" };
    expect(config.ipsets).toEqual([
      {
        name: "s1",
        entries: [{ cidr: "10.0.0.1" }, { cidr: "[RULES]", errors: error }, { cidr: "", nomatch: 1, errors: error }],
      },
    ]);
    expect(diagnostics.map((d) => [d.line, d.effect, d.message])).toEqual([
      [
        1,
        "dropped",
        "'[OPTIONS]\\r' is not a section header (it ends with a carriage return: the file has CRLF line endings): skip line - no section",
      ],
      [2, "dropped", "skip line - no section"],
      [
        5,
        "kept",
        "'[RULES]\\r' is not a section header (it ends with a carriage return: the file has CRLF line endings): ipset 's1': entry '[RULES]': value does not look like a valid IP address or CIDR network",
      ],
      [6, "kept", "ipset 's1': an entry without cidr: value does not look like a valid IP address or CIDR network"],
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
      [
        "an alias with a bad address",
        "[ALIASES]\na 10.0.0.300",
        "cluster",
        "alias 'a': value does not look like a valid IP address or CIDR network",
      ],
      ["an invalid ipset name", "[IPSET 1set]", "cluster", "invalid ipset name '1set'"],
      ["a too long group name", "[group abcdefghijklmnopqrs]", "cluster", "security group name too long"],
      [
        "an unknown section",
        "[VNET v1]",
        "vnet",
        "'[VNET v1]' is not a section header of a vnet file: skip line - no section",
      ],
      [
        "aliases in a host file",
        "[RULES]\n[ALIASES]",
        "host",
        "'[ALIASES]' is not a section header of a host file: unable to parse rule: [ALIASES]",
      ],
      [
        "an ipset in a vnet file",
        "[OPTIONS]\n[IPSET s]",
        "vnet",
        "'[IPSET s]' is not a section header of a vnet file: can't parse option '[IPSET s]'",
      ],
      [
        "a group in a guest file",
        "[group web]",
        "guest",
        "'[group web]' is not a section header of a guest file: skip line - no section",
      ],
      [
        "a header with trailing text",
        "[RULES] # x",
        "cluster",
        "'[RULES] # x' is not a section header of a cluster file: skip line - no section",
      ],
      [
        "a CRLF header",
        "[RULES]\r",
        "cluster",
        "'[RULES]\\r' is not a section header (it ends with a carriage return: the file has CRLF line endings): skip line - no section",
      ],
    ];
    it.each(cases)("fails on %s, reporting its file, line and text", (_what, text, kind, message) => {
      const lines = text.split("\n");
      const { diagnostics } = parseFw(`# lead\n${text}`, kind);
      const last = lines[lines.length - 1]!;
      expect(diagnostics).toEqual([
        { file: `${kind}.fw`, line: lines.length + 1, text: last, message, effect: "dropped" },
      ]);
    });

    it("names the file it was given", () => {
      expect(parseFw("x", "host", "nodes/pve1/host.fw").diagnostics[0]!.file).toBe("nodes/pve1/host.fw");
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
