import { resolveClientConfig } from "../../../provider/client/config";
import { FirewallApi } from "../../../provider/client/firewall";
import { PveHttpClient } from "../../../provider/client/http";
import { firewallPath, rulesPath } from "../../../provider/client/scope";
import { hasCode } from "../../../provider/errors";
import { CLUSTER, type Scope } from "../../../provider/model/scope";
import { isFlaggedEntry, isNamedAlias } from "../../../provider/model/wire";
import { type FakePve, type Reply, type SeenRequest, startFakePve } from "./fake-pve";

const NODE: Scope = { kind: "node", node: "pve1" };
const QEMU: Scope = { kind: "vm", node: "pve1", vmid: 100, guestType: "qemu" };
const LXC: Scope = { kind: "vm", node: "pve1", vmid: 101, guestType: "lxc" };
const VNET: Scope = { kind: "vnet", vnet: "v1" };
const GROUP: Scope = { kind: "group", group: "web" };

describe("firewallPath", () => {
  it.each([
    [CLUSTER, "/cluster/firewall"],
    [NODE, "/nodes/pve1/firewall"],
    [QEMU, "/nodes/pve1/qemu/100/firewall"],
    [LXC, "/nodes/pve1/lxc/101/firewall"],
    [VNET, "/cluster/sdn/vnets/v1/firewall"],
    [GROUP, "/cluster/firewall/groups/web"],
  ])("maps %o to %s", (scope, path) => {
    expect(firewallPath(scope)).toBe(path);
  });
});

describe("rulesPath", () => {
  it("puts a group's rules directly under the group and others under /rules", () => {
    expect(rulesPath(GROUP)).toBe("/cluster/firewall/groups/web");
    expect(rulesPath(VNET)).toBe("/cluster/sdn/vnets/v1/firewall/rules");
  });
});

describe("FirewallApi", () => {
  let server: FakePve;
  let api: FirewallApi;
  let reply: (req: SeenRequest) => Reply = () => ({ data: null });
  beforeAll(async () => {
    server = await startFakePve((req) => reply(req));
    api = new FirewallApi(
      new PveHttpClient(resolveClientConfig({ endpoint: server.url, apiToken: "root@pam!ci=00ff00ff-11ee" }, {})),
    );
  });
  afterAll(async () => {
    await api.http.close();
    await server.close();
  });

  function last(): SeenRequest {
    return server.seen.at(-1)!;
  }

  const digest = "32c0a1b2c3d4e5f60718293a4b5c6d7e8f901234";

  it("lists rules with one GET, accepting numeric pos, and returns the list digest", async () => {
    reply = () => ({
      data: [
        { pos: 0, type: "in", action: "ACCEPT", enable: 1, proto: "tcp", dport: "22", digest },
        { pos: 1, type: "group", action: "web", enable: 0, digest },
      ],
    });
    const before = server.seen.length;
    const out = await api.listRules(QEMU);
    expect(server.seen.length - before).toBe(1);
    expect(last()).toMatchObject({ method: "GET", path: "/nodes/pve1/qemu/100/firewall/rules" });
    expect(out.digest).toBe(digest);
    expect(out.rules.map((r) => [r.pos, r.action])).toEqual([
      [0, "ACCEPT"],
      [1, "web"],
    ]);
  });

  it("lists an empty rule list without a digest", async () => {
    reply = () => ({ data: [] });
    await expect(api.listRules(GROUP)).resolves.toEqual({ rules: [] });
    expect(last().path).toBe("/cluster/firewall/groups/web");
  });

  it("gets one rule whose pos comes back as a string", async () => {
    reply = () => ({ data: { pos: "3", type: "in", action: "DROP", enable: 1, ipversion: 4, digest } });
    const rule = await api.getRule(CLUSTER, 3);
    expect(rule.pos).toBe(3);
    expect(last().path).toBe("/cluster/firewall/rules/3");
  });

  it.each<[string, (a: FirewallApi) => Promise<unknown>, string, string, string, string]>([
    [
      "createRule",
      (a) => a.createRule(VNET, { type: "forward", action: "ACCEPT", enable: 1 }),
      "POST",
      "/cluster/sdn/vnets/v1/firewall/rules",
      "",
      "type=forward&action=ACCEPT&enable=1",
    ],
    [
      "updateRule",
      (a) => a.updateRule(NODE, 2, { comment: "x" }, { digest: "d", delete: ["log", "dport"] }),
      "PUT",
      "/nodes/pve1/firewall/rules/2",
      "",
      "comment=x&delete=log%2Cdport&digest=d",
    ],
    ["moveRule", (a) => a.moveRule(GROUP, 4, 1, "d"), "PUT", "/cluster/firewall/groups/web/4", "", "moveto=1&digest=d"],
    ["deleteRule", (a) => a.deleteRule(LXC, 0, "d"), "DELETE", "/nodes/pve1/lxc/101/firewall/rules/0", "digest=d", ""],
    [
      "setOptions",
      (a) => a.setOptions(CLUSTER, { enable: 1, policy_in: "DROP" }, { delete: ["ebtables"], digest: "d" }),
      "PUT",
      "/cluster/firewall/options",
      "",
      "enable=1&policy_in=DROP&delete=ebtables&digest=d",
    ],
    [
      "createIpSet",
      (a) => a.createIpSet(QEMU, "mgmt", "hosts"),
      "POST",
      "/nodes/pve1/qemu/100/firewall/ipset",
      "",
      "name=mgmt&comment=hosts",
    ],
    [
      "renameIpSet",
      (a) => a.renameIpSet(CLUSTER, "old", "new", undefined, "d"),
      "POST",
      "/cluster/firewall/ipset",
      "",
      "name=new&rename=old&digest=d",
    ],
    [
      "deleteIpSet",
      (a) => a.deleteIpSet(CLUSTER, "mgmt", { force: true }),
      "DELETE",
      "/cluster/firewall/ipset/mgmt",
      "force=1",
      "",
    ],
    [
      "deleteIpSet without force",
      (a) => a.deleteIpSet(CLUSTER, "mgmt"),
      "DELETE",
      "/cluster/firewall/ipset/mgmt",
      "",
      "",
    ],
    [
      "addIpSetEntry",
      (a) => a.addIpSetEntry(CLUSTER, "mgmt", { cidr: "10.0.0.0/8", nomatch: 1, comment: "lan" }),
      "POST",
      "/cluster/firewall/ipset/mgmt",
      "",
      "cidr=10.0.0.0%2F8&comment=lan&nomatch=1",
    ],
    [
      "createAlias",
      (a) => a.createAlias(CLUSTER, { name: "office", cidr: "192.0.2.0/24" }),
      "POST",
      "/cluster/firewall/aliases",
      "",
      "name=office&cidr=192.0.2.0%2F24",
    ],
    [
      "updateAlias",
      (a) => a.updateAlias(QEMU, "office", { cidr: "192.0.2.0/24", rename: "hq" }, "d"),
      "PUT",
      "/nodes/pve1/qemu/100/firewall/aliases/office",
      "",
      "cidr=192.0.2.0%2F24&rename=hq&digest=d",
    ],
    [
      "deleteAlias",
      (a) => a.deleteAlias(CLUSTER, "office", "d"),
      "DELETE",
      "/cluster/firewall/aliases/office",
      "digest=d",
      "",
    ],
    [
      "createGroup",
      (a) => a.createGroup("web", "tier"),
      "POST",
      "/cluster/firewall/groups",
      "",
      "group=web&comment=tier",
    ],
    [
      "renameGroup",
      (a) => a.renameGroup("web", "front", undefined, "d"),
      "POST",
      "/cluster/firewall/groups",
      "",
      "group=front&rename=web&digest=d",
    ],
    ["deleteGroup", (a) => a.deleteGroup("web"), "DELETE", "/cluster/firewall/groups/web", "", ""],
  ])("%s sends the documented request", async (_name, call, method, path, query, body) => {
    reply = () => ({ data: null });
    await call(api);
    expect(last()).toMatchObject({ method, path, query, body });
  });

  it("splits the options digest from the options", async () => {
    reply = () => ({ data: { enable: 1, policy_in: "DROP", digest } });
    await expect(api.getOptions(VNET)).resolves.toEqual({ options: { enable: 1, policy_in: "DROP" }, digest });
    expect(last().path).toBe("/cluster/sdn/vnets/v1/firewall/options");
  });

  it("decodes ipsets, entries, aliases and groups", async () => {
    reply = (req) => {
      if (req.path.endsWith("/ipset")) return { data: [{ name: "mgmt", comment: "c", digest }] };
      if (req.path.endsWith("/ipset/mgmt")) return { data: [{ cidr: "10.0.0.0/8", nomatch: 1, digest }] };
      if (req.path.endsWith("/aliases"))
        return { data: [{ name: "Office", cidr: "192.0.2.5/24", ipversion: 4, digest }] };
      if (req.path.endsWith("/aliases/office")) return { data: { name: "Office", cidr: "192.0.2.5/24", ipversion: 4 } };
      return { data: [{ group: "web", comment: "tier", digest }] };
    };
    await expect(api.listIpSets(CLUSTER)).resolves.toEqual([{ name: "mgmt", comment: "c", digest }]);
    await expect(api.listIpSetEntries(CLUSTER, "mgmt")).resolves.toEqual({
      entries: [{ cidr: "10.0.0.0/8", nomatch: 1, digest }],
      digest,
    });
    await expect(api.listAliases(QEMU)).resolves.toHaveLength(1);
    await expect(api.getAlias(CLUSTER, "office")).resolves.toMatchObject({ name: "Office", ipversion: 4 });
    await expect(api.listGroups()).resolves.toEqual([{ group: "web", comment: "tier", digest }]);
  });

  describe("what Proxmox keeps of lines it could not parse (BEHAVIOR.md §11)", () => {
    const NOT_AN_ADDRESS = "value does not look like a valid IP address or CIDR network";

    it("decodes the nameless alias apart from named ones", async () => {
      reply = () => ({ data: [{ digest }, { name: "lab", cidr: "192.0.2.20", ipversion: 4, digest }] });
      const aliases = await api.listAliases(CLUSTER);
      expect(aliases).toEqual([{ digest }, { name: "lab", cidr: "192.0.2.20", ipversion: 4, digest }]);
      expect(aliases.map(isNamedAlias)).toEqual([false, true]);
    });

    it("decodes IPSet entries Proxmox flags, with or without cidr, apart from the others", async () => {
      const flagged = [
        { nomatch: 1, errors: { cidr: NOT_AN_ADDRESS }, digest },
        { cidr: "!", errors: { cidr: NOT_AN_ADDRESS }, digest },
        { cidr: "192.0.2.22", errors: { cidr: "duplicate ipset entry for '192.0.2.22'" }, digest },
        { cidr: "dc/nosuchalias", errors: { cidr: "no such alias 'nosuchalias'" }, digest },
      ];
      reply = () => ({ data: [...flagged, { cidr: "192.0.2.22", digest }] });
      const { entries } = await api.listIpSetEntries(CLUSTER, "servers");
      expect(entries).toEqual([...flagged, { cidr: "192.0.2.22", digest }]);
      expect(entries.map(isFlaggedEntry)).toEqual([true, true, true, true, false]);
    });

    it("decodes a rule Proxmox flags with its errors", async () => {
      const rule = { pos: 0, type: "in", action: "ACCEPT", enable: 1, source: "nosuchalias", digest };
      reply = () => ({ data: [{ ...rule, errors: { source: "no such alias 'nosuchalias'" } }] });
      const { rules } = await api.listRules(CLUSTER);
      expect(rules).toEqual([{ ...rule, errors: { source: "no such alias 'nosuchalias'" } }]);
    });

    it("fails on an alias without cidr and on an entry without cidr that Proxmox does not flag", async () => {
      reply = () => ({ data: [{ name: "lab", digest }] });
      await expect(api.listAliases(CLUSTER)).rejects.toThrow(/unexpected response/);
      reply = () => ({ data: [{ nomatch: 1, digest }] });
      await expect(api.listIpSetEntries(CLUSTER, "servers")).rejects.toThrow(/unexpected response/);
    });
  });

  it("reads the version, nodes, guests, guest config and vnets", async () => {
    reply = (req) => {
      switch (req.path) {
        case "/version":
          return { data: { version: "9.1.1", release: "9.1", repoid: "abc" } };
        case "/nodes":
          return { data: [{ node: "pve1", status: "online" }] };
        case "/nodes/pve1/lxc":
          return { data: [{ vmid: "101", name: "ct" }] };
        case "/nodes/pve1/qemu/100/config":
          return { data: { net0: "virtio=AA:BB:CC:DD:EE:FF,bridge=vmbr0,firewall=1", cores: 2 } };
        default:
          return { data: [{ vnet: "v1", zone: "z1" }] };
      }
    };
    await expect(api.getVersion()).resolves.toMatchObject({ version: "9.1.1" });
    await expect(api.listNodes()).resolves.toEqual([{ node: "pve1", status: "online" }]);
    await expect(api.listGuests("pve1", "lxc")).resolves.toEqual([{ vmid: 101, name: "ct" }]);
    await expect(api.getGuestConfig("pve1", "qemu", 100)).resolves.toMatchObject({ cores: 2 });
    await expect(api.listVnets()).resolves.toEqual([{ vnet: "v1", zone: "z1" }]);
    expect(last().path).toBe("/cluster/sdn/vnets");
  });

  it("fails before any request for IPSets, aliases or options in a scope that has none", async () => {
    const before = server.seen.length;
    await expect(api.listIpSets(NODE)).rejects.toThrow(
      "scope: IPSets exist only at cluster and vm scope, not at node/pve1",
    );
    await expect(api.createAlias(VNET, { name: "a", cidr: "10.0.0.1" })).rejects.toThrow(
      "scope: aliases exist only at cluster and vm scope, not at vnet/v1",
    );
    const err = await api.getOptions(GROUP).catch((e: unknown) => e);
    expect(hasCode(err, "FW_INPUT")).toBe(true);
    expect(server.seen.length).toBe(before);
  });
});
