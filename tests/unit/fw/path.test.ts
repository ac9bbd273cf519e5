import { fwFileFor } from "../../../provider/fw";
import type { Scope } from "../../../provider/model/scope";

describe("fwFileFor", () => {
  const cases: [Scope, string, string][] = [
    [{ kind: "cluster" }, "firewall/cluster.fw", "cluster"],
    [{ kind: "group", group: "web" }, "firewall/cluster.fw", "cluster"],
    [{ kind: "node", node: "pve1" }, "nodes/pve1/host.fw", "host"],
    [{ kind: "vm", guestType: "qemu", node: "pve1", vmid: 100 }, "firewall/100.fw", "guest"],
    [{ kind: "vm", guestType: "lxc", node: "pve2", vmid: 100 }, "firewall/100.fw", "guest"],
    [{ kind: "vnet", vnet: "vnet1" }, "sdn/firewall/vnet1.fw", "vnet"],
  ];
  it.each(cases)("maps %j to %s (%s)", (scope, path, kind) => {
    expect(fwFileFor(scope)).toEqual({ path, kind });
  });
});
