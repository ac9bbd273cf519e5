import { configsFromTexts } from "../../../provider/policy/configs";
import {
  CODES,
  exitCodeFor,
  type Finding,
  formatFinding,
  type LintFile,
  lintConfigs,
  lintFiles,
  roleOf,
} from "../../../provider/policy/lint/index";
import { readTopology } from "../../../provider/policy/topology";

const NOW = 1_800_000_000;
const cluster = (text: string): LintFile => ({ path: "firewall/cluster.fw", role: { kind: "cluster" }, text });
const guest = (vmid: string, text: string): LintFile => ({
  path: `firewall/${vmid}.fw`,
  role: { kind: "guest", vmid },
  text,
});
const host = (node: string, text: string): LintFile => ({
  path: `nodes/${node}/host.fw`,
  role: { kind: "host", node },
  text,
});
const ON = "[OPTIONS]\nenable: 1\n";

function lint(files: LintFile[], topology?: Parameters<typeof readTopology>[0]): Finding[] {
  return lintFiles(files, { nowSec: NOW, ...(topology ? { topology: readTopology(topology) } : {}) });
}

function only(findings: Finding[], code: string): Finding[] {
  return findings.filter((f) => f.code === code);
}

describe("lint codes", () => {
  it("reports a line Proxmox skips with its line, the reason and a fix (PVEFW001)", () => {
    const [f] = only(lint([cluster(`${ON}bogus: 1\n[RULES]\nIN ACCEPT -p tcp -dport 22 -x y\n`)]), "PVEFW001");
    expect(f).toEqual({
      code: "PVEFW001",
      name: "skipped-line",
      severity: "error",
      file: "firewall/cluster.fw",
      line: 3,
      scope: "cluster",
      message: "Proxmox skips this line: can't parse option 'bogus: 1'",
      fix: "use an option Proxmox knows for this file, written as `key: value`",
    });
  });

  it("reports CRLF line ends once per file (PVEFW002)", () => {
    const f = only(lint([cluster("[OPTIONS]\r\nenable: 1\r\n")]), "PVEFW002");
    expect(f).toEqual([
      expect.objectContaining({ line: 1, severity: "error", message: expect.stringContaining("2 lines end in CRLF") }),
    ]);
  });

  it("warns that a repeated [IPSET] section discards the earlier one, and notes a repeated [RULES] (PVEFW003)", () => {
    const f = only(lint([cluster(`${ON}[IPSET ab]\n10.0.0.1\n[IPSET ab]\n10.0.0.2\n[RULES]\n[RULES]\n`)]), "PVEFW003");
    expect(f.map((x) => [x.line, x.severity])).toEqual([
      [5, "warning"],
      [8, "info"],
    ]);
  });

  it("reports a file that cannot be read (PVEFW004) and a name that says nothing (PVEFW005)", () => {
    const f = lint([
      { path: "missing.fw", role: { kind: "cluster" }, error: "ENOENT" },
      { path: "rules.txt", role: { kind: "cluster" }, guessed: true, text: ON },
    ]);
    expect(f.map((x) => x.code)).toEqual(["PVEFW004", "PVEFW005"]);
  });

  it("reports a rule Proxmox keeps but never applies, with every field's reason (PVEFW010)", () => {
    const [f] = only(lint([cluster(`${ON}[RULES]\nIN accept -dport 22\n`)]), "PVEFW010");
    expect(f).toMatchObject({
      line: 4,
      scope: "cluster rules[0]",
      message:
        "Proxmox skips `IN accept -dport 22`: action: unknown action 'accept'; proto: missing property - 'dport' requires this property; dport: protocol '' does not support ports",
    });
  });

  it("downgrades the errors of a disabled rule to info", () => {
    const [f] = only(lint([cluster(`${ON}[RULES]\n|IN accept\n`)]), "PVEFW010");
    expect(f?.severity).toBe("info");
  });

  it("reports a rule that passes Proxmox's checks but fails to compile (PVEFW012)", () => {
    const [f] = only(lint([cluster(`${ON}[ALIASES]\nxy 10.0.0.1\n[RULES]\nIN ACCEPT -source guest/xy\n`)]), "PVEFW012");
    expect(f?.message).toContain("no such alias 'guest/xy'");
  });

  it("reports references to a missing IPSet (PVEFW020), alias (PVEFW021) and group (PVEFW022)", () => {
    const f = lint([
      cluster(`${ON}[RULES]\nIN ACCEPT -source +nope\nIN ACCEPT -dest nope\nGROUP Web\n[group web]\nIN DROP\n`),
    ]);
    expect(f.filter((x) => x.code.startsWith("PVEFW02")).map((x) => [x.code, x.line])).toEqual([
      ["PVEFW020", 4],
      ["PVEFW021", 5],
      ["PVEFW022", 6],
    ]);
    expect(only(f, "PVEFW022")[0]?.fix).toBe("write the name in lower case: GROUP web");
  });

  it("explains a reference to an object defined further down the file (PVEFW023)", () => {
    const f = only(lint([guest("100", `${ON}[RULES]\nIN ACCEPT -source +late\n[IPSET late]\n10.0.0.1\n`)]), "PVEFW023");
    expect(f).toEqual([expect.objectContaining({ line: 4, fix: expect.stringContaining("above [RULES]") })]);
  });

  it("reports a macro with a conflicting port (PVEFW030) and notes a redundant one (PVEFW031)", () => {
    const f = lint([cluster(`${ON}[RULES]\nIN SSH(ACCEPT) -p tcp -dport 2222\nIN SSH(ACCEPT) -p tcp\n`)]);
    expect(f.filter((x) => x.code.startsWith("PVEFW03")).map((x) => [x.code, x.line, x.severity])).toEqual([
      ["PVEFW030", 4, "error"],
      ["PVEFW031", 5, "info"],
    ]);
  });

  it("reports a rule shadowed by an earlier broader one (PVEFW040)", () => {
    const [f] = only(
      lint([cluster(`${ON}[RULES]\nIN DROP -p tcp -dport 20:30\nIN ACCEPT -source 10.0.0.0/8 -p tcp -dport 22\n`)]),
      "PVEFW040",
    );
    expect(f).toMatchObject({ line: 5, fix: "move the more specific rule above the broader one" });
    expect(f?.message).toContain("rule 0 (line 4)");
  });

  it("sees through macros and aliases when comparing rules", () => {
    const f = lint([
      cluster(
        `${ON}[ALIASES]\nnet 10.0.0.0/8\n[RULES]\nIN ACCEPT -source net -p tcp\nIN SSH(ACCEPT) -source 10.1.0.0/16\n`,
      ),
    ]);
    expect(only(f, "PVEFW040").map((x) => x.line)).toEqual([7]);
  });

  it("does not call a rule shadowed when the earlier one covers only part of it", () => {
    const f = lint([
      cluster(`${ON}[RULES]\nIN ACCEPT -source 10.0.0.0/16 -p tcp\nIN DROP -source 10.0.0.0/8 -p tcp\n`),
    ]);
    expect(only(f, "PVEFW040")).toEqual([]);
  });

  it("reports an exact duplicate (PVEFW041) and rules after a catch-all (PVEFW042)", () => {
    const f = lint([
      cluster(`${ON}[RULES]\nOUT ACCEPT -p tcp -dport 80\nOUT ACCEPT -p tcp -dport 80\nOUT DROP\nOUT ACCEPT -p udp\n`),
    ]);
    expect(f.filter((x) => x.code.startsWith("PVEFW04")).map((x) => [x.code, x.line])).toEqual([
      ["PVEFW041", 5],
      ["PVEFW042", 7],
    ]);
  });

  it("reports a cluster rule a node's host rule shadows, naming the node's rule", () => {
    const f = lint([cluster(`${ON}[RULES]\nIN ACCEPT -p tcp -dport 443\n`), host("pve1", "[RULES]\nIN DROP -p tcp\n")]);
    expect(only(f, "PVEFW040")[0]?.message).toContain("host/pve1 rule 0");
  });

  it("regress-12: keeps quiet about a cluster rule only some nodes' host rules shadow: it filters the others", () => {
    // tryout C F1: the cluster DROP is the only protection on pve2
    const clusterFw = cluster(`${ON}[RULES]\nIN DROP -p tcp -dport 23 # no telnet anywhere\n`);
    const pve1 = host("pve1", "[RULES]\nIN DROP -p tcp -dport 23\n");
    const twoNodes = { nodes: ["pve1", "pve2"] };
    expect(only(lint([clusterFw, pve1, host("pve2", ON)]), "PVEFW041")).toEqual([]);
    expect(only(lint([clusterFw, pve1], twoNodes), "PVEFW041")).toEqual([]);
    const both = lint([clusterFw, pve1, host("pve2", "[RULES]\nIN DROP -p tcp\n")], twoNodes);
    expect(only(both, "PVEFW041").map((x) => x.line)).toEqual([4]);
  });

  it("compares guest rules per NIC (a -i net1 rule is not shadowed by a -i net0 rule)", () => {
    const f = lint([
      guest("100", `${ON}[RULES]\nIN DROP -i net0\nIN ACCEPT -i net1 -p tcp\nIN ACCEPT -i net0 -p tcp\n`),
    ]);
    expect(f.filter((x) => x.code.startsWith("PVEFW04")).map((x) => x.line)).toEqual([6]);
  });

  it("reports rules that are saved but not enforced (PVEFW050)", () => {
    const f = lint(
      [
        cluster(`${ON}[RULES]\nIN ACCEPT -p tcp -dport 22\n`),
        host("pve1", "[OPTIONS]\nenable: 0\n"),
        guest("100", "[RULES]\nIN ACCEPT -p tcp\n"),
        guest("101", `${ON}[RULES]\nIN ACCEPT -p tcp\n`),
        guest("102", `${ON}[RULES]\nIN ACCEPT -i net3 -p tcp\n`),
      ],
      {
        guests: [
          { vmid: 101, type: "qemu", node: "pve1", nics: { net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0" } },
          { vmid: 102, type: "qemu", node: "pve1", nics: { net0: "virtio=BC:24:11:00:00:02,bridge=vmbr0,firewall=1" } },
        ],
      },
    );
    expect(only(f, "PVEFW050").map((x) => x.scope)).toEqual([
      "guest/100 options",
      "guest/101",
      "guest/102 rules[0]",
      "host/pve1 options",
    ]);
  });

  it("reports the whole cluster as not enforced when its firewall is off", () => {
    const f = lint([cluster("[RULES]\nIN ACCEPT -p tcp -dport 22\n")]);
    expect(only(f, "PVEFW050")[0]?.message).toBe(
      "the cluster firewall is off (enable is unset): none of the 1 rules is enforced anywhere",
    );
  });

  it("notes forward rules (PVEFW051) and warns about -i netN on host rules (PVEFW052)", () => {
    const f = lint([cluster(`${ON}[RULES]\nFORWARD ACCEPT\nIN ACCEPT -i net0 -p tcp -dport 80\n`)]);
    expect(f.filter((x) => x.code === "PVEFW051" || x.code === "PVEFW052").map((x) => [x.code, x.severity])).toEqual([
      ["PVEFW051", "info"],
      ["PVEFW052", "warning"],
    ]);
  });

  it("reports a rule that mixes IP versions (PVEFW060), including a line Proxmox drops whole", () => {
    const f = lint([
      cluster(
        `${ON}[ALIASES]\nsix 2001:db8::1\n[RULES]\nIN ACCEPT -source 10.0.0.1 -dest 2001:db8::1\nIN ACCEPT -p icmp -source six\n`,
      ),
    ]);
    expect(only(f, "PVEFW060").map((x) => x.line)).toEqual([6, 7]);
  });

  it("reports IPSet entries that change nothing (PVEFW061) and entries Proxmox skips (PVEFW062)", () => {
    const f = lint([
      cluster(
        `${ON}[IPSET set1]\n10.0.0.0/8\n10.1.0.0/16\n!192.168.0.0/16\n!10.2.0.0/16\n10.2.3.0/24\n10.0.0.0/0\nnope\n`,
      ),
    ]);
    expect(f.filter((x) => x.code.startsWith("PVEFW06")).map((x) => [x.code, x.line])).toEqual([
      ["PVEFW061", 5],
      ["PVEFW061", 6],
      ["PVEFW062", 9],
      ["PVEFW062", 10],
    ]);
  });

  it("reports an IPSet line Proxmox keeps as an error entry once, and a kept nameless alias as unparseable", () => {
    const f = lint([cluster(`${ON}[ALIASES]\nnot an alias\n[IPSET set1]\n192.0.2.20 192.0.2.21\n10.0.0.1\n`)]);
    expect(f.filter((x) => ["PVEFW001", "PVEFW062"].includes(x.code)).map((x) => [x.code, x.line])).toEqual([
      ["PVEFW001", 4],
      ["PVEFW062", 6],
    ]);
    expect(only(f, "PVEFW001")[0]?.message).toMatch(/^Proxmox cannot parse this line: /);
    expect(only(f, "PVEFW062")[0]?.message).toMatch(/keeps an entry without an address/);
  });

  it("warns when a host or cluster DROP shadows the built-in management accepts (PVEFW070)", () => {
    const f = lint([cluster(`${ON}[RULES]\nIN SSH(DROP)\nIN REJECT -p tcp -dport 8000:9000\nIN DROP -p udp\n`)]);
    expect(only(f, "PVEFW070").map((x) => x.message.match(/tcp\/\d+/)?.[0])).toEqual(["tcp/22", "tcp/8006"]);
  });

  it("names the management source a DROP catches, and stops at earlier rules that decide it (PVEFW070)", () => {
    const sets = "[IPSET management]\n192.0.2.0/24\n203.0.113.7\n";
    const drop = (rules: string, topology?: Parameters<typeof readTopology>[0]) =>
      only(lint([cluster(`${ON}${sets}[RULES]\n${rules}`)], topology), "PVEFW070").map((x) => x.message);
    expect(drop("IN DROP -source 203.0.113.0/24\n")).toEqual([
      expect.stringContaining("drops tcp/8006 from 203.0.113.7 before Proxmox's built-in accept"),
    ]);
    // an ACCEPT from +management for 8006 only: 22 still reaches the DROP
    expect(drop("IN ACCEPT -source +management -p tcp -dport 8006\nIN DROP\n", { nodes: ["pve1"] })).toEqual([
      expect.stringContaining("drops tcp/22 from 192.0.2.0/24 before"),
    ]);
    // an earlier ACCEPT that also matches on its destination does not decide every management packet
    expect(drop("IN ACCEPT -source +management -dest 192.0.2.2\nIN DROP -p tcp -dport 22\n")).toHaveLength(1);
    // a nomatch entry cuts a hole in the DROP's set: the management address in it is not dropped
    const holed = "[IPSET scan]\n203.0.113.0/24\n!203.0.113.0/29\n[RULES]\nIN DROP -source +scan\n";
    expect(only(lint([cluster(`${ON}${sets}${holed}`)], { nodes: ["pve1"] }), "PVEFW070")).toEqual([]);
    // the node's local network is part of the management set: known from the topology, else unknown
    const local = "IN DROP -source 10.1.0.0/16 -p tcp -dport 22\n";
    expect(drop(local, { nodes: [{ name: "pve1", ip: "10.1.2.3", network: "10.1.0.0/16" }] })).toEqual([
      expect.stringContaining("drops tcp/22 from 10.1.0.0/16 before"),
    ]);
    expect(drop(local, { nodes: [{ name: "pve1", ip: "192.0.2.2" }] })).toEqual([]);
    expect(drop(local)).toEqual([expect.stringContaining("from the node's local network (unknown here")]);
  });

  it("regress-A4 finds no management shadowing by a DROP whose source holds no management address", () => {
    const text = [
      "[OPTIONS]",
      "",
      "enable: 1",
      "policy_in: DROP",
      "",
      "[IPSET management] # admins",
      "",
      "192.0.2.0/24",
      "203.0.113.7 # jump host",
      "",
      "[IPSET blocklist] # scanners",
      "",
      "198.18.0.0/15",
      "!198.18.5.0/24 # partner inside",
      "2001:db8:bad::/48",
      "",
      "[RULES]",
      "",
      "IN ACCEPT -source +management -p tcp -dport 8006 -log nolog # GUI",
      "IN ACCEPT -source +management -p tcp -dport 22 # ssh",
      "IN DROP -source +blocklist -log info",
      "",
    ].join("\n");
    const topology = { nodes: [{ name: "pve1", ip: "192.0.2.2", network: "192.0.2.0/24" }] };
    expect(only(lint([cluster(text)], topology), "PVEFW070")).toEqual([]);
    expect(only(lint([cluster(text)]), "PVEFW070")).toEqual([]);
    // a blocklist that holds management addresses is reported once no ACCEPT above decides them
    const overlapping = text.replace("198.18.0.0/15", "192.0.2.128/25");
    expect(only(lint([cluster(overlapping)], topology), "PVEFW070")).toEqual([]);
    const unguarded = overlapping.replace(/IN ACCEPT .*\n/g, "");
    expect(only(lint([cluster(unguarded)], topology), "PVEFW070").map((f) => f.message)).toEqual([
      expect.stringContaining("drops tcp/8006 from 192.0.2.128/25 before"),
    ]);
  });

  it("warns about an expired anti-lockout timestamp and notes a fresh one (PVEFW080)", () => {
    expect(only(lint([cluster(`[OPTIONS]\nenable: ${NOW - 61}\n`)]), "PVEFW080")[0]?.severity).toBe("warning");
    expect(only(lint([cluster(`[OPTIONS]\nenable: ${NOW - 10}\n`)]), "PVEFW080")[0]).toMatchObject({
      severity: "info",
      message: expect.stringContaining("on for 50 more seconds"),
    });
  });

  it("does not claim cluster objects are missing when cluster.fw was not given", () => {
    const f = lint([guest("100", `${ON}[RULES]\nIN ACCEPT -source +office\n`)]);
    expect(only(f, "PVEFW020")[0]).toMatchObject({
      severity: "info",
      message: expect.stringContaining("cluster.fw was not given"),
    });
  });

  it("finds nothing in a clean configuration", () => {
    const f = lint([
      cluster(`${ON}[IPSET management]\n198.51.100.0/24\n[RULES]\nIN ACCEPT -source +management -p tcp -dport 8006\n`),
    ]);
    expect(f).toEqual([]);
    expect(exitCodeFor(f)).toBe(0);
  });
});

describe("lint findings", () => {
  it("uses only documented codes, each with one name and severity", () => {
    const names = Object.values(CODES).map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(CODES).every((c) => /^PVEFW\d{3}$/.test(c))).toBe(true);
  });

  it("maps findings to exit codes 0, 1 and 2", () => {
    const f = (severity: Finding["severity"]): Finding => ({
      code: "X",
      name: "x",
      severity,
      scope: "s",
      message: "m",
      fix: "f",
    });
    expect(exitCodeFor([f("info")])).toBe(0);
    expect(exitCodeFor([f("info"), f("warning")])).toBe(1);
    expect(exitCodeFor([f("warning"), f("error")])).toBe(2);
  });

  it("formats a finding as file:line, severity, code, message and fix", () => {
    const [f] = lint([cluster(`${ON}[RULES]\nIN ACCEPT -source +nope\n`)]);
    expect(formatFinding(f!)).toBe(
      "firewall/cluster.fw:4: error PVEFW020 undefined-ipset: Proxmox skips `IN ACCEPT -source +nope`: source: no such ipset 'nope' [cluster rules[0]]\n" +
        "  fix: create the IPSet (in the cluster, or in this guest's file) or fix the reference",
    );
  });

  it("lints configs read through the API with scope/position locations", () => {
    const configs = configsFromTexts({ cluster: `${ON}[RULES]\nIN DROP\nIN DROP\n` });
    const stripped = { ...configs, cluster: { config: configs.cluster.config } };
    const f = lintConfigs(stripped, { nowSec: NOW });
    expect(f.find((x) => x.code === "PVEFW041")).toMatchObject({ scope: "cluster rules[1]" });
    expect(f.find((x) => x.code === "PVEFW041")).not.toHaveProperty("line");
  });
});

describe("roleOf", () => {
  it.each([
    ["/etc/pve/firewall/cluster.fw", { kind: "cluster" }, false],
    ["/etc/pve/nodes/pve1/host.fw", { kind: "host", node: "pve1" }, false],
    ["host.fw", { kind: "host", node: "host" }, false],
    ["/etc/pve/firewall/100.fw", { kind: "guest", vmid: "100" }, false],
    ["/etc/pve/sdn/firewall/v1.fw", { kind: "vnet", vnet: "v1" }, false],
    ["my-rules.fw", { kind: "cluster" }, true],
  ])("reads %s as %j", (path, role, guessed) => {
    expect(roleOf(path)).toEqual({ role, guessed });
  });
});
