import type * as pulumi from "@pulumi/pulumi";
import { tokenHeader } from "../../emulator/index";
import { createProvider } from "../../provider/resources/index";
import { useEmulator } from "../helpers/emulator";

const lab = useEmulator();
const prod = useEmulator();

function settings(emu: ReturnType<typeof lab.handle>) {
  return { endpoint: emu.endpoint, apiToken: tokenHeader(emu.tokens[0]!).replace(/^PVEAPIToken=/, "") };
}

async function configured(config: Record<string, unknown>) {
  const provider = createProvider("Alias", {}, { notify: () => {} }) as Required<pulumi.dynamic.ResourceProvider>;
  await provider.configure({ config: { get: (k: string) => config[k], require: () => "" } as never });
  return provider;
}

describe("several Proxmox clusters in one program", () => {
  it("sends each resource to the cluster its `cluster` input names", async () => {
    const p = await configured({
      "proxmox:clusters": JSON.stringify({ lab: settings(lab.handle()), prod: settings(prod.handle()) }),
    });
    const checked = await p.check({}, { name: "office", cidr: "192.0.2.1", cluster: "lab" });
    expect(checked.failures).toBeUndefined();
    const created = await p.create(checked.inputs);
    expect(created.outs).toMatchObject({ cluster: "lab" });
    expect(await lab.handle().readFile("firewall/cluster.fw")).toContain("office 192.0.2.1");
    expect(await prod.handle().readFile("firewall/cluster.fw")).toBeUndefined();
    expect(await p.diff(created.id, created.outs, { ...checked.inputs, cluster: "prod" })).toMatchObject({
      changes: true,
      replaces: ["cluster"],
    });
    await p.delete(created.id, created.outs);
  });

  it("fails check on a cluster that stack config does not define, before any API call", async () => {
    const p = await configured({ "proxmox:clusters": { lab: settings(lab.handle()) } });
    const r = await p.check({}, { name: "office", cidr: "192.0.2.1", cluster: "staging" });
    expect(r.failures).toEqual([
      { property: "cluster", reason: "no entry 'staging' in stack config proxmox:clusters (known: lab)" },
    ]);
  });

  it("fails configure on an unknown setting without echoing its value", async () => {
    await expect(
      configured({ "proxmox:clusters": { lab: { endpoint: "https://x:8006", tokn: "s3cr3t" } } }),
    ).rejects.toThrow(/^proxmox:clusters\.lab\.tokn: unknown setting$/);
  });
});
