import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type FwFileKind, parseFw, printFw } from "../../../provider/fw";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

describe("real-world files", () => {
  const files: [string, FwFileKind][] = [
    ["cluster.fw", "cluster"],
    ["host.fw", "host"],
    ["100.fw", "guest"],
    ["vnet1.fw", "vnet"],
  ];
  it.each(files)("parses %s cleanly and prints it stably", (name, kind) => {
    const { config, diagnostics } = parseFw(fixture(name), kind);
    expect(diagnostics).toEqual([]);
    const text = printFw(config, kind);
    expect(printFw(parseFw(text, kind).config, kind)).toBe(text);
  });

  it("rewrites cluster.fw the way Proxmox's save_clusterfw_conf does", () => {
    const { config } = parseFw(fixture("cluster.fw"), "cluster");
    expect(printFw(config, "cluster")).toBe(`[OPTIONS]

ebtables: 0
enable: 1
log_ratelimit: enable=1,rate=1/second,burst=5
policy_in: DROP
policy_out: ACCEPT

[ALIASES]

backup_srv 10.20.0.5
dns6 2001:db8::53
local_network 10.0.0.0/8 # all internal
Office 192.168.1.77/24 # office net

[IPSET blacklist]

198.51.100.0/24
203.0.113.7

[IPSET management] # admin workstations

!10.0.0.0/8 # not the whole net
10.0.0.5
192.168.1.0/24
2001:db8::1 # v6 host

[RULES]

IN ACCEPT -source +management -p tcp -dport 8006 -log info # web ui
IN SSH(ACCEPT) -source +management
|OUT DROP -dest backup_srv -p udp -dport 9000:9010
IN DROP -source +blacklist -log warning
GROUP webtier # shared web rules
FORWARD ACCEPT -i vmbr0 -p icmp -icmp-type echo-request

[group db]

IN ACCEPT -source 10.1.0.0/16 -p tcp -dport 5432

[group webtier] # web tier

IN HTTP(ACCEPT)
IN HTTPS(ACCEPT)
|IN ACCEPT -p tcp -dport 8080 # staging

`);
  });

  it("reads the guest file's options, alias, ipfilter set and rules", () => {
    const { config } = parseFw(fixture("100.fw"), "guest");
    expect(config.options).toEqual({
      enable: "1",
      dhcp: "0",
      macfilter: "0",
      ipfilter: "1",
      policy_in: "DROP",
      log_level_in: "nolog",
    });
    expect(config.aliases).toEqual([{ name: "app", cidr: "10.10.0.10" }]);
    expect(config.ipsets).toEqual([{ name: "ipfilter-net0", entries: [{ cidr: "10.10.0.10" }, { cidr: "fe80::1" }] }]);
    expect(config.rules.map((r) => [r.type, r.macro ?? "", r.action, r.enable])).toEqual([
      ["in", "", "ACCEPT", 1],
      ["in", "Ping", "ACCEPT", 1],
      ["out", "", "REJECT", 0],
      ["group", "", "webtier", 1],
    ]);
  });

  it("reads the host file's options and the vnet file's forward rules", () => {
    expect(parseFw(fixture("host.fw"), "host").config.options).toEqual({
      enable: "1",
      nosmurfs: "1",
      tcpflags: "1",
      log_level_in: "info",
      nf_conntrack_max: "524288",
      nf_conntrack_helpers: "ftp,tftp",
      protection_synflood: "1",
    });
    const vnet = parseFw(fixture("vnet1.fw"), "vnet").config;
    expect(vnet.options).toEqual({ enable: "1", policy_forward: "DROP", log_level_forward: "info" });
    expect(vnet.rules.map((r) => r.type)).toEqual(["forward", "forward", "group"]);
  });

  it("reports the cluster-only sections of cluster.fw when it is read as a host file", () => {
    const { config, diagnostics } = parseFw(fixture("cluster.fw"), "host");
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        line: 10,
        message: "'[ALIASES]' is not a section header of a host file: can't parse option '[ALIASES]'",
      }),
    );
    expect(diagnostics).toContainEqual(
      expect.objectContaining({ line: 5, message: "can't parse option 'policy_in: DROP'" }),
    );
    expect(config.options).toEqual({ enable: "1" });
    // As in Proxmox, lines after an unaccepted header stay in the current section: the group's
    // rules land in [RULES].
    expect(config.rules).toHaveLength(10);
    expect(config.aliases).toEqual([]);
  });
});

describe("a 10,000-entry ipset", () => {
  it("round-trips with entries in byte order", () => {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) lines.push(`10.${(i >> 8) & 255}.${i & 255}.${i % 7}/32 # host ${i}`);
    const { config, diagnostics } = parseFw(`[IPSET big]\n${lines.join("\n")}\n`, "cluster");
    expect(diagnostics).toEqual([]);
    expect(config.ipsets[0]!.entries).toHaveLength(10_000);
    const text = printFw(config, "cluster");
    const cidrs = text
      .split("\n")
      .slice(2, -2)
      .map((l) => l.split(" ")[0]!);
    expect(cidrs).toEqual([...cidrs].sort());
    expect(printFw(parseFw(text, "cluster").config, "cluster")).toBe(text);
  });
});
