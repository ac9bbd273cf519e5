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
    // the follow-up line is not a second fault: the summary counts the one failure once
    expect(r.out).toMatch(/Resources: \+ 1 to create, 0 unchanged, 1 failed$/m);
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
    const unprotect = "keep it in your Pulumi program with `protect: false` and run `pve-firewall up`";
    expect(destroyed.err).toContain(
      `cannot be deleted because it is protected. To unprotect the resource, ${unprotect}`,
    );
    expect(destroyed.err).toContain("(the local runner has no `pulumi state unprotect`); then it can be deleted");
    expect(writes(emu.handle())).toEqual({});
    const dropped = await stack.run("up", [alias("lab")]);
    expect(dropped.code).toBe(1);
    expect(dropped.err).toContain(unprotect);
    const renamed = { ...alias("office", { opts: { protect: true } }), args: { name: "hq", cidr: "192.0.2.10" } };
    const replaced = await stack.run("preview", [renamed, alias("lab")]);
    expect(replaced.code).toBe(1);
    expect(replaced.err).toContain(
      "as it is currently marked for protection. To unprotect the resource, set `protect: false` on it in your Pulumi program and run `pve-firewall up`",
    );
    expect(writes(emu.handle())).toEqual({});
    expect((await stack.run("up", [alias("office"), alias("lab")], "--skip-preview")).code).toBe(0);
    expect((await stack.run("destroy", [])).code).toBe(0);
    expect(writes(emu.handle())).toEqual({ "DELETE /cluster/firewall/aliases/{name}": 2 });
  });

  it("leaves a retainOnDelete alias on the server when it leaves the stack, shown as [retain]", async () => {
    const retained = (name: string) => alias(name, { opts: { retainOnDelete: true } });
    expect((await stack.run("up", [retained("kept"), retained("other")], "--skip-preview")).code).toBe(0);
    const type = "pulumi-nodejs:dynamic/proxmox-firewall:Alias";
    const dropped = await stack.run("up", [retained("other")]);
    expect(dropped.code).toBe(0);
    expect(dropped.out).toContain(`  -  delete[retain] ${type}  kept\n`);
    expect(dropped.out).toContain(`  -  deleted[retain] ${type}  kept\n`);
    const destroyed = await stack.run("destroy", [], "--skip-preview");
    expect(destroyed.code).toBe(0);
    expect(destroyed.out).toContain(`  -  deleted[retain] ${type}  other\n`);
    expect(writes(emu.handle())).toEqual({ "POST /cluster/firewall/aliases": 2 });
    const file = await emu.handle().readFile("firewall/cluster.fw");
    expect(file).toContain("kept 192.0.2.10");
    expect(file).toContain("other 192.0.2.10");
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
      ["deletedWith", { deletedWith: "anchor" }, "use pulumi up for this program"],
      ["replaceWith", { replaceWith: ["anchor"] }, "use pulumi up for this program"],
    ];
    const r = await stack.run("preview", [
      { kind: "Group", name: "anchor" },
      ...refused.map(([option, opts]) => alias(option.toLowerCase(), { opts })),
    ]);
    expect(r.code).toBe(1);
    for (const [option, , why] of refused) {
      expect(r.err).toContain(
        `error: pulumi-nodejs:dynamic/proxmox-firewall:Alias ${option.toLowerCase()}: the \`${option}\` resource option is not supported by the local runner: ${why}`,
      );
    }
    expect(r.err).toContain("pulumi/pulumi#16175");
    expect(r.err).toContain("`adopt: true`");
    expect(r.err).toContain("`Resource.get(name, id)`");
    expect(r.out).toContain("6 failed");
    expect(r.err).not.toContain("Please update the Pulumi CLI");
    expect(emu.handle().calls.total()).toBe(0);
  });

  it('refuses transforms and hooks with its own message naming each, not the SDK\'s "update the Pulumi CLI"', async () => {
    const type = "pulumi-nodejs:dynamic/proxmox-firewall:Alias";
    const callbacks = "the runner does not call back into the program";
    const options = await stack.run("preview", [
      alias("transformed", { opts: { transforms: [1] } }),
      alias("hooked", { opts: { hooks: { beforeCreate: ["audit"] } } }),
      alias("onerror", { opts: { hooks: { onError: ["retry"] } } }),
      alias("unhooked", { opts: { hooks: { beforeCreate: [] } } }),
    ]);
    expect(options.code).toBe(1);
    expect(options.err).toContain(
      `error: ${type} transformed: the \`transforms\` resource option is not supported by the local runner: ${callbacks}`,
    );
    for (const name of ["hooked", "onerror"]) {
      expect(options.err).toContain(
        `error: ${type} ${name}: the \`hooks\` resource option is not supported by the local runner: the runner does not run resource hooks`,
      );
    }
    expect(options.out).toContain("Resources: + 1 to create, 0 unchanged, 3 failed");

    const stackWide = await stack.run("preview", [{ kind: "StackTransform", name: "" }, alias("after")]);
    expect(stackWide.code).toBe(1);
    expect(stackWide.err).toContain(
      `error: ${type} after: the stack transform the program registered (\`pulumi.runtime.registerResourceTransform\`) is not supported by the local runner: ${callbacks}`,
    );
    expect(stackWide.out).toContain("Resources: 0 unchanged, 1 failed");

    const invoke = await stack.run("preview", [
      { kind: "InvokeTransform", name: "" },
      { kind: "GetStack", name: "" },
    ]);
    expect(invoke.code).toBe(1);
    expect(invoke.err).toContain(
      `the invoke transform the program registered (\`pulumi.runtime.registerInvokeTransform\`) is not supported by the local runner: ${callbacks}`,
    );
    for (const r of [options, stackWide, invoke]) expect(r.err).not.toContain("Please update the Pulumi CLI");
    expect(writes(emu.handle())).toEqual({});
  });
});
