import { configsFromTexts, overlay } from "../../../provider/policy/configs";
import { ClientPool } from "../../../provider/resources/context";
import { guardTarget } from "../../../provider/resources/guard-change";
import { LiveLists } from "../../../provider/resources/guard-live";
import {
  isLoopback,
  loopbackEndpoint,
  parseManagementSources,
  plainAddress,
} from "../../../provider/resources/management-sources";

describe("parseManagementSources", () => {
  it("reads a list, the JSON text Pulumi passes for a YAML list, and a comma-separated string", () => {
    expect(parseManagementSources("k", ["203.0.113.7", "198.51.100.0/24"])).toEqual(["203.0.113.7", "198.51.100.0/24"]);
    expect(parseManagementSources("k", '["203.0.113.7","2001:db8::/64"]')).toEqual(["203.0.113.7", "2001:db8::/64"]);
    expect(parseManagementSources("k", " 203.0.113.7 , 198.51.100.0/24,")).toEqual(["203.0.113.7", "198.51.100.0/24"]);
  });

  it("treats nothing, an empty string and an empty list as not set", () => {
    expect(parseManagementSources("k", undefined)).toBeUndefined();
    expect(parseManagementSources("k", "")).toBeUndefined();
    expect(parseManagementSources("k", "[]")).toBeUndefined();
  });

  it("fails naming the setting and the item that is not an address or CIDR", () => {
    expect(() => parseManagementSources("proxmox:managementSources", "203.0.113.7,office")).toThrow(
      'proxmox:managementSources: "office" is not an IP address or CIDR; list the addresses you manage the cluster from, e.g. 203.0.113.7 or 203.0.113.0/24',
    );
    expect(() => parseManagementSources("k", [7])).toThrow("k: 7 is not an IP address or CIDR");
  });
});

describe("local addresses", () => {
  it("turns an IPv4-mapped IPv6 address into the IPv4 address", () => {
    expect(plainAddress("::ffff:192.0.2.10")).toBe("192.0.2.10");
    expect(plainAddress("2001:DB8::1")).toBe("2001:db8::1");
    expect(plainAddress(undefined)).toBeUndefined();
  });

  it("knows a loopback endpoint's source address without connecting", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1", "localhost", "LOCALHOST"].map(loopbackEndpoint)).toEqual([
      "127.0.0.1",
      "127.1.2.3",
      "::1",
      "127.0.0.1",
      "127.0.0.1",
    ]);
    expect(["192.0.2.2", "pve1.example.com", "::2"].map(loopbackEndpoint)).toEqual([undefined, undefined, undefined]);
  });

  it("knows loopback: 127.0.0.0/8 and ::1", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1"].map(isLoopback)).toEqual([true, true, true]);
    expect(["192.0.2.10", "::2", "128.0.0.1"].map(isLoopback)).toEqual([false, false, false]);
  });
});

describe("ClientPool.managementSources", () => {
  const endpoint = { "proxmox:endpoint": "https://pve:8006/" };
  function pool(config: Record<string, unknown>, env: Record<string, string> = {}) {
    const p = new ClientPool(env);
    p.configure((key) => config[key]);
    return p;
  }

  it("takes stack config over the environment, and a named cluster's own setting over both", () => {
    const env = { PROXMOX_VE_MANAGEMENT_SOURCES: "198.51.100.7" };
    expect(pool(endpoint, env).managementSources()).toEqual(["198.51.100.7"]);
    const configured = pool({ ...endpoint, "proxmox:managementSources": '["203.0.113.7"]' }, env);
    expect(configured.managementSources()).toEqual(["203.0.113.7"]);
    const clusters = JSON.stringify({
      lab: { endpoint: "https://lab:8006/", managementSources: "192.0.2.50" },
      dc2: {},
    });
    const named = pool({ ...endpoint, "proxmox:clusters": clusters }, env);
    expect(named.managementSources("lab")).toEqual(["192.0.2.50"]);
    expect(named.managementSources("dc2")).toEqual(["198.51.100.7"]);
    expect(pool(endpoint).managementSources()).toBeUndefined();
  });

  it("fails configure on a bad source, from config or from the environment", () => {
    expect(() => pool({ "proxmox:managementSources": "10.0.0.300" })).toThrow(
      'proxmox:managementSources: "10.0.0.300" is not an IP address or CIDR',
    );
    expect(() => pool({}, { PROXMOX_VE_MANAGEMENT_SOURCES: "office" })).toThrow(
      'PROXMOX_VE_MANAGEMENT_SOURCES: "office" is not an IP address or CIDR',
    );
  });
});

describe("LiveLists", () => {
  it("reads each list once and forgets exactly what a write to its file may change", async () => {
    const lists = new LiveLists();
    let reads = 0;
    const read = (key: string) => lists.once(key, async () => ++reads);
    const keys = ["status", "network pve1", "cluster rules", "node pve1 rules", "node pve2 rules"];
    for (const k of keys) await read(k);
    for (const k of keys) await read(k);
    expect(reads).toBe(5);

    lists.forget("GET", "/cluster/firewall/rules");
    lists.forget("PUT", "/nodes/pve1/qemu/100/firewall/options");
    for (const k of keys) await read(k);
    expect(reads).toBe(5);

    lists.forget("POST", "/cluster/firewall/ipset/admins");
    lists.forget("DELETE", "/nodes/pve2/firewall/rules/0");
    for (const k of keys) await read(k);
    expect(reads).toBe(7); // cluster rules and node pve2 rules again; addresses never
  });

  it("does not keep a failed read", async () => {
    const lists = new LiveLists();
    await expect(lists.once("status", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    await expect(lists.once("status", async () => "up")).resolves.toBe("up");
  });
});

describe("guardTarget", () => {
  it("leaves guest and VNet objects out", () => {
    const guest = { node: "pve1", vmid: 100, guestType: "qemu" };
    expect(guardTarget("FirewallRules", { scope: guest, rules: [] }, undefined)).toBeUndefined();
    expect(guardTarget("IpSet", { scope: guest, name: "x", entries: [] }, undefined)).toBeUndefined();
    expect(guardTarget("GuestFirewallOptions", { scope: guest, enable: true }, undefined)).toBeUndefined();
    expect(guardTarget("VnetFirewallOptions", { scope: { vnet: "v1" }, enable: true }, undefined)).toBeUndefined();
  });

  it("renames a security group as Proxmox does: GROUP references in cluster and host rules follow", () => {
    const configs = configsFromTexts({
      cluster: "[RULES]\n\nGROUP old\nIN ACCEPT -p tcp -dport 22\n\n[group old]\n\nIN ACCEPT -p tcp -dport 8006\n",
      hosts: { pve1: "[RULES]\n\nGROUP old -i vmbr0\n", pve2: "[RULES]\n\nIN DROP\n" },
    });
    const target = guardTarget(
      "SecurityGroup",
      { name: "new", rules: [{ action: "ACCEPT", proto: "tcp", dport: "8006" }] },
      { name: "old", rules: [] },
    );
    const after = overlay(configs, target!.change(configs));
    expect(after.cluster.config.groups.map((g) => g.name)).toEqual(["new"]);
    expect(after.cluster.config.rules[0]).toMatchObject({ type: "group", action: "new" });
    expect(after.hosts["pve1"]?.config.rules[0]).toMatchObject({ type: "group", action: "new", iface: "vmbr0" });
    expect(after.hosts["pve2"]).toBe(configs.hosts["pve2"]);
  });

  it("makes options authoritative: options the props leave out are removed", () => {
    const configs = configsFromTexts({ cluster: "[OPTIONS]\n\nenable: 1\npolicy_out: DROP\n" });
    const target = guardTarget("ClusterFirewallOptions", { scope: {}, policyIn: "DROP" }, undefined);
    const after = overlay(configs, target!.change(configs));
    expect(after.cluster.config.options).toEqual({ policy_in: "DROP" });
    const deleted = guardTarget("ClusterFirewallOptions", undefined, { scope: {}, enable: true });
    expect(overlay(configs, deleted!.change(configs)).cluster.config.options).toEqual({});
  });
});
