/**
 * Writes Proxmox does not check (a rule POST, pipelined IPSet entry adds and removes) are proven by
 * one read at the end, which must equal the prediction: an admin's edit that lands among them is
 * caught there and re-planned, never left in place by an authoritative resource, never overwritten
 * unseen.
 */
import { resolveClientConfig } from "../../provider/client/config";
import { FirewallApi } from "../../provider/client/firewall";
import { PveHttpClient } from "../../provider/client/http";
import type { IpSetEntryFields, RuleFields } from "../../provider/model/wire";
import { applyRuleList } from "../../provider/resources/apply-rules";
import { applyIpSetEntries } from "../../provider/resources/ipset-entries";
import { useEmulator } from "../helpers/emulator";
import { emulatorEnv, providerFor } from "./helpers";

const emu = useEmulator();

afterEach(async () => {
  for (const f of ["firewall/cluster.fw", "nodes/pve1/host.fw"]) await emu.handle().editFile(f, "");
});

/** A client of the emulator with one pipelined write in flight, so an edit between writes is deterministic. */
function client(): PveHttpClient {
  return new PveHttpClient(resolveClientConfig({ ipsetWriteConcurrency: 1 }, emulatorEnv(emu.handle())));
}

describe("an edit among writes Proxmox does not check", () => {
  it("is caught by the read that proves a POST-only rule plan, and re-planned", async () => {
    const scope = { kind: "node", node: "pve1" } as const;
    await emu.handle().editFile("nodes/pve1/host.fw", "[RULES]\n\nIN ACCEPT -p tcp -dport 22 # ssh\n");
    const http = client();
    class RacingApi extends FirewallApi {
      override async createRule(...args: Parameters<FirewallApi["createRule"]>) {
        await super.createRule(...args);
        // an admin adds a rule in the GUI right after our POST
        const now = (await emu.handle().readFile("nodes/pve1/host.fw")) ?? "";
        await emu.handle().editFile("nodes/pve1/host.fw", now.replace("[RULES]\n\n", "[RULES]\n\nIN DROP # gui\n"));
      }
    }
    const desired: RuleFields[] = [
      { type: "in", action: "ACCEPT", enable: 0, macro: "HTTP", comment: "web" },
      { type: "in", action: "ACCEPT", enable: 1, proto: "tcp", dport: "22", comment: "ssh" },
    ];
    emu.handle().calls.reset();
    const result = await applyRuleList(new RacingApi(http), scope, desired, () => undefined);
    expect(result.rules.map((r) => r.comment)).toEqual(["web", "ssh"]);
    expect(await emu.handle().readFile("nodes/pve1/host.fw")).toBe(
      "[RULES]\n\n|IN HTTP(ACCEPT) # web\nIN ACCEPT -p tcp -dport 22 # ssh\n\n",
    );
    // the plan's read, the read that found the GUI rule, no more: the delete carried a digest
    expect(emu.handle().calls.snapshot()).toEqual({
      "DELETE /nodes/{node}/firewall/rules/{pos}": 1,
      "GET /nodes/{node}/firewall/rules": 2,
      "POST /nodes/{node}/firewall/rules": 1,
    });
    await http.close();
  });

  it("is caught by the read that proves pipelined IPSet adds, and re-planned", async () => {
    const scope = { kind: "cluster" } as const;
    await emu.handle().editFile("firewall/cluster.fw", "[IPSET blocklist]\n\n10.0.0.1\n");
    const http = client();
    let adds = 0;
    class RacingApi extends FirewallApi {
      override async addIpSetEntry(...args: Parameters<FirewallApi["addIpSetEntry"]>) {
        await super.addIpSetEntry(...args);
        if (++adds !== 2) return;
        // an admin edits the set in the GUI between our adds
        const now = (await emu.handle().readFile("firewall/cluster.fw")) ?? "";
        await emu.handle().editFile("firewall/cluster.fw", now.replace("10.0.0.1\n", "10.0.0.1 # gui\n10.9.9.9\n"));
      }
    }
    const desired: IpSetEntryFields[] = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"].map((cidr) => ({ cidr }));
    emu.handle().calls.reset();
    const result = await applyIpSetEntries(new RacingApi(http), scope, "blocklist", desired);
    expect(result.entries).toEqual(desired);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(
      "[IPSET blocklist]\n\n10.0.0.1\n10.0.0.2\n10.0.0.3\n10.0.0.4\n\n",
    );
    // the first read, the read that found the edit, then a comment fix and a remove with digests
    expect(emu.handle().calls.snapshot()).toEqual({
      "DELETE /cluster/firewall/ipset/{name}/{cidr}": 1,
      "GET /cluster/firewall/ipset/{name}": 2,
      "POST /cluster/firewall/ipset/{name}": 3,
      "PUT /cluster/firewall/ipset/{name}/{cidr}": 1,
    });
    await http.close();
  });
});

describe("resources of one kind written at once, as the engine runs them", () => {
  const GROUPS = 8;

  it("creates marked security groups at once: each one's last write does not lose to its siblings'", async () => {
    const p = await providerFor("SecurityGroup", emu.handle());
    const inputs = Array.from({ length: GROUPS }, (_, i) => ({
      name: `group${i}`,
      comment: `tier ${i}`,
      rules: [
        { action: "ACCEPT", proto: "tcp", dport: 80 + i },
        { action: "DROP", proto: "tcp", dport: 1000 + i },
      ],
      __owner: `${i}`.padStart(16, "a"),
    }));
    const checked = await Promise.all(inputs.map((news) => p.check({}, news)));
    emu.handle().calls.reset();
    const created = await Promise.all(checked.map((c) => p.create(c.inputs)));
    expect(created.map((c) => c.outs.comment)).toEqual(inputs.map((i) => i.comment));
    const groups = (await emu.handle().readFile("firewall/cluster.fw")) ?? "";
    expect(groups.match(/^\[group group\d+\] # tier \d+$/gm)).toHaveLength(GROUPS);
    // the group POST, two rule POSTs, one enable and the comment: none repeated after a digest race
    expect(emu.handle().calls.get("POST /cluster/firewall/groups")).toBe(2 * GROUPS);
  });

  it("updates aliases of one scope at once, one write each", async () => {
    const lines = Array.from({ length: GROUPS }, (_, i) => `host${i} 192.0.2.${i + 1}`);
    await emu.handle().editFile("firewall/cluster.fw", `[ALIASES]\n\n${lines.join("\n")}\n`);
    const p = await providerFor("Alias", emu.handle());
    const olds = Array.from({ length: GROUPS }, (_, i) => ({ name: `host${i}`, cidr: `192.0.2.${i + 1}` }));
    const news = olds.map((o, i) => ({ ...o, cidr: `198.51.100.${i + 1}` }));
    const read = await Promise.all(olds.map((o) => p.read(`cluster/alias/${o.name}`, o)));
    emu.handle().calls.reset();
    await Promise.all(read.map((r, i) => p.update(r.id ?? "", r.props ?? {}, news[i]!)));
    expect(emu.handle().calls.get("PUT /cluster/firewall/aliases/{name}")).toBe(GROUPS);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toContain("host7 198.51.100.8");
  });
});
