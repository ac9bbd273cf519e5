/**
 * The runner follows the engine for every resource option a program sets, over gRPC with the real
 * language runtime and dynamic-provider host against the emulator: preview before any write,
 * protect, retainOnDelete, aliases, ignoreChanges, deleteBeforeReplace, replaceOnChanges, dependsOn
 * and parent; and it refuses, naming it, every option it does not implement.
 */
import { EXAMPLES_TOPOLOGY } from "../../provider/cli/demo";
import { useEmulator } from "../helpers/emulator";
import { type FixtureResource, useRunnerStack, writes } from "./helpers";

const emu = useEmulator({ topology: EXAMPLES_TOPOLOGY });
const stack = useRunnerStack(() => emu.handle());

const alias = (name: string, extra: Partial<FixtureResource> = {}): FixtureResource => ({
  kind: "Alias",
  name,
  args: { name, cidr: "192.0.2.10" },
  ...extra,
});

afterEach(async () => {
  await stack.run("destroy", [], "--skip-preview");
  emu.handle().calls.reset();
});

// several runs of the program per test: room for a busy 2-core machine
jest.setTimeout(180_000);
describe("preview before up", () => {
  it("regress-11: writes nothing when one resource fails check, with one error line for it", async () => {
    const r = await stack.run("up", [
      alias("office"),
      { kind: "SecurityGroup", name: "bad", args: { name: "Block Web" } },
    ]);
    expect(r.code).toBe(1);
    expect(writes(emu.handle())).toEqual({});
    const lines = r.err.split("\n").filter((l) => l.startsWith("error:"));
    expect(lines.filter((l) => l.includes("SecurityGroup bad"))).toHaveLength(1);
    expect(lines.at(-1)).toBe("error: update not applied: the preview failed, nothing was changed");
    expect(r.err).not.toMatch(/^\s+at /m);
    expect(r.out).toMatch(/Resources: \+ 1 to create, 0 unchanged, 1 failed, 1 error/);
    expect(r.out).not.toContain("Updating (dev)");
  });
});

describe("references in the preview", () => {
  it("regress-D6: writes nothing when a rule names what neither exists nor is declared, and passes once it is", async () => {
    const rules = (source: string, opts?: Record<string, unknown>): FixtureResource => ({
      kind: "FirewallRules",
      name: "r",
      args: { scope: { node: "pve1" }, rules: [{ action: "ACCEPT", source, proto: "tcp", dport: "22" }] },
      ...(opts ? { opts } : {}),
    });
    const missing = await stack.run("up", [alias("office"), rules("+admins")]);
    expect(missing.code).toBe(1);
    expect(writes(emu.handle())).toEqual({});
    expect(missing.err).toContain("rules[0].source: no cluster IPSet 'admins'");
    expect(missing.err).toContain("error: update not applied: the preview failed, nothing was changed");
    // the same text once the program declares the set (dependsOn orders its check and its create first)
    const admins: FixtureResource = {
      kind: "IpSet",
      name: "admins",
      args: { name: "admins", entries: ["192.0.2.0/24"] },
    };
    const declared = await stack.run("up", [alias("office"), admins, rules("+admins", { dependsOn: ["admins"] })]);
    expect(declared.code).toBe(0);
    expect(declared.out).toContain("Resources: + 3 created");
  });
});

describe("protect and retainOnDelete", () => {
  it("fails destroy of a protected alias before deleting anything, and deletes it once unprotected", async () => {
    const both = [alias("office", { opts: { protect: true } }), alias("lab")];
    expect((await stack.run("up", both, "--skip-preview")).code).toBe(0);
    emu.handle().calls.reset();
    const destroyed = await stack.run("destroy", []);
    expect(destroyed.code).toBe(1);
    expect(destroyed.err).toContain(
      "cannot be deleted because it is protected. To unprotect the resource, either remove the `protect` flag",
    );
    expect(writes(emu.handle())).toEqual({});
    const dropped = await stack.run("up", [alias("lab")]);
    expect(dropped.code).toBe(1);
    expect(writes(emu.handle())).toEqual({});
    expect((await stack.run("up", [alias("office"), alias("lab")], "--skip-preview")).code).toBe(0);
    expect((await stack.run("destroy", [])).code).toBe(0);
    expect(writes(emu.handle())).toEqual({ "DELETE /cluster/firewall/aliases/{name}": 2 });
  });

  it("leaves a retainOnDelete alias on the server when it leaves the stack", async () => {
    expect((await stack.run("up", [alias("kept", { opts: { retainOnDelete: true } })], "--skip-preview")).code).toBe(0);
    const destroyed = await stack.run("destroy", [], "--skip-preview");
    expect(destroyed.code).toBe(0);
    expect(writes(emu.handle())).toEqual({ "POST /cluster/firewall/aliases": 1 });
    expect(await emu.handle().readFile("firewall/cluster.fw")).toContain("kept 192.0.2.10");
    await emu.handle().editFile("firewall/cluster.fw", "");
  });
});

describe("aliases, ignoreChanges, replaceOnChanges, deleteBeforeReplace", () => {
  it("renames a resource through an alias without touching the server", async () => {
    expect((await stack.run("up", [alias("office")], "--skip-preview")).code).toBe(0);
    emu.handle().calls.reset();
    const renamed = alias("office", { opts: { aliases: [{ name: "office" }] } });
    const moved = { ...renamed, name: "headquarters", args: { name: "office", cidr: "192.0.2.10" } };
    const r = await stack.run("up", [moved], "--skip-preview");
    expect(r.code).toBe(0);
    expect(writes(emu.handle())).toEqual({});
    expect(r.out).toContain("Resources: 1 unchanged");
    expect(stack.state().resources.map((s) => s.urn)).toContain(
      "urn:pulumi:dev::firewall-fixture::pulumi-nodejs:dynamic/proxmox-firewall:Alias::headquarters",
    );
  });

  it("keeps ignored properties, and updates in place when replaceOnChanges cannot apply", async () => {
    expect(
      (
        await stack.run(
          "up",
          [alias("office", { args: { name: "office", cidr: "192.0.2.10", comment: "a" } })],
          "--skip-preview",
        )
      ).code,
    ).toBe(0);
    emu.handle().calls.reset();
    const ignored = alias("office", {
      args: { name: "office", cidr: "192.0.2.10", comment: "b" },
      opts: { ignoreChanges: ["comment"] },
    });
    const same = await stack.run("preview", [ignored]);
    expect(same.out).toContain("Resources: 1 unchanged");
    const roc = alias("office", {
      args: { name: "office", cidr: "192.0.2.10", comment: "b" },
      opts: { replaceOnChanges: ["comment"] },
    });
    const r = await stack.run("up", [roc], "--skip-preview");
    expect(r.code).toBe(0);
    expect(r.err).toContain('replaceOnChanges ["comment"] has no effect here');
    expect(writes(emu.handle())).toEqual({ "PUT /cluster/firewall/aliases/{name}": 1 });
  });

  it("replaces delete-before-replace when deleteBeforeReplace is set, showing the old and new scope", async () => {
    const at = (cidr: string, opts?: Record<string, unknown>) =>
      alias("office", {
        args: { name: "office", cidr, scope: { node: "pve1", vmid: 100 } },
        ...(opts ? { opts } : {}),
      });
    expect((await stack.run("up", [at("192.0.2.10")], "--skip-preview")).code).toBe(0);
    const moved = { ...at("192.0.2.10", { deleteBeforeReplace: true }), args: { name: "office", cidr: "192.0.2.10" } };
    const r = await stack.run("up", [moved], "--skip-preview", "--diff");
    expect(r.code).toBe(0);
    expect(r.out).toContain("(delete-before-replace)");
    expect(r.out).toMatch(/~ scope: \{\n\s+- guestType: "qemu"\n\s+- node: "pve1"\n\s+- vmid: 100\n/);
    expect((await emu.handle().readFile("firewall/100.fw")) ?? "").not.toContain("office");
  });
});

describe("dependsOn and parent", () => {
  it("nests URNs under a component parent and destroys dependents first", async () => {
    const resources: FixtureResource[] = [
      { kind: "Group", name: "edge" },
      alias("office", { opts: { parent: "edge" } }),
      {
        kind: "FirewallRules",
        name: "rules",
        args: { rules: [{ action: "ACCEPT", source: { $ref: "office.ref" } }] },
        opts: { dependsOn: ["office"] },
      },
    ];
    expect((await stack.run("up", resources, "--skip-preview")).code).toBe(0);
    const urns = stack.state().resources.map((s) => s.urn);
    expect(urns).toContain(
      "urn:pulumi:dev::firewall-fixture::test:index:Group$pulumi-nodejs:dynamic/proxmox-firewall:Alias::office",
    );
    const d = await stack.run("destroy", [], "--skip-preview");
    expect(d.code).toBe(0);
    expect(d.out.indexOf("deleting   pulumi-nodejs:dynamic/proxmox-firewall:FirewallRules")).toBeLessThan(
      d.out.indexOf("deleting   pulumi-nodejs:dynamic/proxmox-firewall:Alias"),
    );
  });

  it("fails on a duplicate URN with the engine's message", async () => {
    const dup = await stack.run("preview", [alias("office"), alias("office")]);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain(
      "Duplicate resource URN 'urn:pulumi:dev::firewall-fixture::pulumi-nodejs:dynamic/proxmox-firewall:Alias::office'; try giving it a unique name",
    );
  });
});

describe("options the runner does not implement", () => {
  it("fails on each, naming it, before any API call; the import refusal points at adopt and Resource.get", async () => {
    const refused: [string, Record<string, unknown>, string][] = [
      [
        "import",
        { import: "cluster/alias/a" },
        "Pulumi's engine imports by calling the provider's Read with no inputs",
      ],
      ["customTimeouts", { customTimeouts: { create: "5m" } }, "dynamic providers get no timeout from the engine"],
      ["version", { version: "1.2.3" }, "plugin versions are not resolved"],
      ["hideDiffs", { hideDiffs: ["cidr"] }, "use pulumi up for this program"],
    ];
    const r = await stack.run(
      "preview",
      refused.map(([option, opts]) => alias(option.toLowerCase(), { opts })),
    );
    expect(r.code).toBe(1);
    for (const [option, , why] of refused) {
      expect(r.err).toContain(
        `error: pulumi-nodejs:dynamic/proxmox-firewall:Alias ${option.toLowerCase()}: the \`${option}\` resource option is not supported by the local runner: ${why}`,
      );
    }
    expect(r.err).toContain("pulumi/pulumi#16175");
    expect(r.err).toContain("`adopt: true`");
    expect(r.err).toContain("`Resource.get(name, id)`");
    expect(r.out).toContain("4 failed");
    expect(emu.handle().calls.total()).toBe(0);
  });
});
