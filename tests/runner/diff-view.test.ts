import { formatDiff } from "../../provider/runner/diff-view";
import { secret, unknownValue } from "../../provider/runner/props";
import type { Step } from "../../provider/runner/steps";

const T = "pulumi-nodejs:dynamic/proxmox-firewall:";

function step(type: string, olds: Record<string, unknown>, news: Record<string, unknown>): Step {
  return { op: "update", urn: `urn:x::${type}::r`, type, name: "r", keys: [], olds, news };
}

describe("formatDiff (--diff)", () => {
  it("shows rules matched by position after the plan: removed, added, moved and edited fields", () => {
    const ssh = { action: "ACCEPT", macro: "SSH", source: "+dc/mgmt" };
    const web = { action: "ACCEPT", proto: "tcp", dport: "443" };
    const dns = { action: "ACCEPT", proto: "udp", dport: "53", comment: "resolver" };
    const olds = { rules: [ssh, web, dns], __provider: "x" };
    const news = { rules: [dns, { ...ssh, comment: "admins" }, { action: "DROP", source: "198.18.0.0/15" }] };
    expect(formatDiff(step(`${T}FirewallRules`, olds, news))).toMatchInlineSnapshot(`
[
  "      - rules[1]: {type: "in", action: "ACCEPT", enable: true, proto: "tcp", dport: "443"}",
  "      ~ rules[1]: moved from 0; +comment: "admins"",
  "      + rules[2]: {type: "in", action: "DROP", enable: true, source: "198.18.0.0/15"}",
]
`);
  });

  it("shows IPSet entries by cidr and other properties by key", () => {
    const olds = { name: "mgmt", entries: [{ cidr: "192.0.2.0/24" }, { cidr: "10.0.0.0/8", comment: "lab" }] };
    const news = {
      name: "mgmt",
      comment: "admins",
      entries: [{ cidr: "10.0.0.0/8", comment: "lab 2", nomatch: true }, { cidr: "198.51.100.7" }],
    };
    expect(formatDiff(step(`${T}IpSet`, olds, news))).toMatchInlineSnapshot(`
[
  "      - entries: 192.0.2.0/24",
  "      ~ entries: 10.0.0.0/8 ("lab") => !10.0.0.0/8 ("lab 2")",
  "      + entries: 198.51.100.7",
  "      + comment: "admins"",
]
`);
  });

  it("shows options by key, secrets and unknowns redacted, and nests other types' values", () => {
    const opts = step(
      `${T}ClusterFirewallOptions`,
      { enable: true, policyIn: "DROP" },
      { enable: true, policyIn: "ACCEPT", ebtables: false },
    );
    expect(formatDiff(opts)).toMatchInlineSnapshot(`
[
  "      ~ policyIn: "DROP" => "ACCEPT"",
  "      + ebtables: false",
]
`);
    const other = step(
      "pulumi-nodejs:dynamic:Resource",
      { a: { b: [1, 2] }, s: secret("x") },
      { a: { b: [1, 3] }, s: secret("y"), u: unknownValue },
    );
    expect(formatDiff(other)).toMatchInlineSnapshot(`
[
  "      ~ a: {",
  "          ~ b: [",
  "              ~ [1]: 2 => 3",
  "            ]",
  "        }",
  "      ~ s: [secret] => [secret]",
  "      + u: [unknown]",
]
`);
  });
});
