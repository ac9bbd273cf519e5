import { fileKey, parseScopeId, type Scope, scopeId } from "../../../provider/model/scope";

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
