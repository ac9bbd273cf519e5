import { referenceOf, unresolved, type Visible } from "../../../provider/resources/preflight";

/** What `spec` resolves to with these objects: `ok` or the reason it does not. */
function resolve(spec: string, visible: Visible): string {
  const ref = referenceOf(spec);
  if (!ref) throw new Error(`${spec} is no reference`);
  return unresolved(spec, ref, visible) ?? "ok";
}

const guestRule: Visible = { guest: ["web", "Local"], cluster: ["office", "web"] };
const clusterRule: Visible = { cluster: ["office", "mgmt"] };

describe("unresolved (Proxmox's generation-time lookup, SIMULATOR.md §8.1)", () => {
  it("resolves an unscoped name in a guest rule in the guest first, then in the cluster", () => {
    expect(resolve("local", guestRule)).toBe("ok"); // alias names ignore case
    expect(resolve("office", guestRule)).toBe("ok");
    expect(resolve("+web", guestRule)).toBe("ok");
  });

  it("resolves dc/ only in the cluster and guest/ only in the guest", () => {
    expect(resolve("dc/office", guestRule)).toBe("ok");
    expect(resolve("dc/local", guestRule)).toBe(
      "no cluster alias 'local' (cluster aliases: office, web); the guest has one: write 'guest/local'",
    );
    expect(resolve("guest/office", guestRule)).toBe(
      "no guest alias 'office' (guest aliases: web, Local); the cluster has one: write 'dc/office'",
    );
  });

  it("fails guest references in cluster, node, VNet and group rules", () => {
    expect(resolve("+guest/mgmt", clusterRule)).toBe(
      "'+guest/mgmt' names a guest IPSet, but only guest rules see guest objects (this rule sees cluster IPSets only)",
    );
    expect(resolve("mgmt", clusterRule)).toBe("ok");
  });

  it("compares IPSet names exactly and points an unknown set at the SDN form", () => {
    expect(resolve("+Mgmt", clusterRule)).toBe(
      "no cluster IPSet 'Mgmt' (cluster IPSets: office, mgmt); for an SDN IPSet write '+sdn/Mgmt'",
    );
    expect(resolve("+sdn/anything", clusterRule)).toBe("ok");
  });

  it("is no reference for address lists", () => {
    expect(referenceOf("10.0.0.0/8,192.0.2.1")).toBeUndefined();
    expect(referenceOf("10.0.0.1-10.0.0.9")).toBeUndefined();
  });
});
