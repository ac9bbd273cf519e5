/**
 * `Resource.get(name, id)` of every kind, through the runner as the engine runs it (the real
 * language runtime and dynamic-provider host): every output the class declares holds the live
 * value, read from the emulator's files, as the program sees it (exported as stack outputs).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { useEmulator } from "../helpers/emulator";
import { type FixtureResource, useRunnerStack, writes } from "./helpers";

const FILES: Record<string, string> = {
  "firewall/cluster.fw": [
    "[OPTIONS]",
    "",
    "enable: 1",
    "policy_in: DROP",
    "log_ratelimit: enable=1,rate=2/second,burst=7",
    "",
    "[ALIASES]",
    "",
    "office 203.0.113.0/24 # head office",
    "",
    "[IPSET management] # admins",
    "",
    "192.0.2.0/24 # lan",
    "!192.0.2.9",
    "",
    "[RULES]",
    "",
    "IN ACCEPT -source +management -p tcp -dport 8006",
    "",
    "[group webserver] # web tier",
    "",
    "IN ACCEPT -p tcp -dport 443 # https",
    "",
  ].join("\n"),
  "nodes/pve1/host.fw": "[OPTIONS]\n\nlog_level_in: info\nnf_conntrack_max: 300000\nnf_conntrack_helpers: ftp,sip\n",
  "firewall/100.fw": "[OPTIONS]\n\nenable: 1\npolicy_in: REJECT\n\n[ALIASES]\n\napp_peer 198.51.100.7\n",
  "sdn/firewall/v1.fw": "[OPTIONS]\n\npolicy_forward: DROP\n\n[RULES]\n\nFORWARD ACCEPT -p tcp -dport 80\n",
};

const dataDir = mkdtempSync(join(tmpdir(), "runner-get-outputs-"));
for (const [path, text] of Object.entries(FILES)) {
  mkdirSync(dirname(join(dataDir, path)), { recursive: true });
  writeFileSync(join(dataDir, path), text);
}
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const emu = useEmulator({
  dataDir,
  topology: {
    nodes: ["pve1"],
    guests: [{ vmid: 100, node: "pve1", type: "qemu", nics: { net0: "virtio=BC:24:11:00:00:64,firewall=1" } }],
    vnets: [{ vnet: "v1", zone: "z1" }],
  },
});
const stack = useRunnerStack(() => emu.handle());

const guest = { node: "pve1", vmid: 100, guestType: "qemu" };
const read = (kind: string, name: string, id: string): FixtureResource => ({
  kind,
  name,
  get: id,
  exportOutputs: true,
});

describe("Resource.get outputs", () => {
  it("hold every declared output's live value, for every kind", async () => {
    const r = await stack.run(
      "up",
      [
        read("Alias", "office", "cluster/alias/office"),
        read("Alias", "peer", "qemu/pve1/100/alias/app_peer"),
        read("IpSet", "mgmt", "cluster/ipset/management"),
        read("SecurityGroup", "web", "cluster/group/webserver"),
        read("FirewallRules", "vnet-rules", "vnet/v1"),
        read("ClusterFirewallOptions", "dc", "cluster"),
        read("NodeFirewallOptions", "host", "node/pve1"),
        read("GuestFirewallOptions", "vm", "qemu/pve1/100"),
        read("VnetFirewallOptions", "v1", "vnet/v1"),
      ],
      "--skip-preview",
      "--json",
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const { outputs } = JSON.parse(r.out) as { outputs: { outputs: Record<string, Record<string, unknown>> } };
    const digest = expect.stringMatching(/^[0-9a-f]{40}$/);
    expect(outputs.outputs).toEqual({
      office: { name: "office", cidr: "203.0.113.0/24", comment: "head office", ref: "dc/office", scope: {} },
      peer: { name: "app_peer", cidr: "198.51.100.7", ref: "guest/app_peer", scope: guest },
      mgmt: {
        name: "management",
        comment: "admins",
        entries: [
          { cidr: "192.0.2.0/24", nomatch: false, comment: "lan" },
          { cidr: "192.0.2.9", nomatch: true },
        ],
        ref: "+dc/management",
        digest,
        scope: {},
      },
      web: {
        name: "webserver",
        comment: "web tier",
        rules: [{ type: "in", action: "ACCEPT", proto: "tcp", dport: "443", enable: true, comment: "https" }],
        digest,
      },
      "vnet-rules": {
        rules: [{ type: "forward", action: "ACCEPT", proto: "tcp", dport: "80", enable: true }],
        digest,
        scope: { vnet: "v1" },
      },
      dc: { enable: true, policyIn: "DROP", logRatelimit: { enable: true, rate: "2/second", burst: 7 }, digest },
      host: {
        logLevelIn: "info",
        nfConntrackMax: 300000,
        nfConntrackHelpers: ["ftp", "sip"],
        digest,
        scope: { node: "pve1" },
      },
      vm: { enable: true, policyIn: "REJECT", enforced: true, enforcementReasons: [], digest, scope: guest },
      v1: { policyForward: "DROP", digest, scope: { vnet: "v1" } },
    });
    expect(writes(emu.handle())).toEqual({});
  }, 120_000);
});
