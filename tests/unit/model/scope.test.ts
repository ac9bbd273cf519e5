import { fileKey, parseScopeId, type Scope, scopeFromArgs, scopeId } from "../../../provider/model/scope";

describe("scopeId", () => {
  const cases: [Scope, string, string][] = [
    [{ kind: "cluster" }, "cluster", "firewall-cluster"],
    [{ kind: "node", node: "pve1" }, "node/pve1", "firewall-host-pve1"],
    [{ kind: "vm", guestType: "qemu", node: "pve1", vmid: 100 }, "qemu/pve1/100", "firewall-vm-100"],
    [{ kind: "vm", guestType: "lxc", node: "pve2", vmid: 101 }, "lxc/pve2/101", "firewall-vm-101"],
    [{ kind: "vnet", vnet: "v1" }, "vnet/v1", "firewall-vnet-v1"],
    [{ kind: "group", group: "web" }, "cluster/group/web", "firewall-cluster"],
  ];
  it.each(cases)("round-trips %j as %s and locks %s", (scope, id, key) => {
    expect(scopeId(scope)).toBe(id);
    expect(parseScopeId(id)).toEqual(scope);
    expect(fileKey(scope)).toBe(key);
  });

  it("fails on IDs that are not scopes", () => {
    for (const bad of ["", "node", "qemu/pve1/99", "qemu/pve1/abc", "vnet/UPPER", "cluster/group/Web", "nodes/pve1"]) {
      expect(parseScopeId(bad)).toBeUndefined();
    }
  });
});

describe("scopeFromArgs", () => {
  it.each([
    [undefined, { kind: "cluster" }],
    [{}, { kind: "cluster" }],
    [{ node: "pve1" }, { kind: "node", node: "pve1" }],
    [
      { node: "pve1", vmid: 100 },
      { kind: "vm", node: "pve1", vmid: 100, guestType: "qemu" },
    ],
    [
      { node: "pve1", vmid: 101, guestType: "lxc" },
      { kind: "vm", node: "pve1", vmid: 101, guestType: "lxc" },
    ],
    [{ vnet: "v1" }, { kind: "vnet", vnet: "v1" }],
    [
      { node: "pve1", vmid: 100, guestType: null, vnet: null },
      { kind: "vm", node: "pve1", vmid: 100, guestType: "qemu" },
    ],
  ])("resolves %j to %j", (args, scope) => {
    expect(scopeFromArgs(args)).toEqual({ ok: true, scope });
  });

  it.each([
    [{ vmid: 100 }, "scope.node: a guest scope needs the node name with 'vmid'"],
    [{ vnet: "v1", node: "pve1" }, "scope: a VNet scope takes only 'vnet', not 'node' or 'vmid'"],
    [{ node: "pve1", guestType: "lxc" }, "scope.guestType: 'guestType' needs 'vmid'"],
    [{ node: "pve1", vmid: 99 }, "scope.vmid: 99 must be a guest ID of at least 100"],
    [{ node: "bad_name!" }, "scope.node: \"bad_name!\" must be a node name (letters, digits and '-')"],
    [{ nodes: "pve1" }, "scope.nodes: unknown property; scope takes node, vmid, guestType, vnet"],
    [{ node: "pve1", vmId: 100 }, "scope.vmId: unknown property; did you mean vmid"],
    [{ node: 5 }, "scope.node: 5 is a number, not a node name such as pve1"],
    [
      "pve1",
      `scope: "pve1" is text, not a scope object: { node }, { node, vmid, guestType? } or { vnet }, or nothing for the datacenter`,
    ],
  ])("fails on %j", (args, message) => {
    const r = scopeFromArgs(args);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => `${i.path}: ${i.reason}`)).toEqual([message]);
  });
});
