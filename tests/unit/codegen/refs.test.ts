import {
  type Declared,
  type RefTables,
  resolveAddress,
  resolveEntry,
  resolveGroup,
} from "../../../provider/codegen/refs";

const mgmt: Declared = { id: "dcIpsetManagement", name: "management", ref: "+dc/management" };
const office: Declared = { id: "dcAliasOffice", name: "Office", ref: "dc/Office" };
const guestSet: Declared = { id: "qemu100IpsetManagement", name: "management", ref: "+guest/management" };
const guestAlias: Declared = { id: "qemu100AliasOffice", name: "office", ref: "guest/office" };
const web: Declared = { id: "groupWeb", name: "web", ref: undefined };

const cluster: RefTables = {
  clusterIpSets: new Map([["management", mgmt]]),
  clusterAliases: new Map([["office", office]]),
  groups: new Map([["web", web]]),
};
const guest: RefTables = {
  ...cluster,
  guest: { ipSets: new Map([["management", guestSet]]), aliases: new Map([["office", guestAlias]]) },
};

const value = (r: ReturnType<typeof resolveAddress>) => r.value;

describe("resolveAddress", () => {
  it("spells an IPSet reference with the ref output, or the name output with the reference's own prefix", () => {
    expect(value(resolveAddress("+dc/management", cluster))).toEqual({ code: "dcIpsetManagement.ref" });
    const plain = resolveAddress("+management", cluster);
    expect(plain).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: generated source text
      value: { code: "pulumi.interpolate`+${dcIpsetManagement.name}`" },
      dependsOn: [],
      interpolates: true,
      target: mgmt,
    });
  });

  it("resolves a guest's plain reference to the guest's own object first, as Proxmox does", () => {
    expect(value(resolveAddress("+management", guest))).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: generated source text
      code: "pulumi.interpolate`+${qemu100IpsetManagement.name}`",
    });
    expect(value(resolveAddress("+dc/management", guest))).toEqual({ code: "dcIpsetManagement.ref" });
    expect(value(resolveAddress("office", guest))).toEqual({ code: "qemu100AliasOffice.name" });
    expect(value(resolveAddress("dc/Office", guest))).toEqual({ code: "dcAliasOffice.ref" });
  });

  it("keeps an alias reference in another letter case as text and depends on the alias", () => {
    expect(resolveAddress("OFFICE", cluster)).toEqual({
      value: "OFFICE",
      dependsOn: [office],
      interpolates: false,
      target: office,
    });
  });

  it("keeps addresses, lists, SDN IPSets and names nothing declares as text", () => {
    for (const text of [
      "10.0.0.0/8",
      "10.0.0.1,10.0.0.2",
      "+sdn/management",
      "+Management",
      "+guest/management",
      "nobody",
    ])
      expect(resolveAddress(text, cluster)).toEqual({ value: text, dependsOn: [], interpolates: false });
  });
});

describe("resolveEntry", () => {
  it("points an alias entry at the alias, and leaves addresses alone", () => {
    expect(value(resolveEntry("dc/Office", cluster))).toEqual({ code: "dcAliasOffice.ref" });
    expect(value(resolveEntry("Office", cluster))).toEqual({ code: "dcAliasOffice.name" });
    expect(value(resolveEntry("192.0.2.0/24", cluster))).toBe("192.0.2.0/24");
  });
});

describe("resolveGroup", () => {
  it("uses the group's name output only for the exact name (Proxmox looks groups up exactly)", () => {
    expect(value(resolveGroup("web", cluster))).toEqual({ code: "groupWeb.name" });
    expect(value(resolveGroup("Web", cluster))).toBe("Web");
  });
});
