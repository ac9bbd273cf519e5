import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { request } from "undici";
import { parseListen } from "../../emulator/cli";
import { type EmulatorHandle, startEmulator, tokenHeader } from "../../emulator/index";
import { exitChanges, type RunnerCommand, runRunnerCli } from "../runner/cli";
import type { CliIo } from "./index";
import { packageRoot } from "./package";

/** Usage of the demo command. */
export const DEMO_USAGE = "pve-firewall demo [--listen HOST:PORT]";

/** The program the demo applies: the quickstart users read first. */
export function quickstartDir(): string {
  return join(packageRoot(), "examples", "quickstart");
}

/** One node and VM 100 with a firewalled NIC: what the examples' defaults (`node`, `vmid`) expect. */
export const EXAMPLES_TOPOLOGY = {
  nodes: ["pve1"],
  guests: [
    {
      vmid: 100,
      node: "pve1",
      type: "qemu" as const,
      name: "web",
      nics: { net0: "virtio=BC:24:11:00:00:64,bridge=vmbr0,firewall=1" },
    },
  ],
};

function heading(io: CliIo, step: number, text: string): void {
  io.out.write(`\n=== ${step}. ${text}\n\n`);
}

/** An admin's change in the Proxmox GUI: the GUI calls the same API, so the demo does too. */
async function guiEdit(emu: EmulatorHandle, method: "PUT" | "DELETE", path: string, form: Record<string, string> = {}) {
  const body = new URLSearchParams(form).toString();
  const res = await request(`${emu.endpoint}/api2/json${path}${method === "DELETE" ? `?${body}` : ""}`, {
    method,
    headers: { authorization: tokenHeader(emu.tokens[0]!), "content-type": "application/x-www-form-urlencoded" },
    body: method === "PUT" ? body : undefined,
  });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GUI edit ${method} ${path} failed with HTTP ${res.statusCode}`);
}

/**
 * `pve-firewall demo` (what `npm start` runs): starts the emulator, applies the quickstart program
 * through the local runner, makes an out-of-band change as an admin would in the GUI, shows that a
 * refresh detects exactly that drift, re-applies, and stops the emulator. Exit 0 when every step
 * behaved as expected. `--listen HOST:PORT` (`npm start -- --listen 0.0.0.0:8006`) puts the
 * emulator on a chosen address, e.g. to watch it from a browser or another machine's tools.
 */
export async function runDemo(argv: string[], io: CliIo): Promise<number> {
  let listen: { host: string; port: number } | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { listen: { type: "string" } }, strict: true });
    if (values.listen !== undefined) listen = parseListen(values.listen);
  } catch (e) {
    io.err.write(`pve-firewall demo: ${e instanceof Error ? e.message : String(e)}\nusage: ${DEMO_USAGE}\n`);
    return 2;
  }
  const stateDir = await mkdtemp(join(tmpdir(), "pve-firewall-demo-"));
  const emu = await startEmulator({ http: true, topology: EXAMPLES_TOPOLOGY, ...listen });
  const saved = { endpoint: process.env["PROXMOX_VE_ENDPOINT"], token: process.env["PROXMOX_VE_API_TOKEN"] };
  const token = emu.tokens[0]!;
  process.env["PROXMOX_VE_ENDPOINT"] = emu.endpoint;
  process.env["PROXMOX_VE_API_TOKEN"] = `${token.id}=${token.secret}`;
  const run = (command: RunnerCommand, ...flags: string[]) =>
    runRunnerCli(command, [quickstartDir(), "--state-dir", stateDir, ...flags], io.out, io.err);
  const expect = (step: string, code: number, want: number) => {
    if (code !== want) throw new Error(`${step} exited with ${code}, expected ${want}`);
  };
  try {
    io.out.write(
      [
        "pulumi-proxmox-firewall demo",
        "",
        `An embedded Proxmox VE firewall API emulator is listening on ${emu.endpoint}, with node pve1 and VM 100.`,
        "The quickstart program (examples/quickstart/index.ts) runs unmodified, through Pulumi's own",
        "language runtime and dynamic-provider host, driven by the local runner (production uses `pulumi up`).",
        "",
      ].join("\n"),
    );
    heading(io, 1, "preview: what `up` would create");
    expect("preview", await run("preview"), 0);
    heading(io, 2, "up: apply it (rules before the DROP policy, IPSet before the rules that use it)");
    expect("up", await run("up"), 0);
    const clusterFw = await emu.readFile("firewall/cluster.fw");
    io.out.write(`\n/etc/pve/firewall/cluster.fw on the emulator now reads:\n\n${clusterFw ?? ""}\n`);
    heading(io, 3, "preview --expect-no-changes: a second run has nothing to do");
    expect("preview --expect-no-changes", await run("preview", "--expect-no-changes"), 0);
    heading(io, 4, "an admin changes things in the GUI: input policy to ACCEPT, one management network removed");
    await guiEdit(emu, "PUT", "/cluster/firewall/options", { policy_in: "ACCEPT" });
    await guiEdit(emu, "DELETE", "/cluster/firewall/ipset/management/198.51.100.0%2F24");
    io.out.write("done: PUT /cluster/firewall/options policy_in=ACCEPT, DELETE .../ipset/management/198.51.100.0/24\n");
    heading(io, 5, "preview --refresh --expect-no-changes: the scheduled drift check catches exactly that");
    expect("drift check", await run("preview", "--refresh", "--expect-no-changes"), exitChanges);
    heading(io, 6, "up --refresh: re-apply the declared state (one call per drifted object)");
    emu.calls.reset();
    expect("up --refresh", await run("up", "--refresh"), 0);
    const writes = Object.entries(emu.calls.snapshot()).filter(([k]) => !k.startsWith("GET "));
    io.out.write(`\nAPI writes to repair the drift: ${writes.map(([k, n]) => `${n} x ${k}`).join(", ")}\n`);
    heading(io, 7, "preview --refresh --expect-no-changes: clean again");
    expect("final drift check", await run("preview", "--refresh", "--expect-no-changes"), 0);
    io.out.write("\nDemo finished: every step behaved as expected. Next: read README.md and examples/.\n");
    return 0;
  } catch (e) {
    io.err.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    if (saved.endpoint === undefined) delete process.env["PROXMOX_VE_ENDPOINT"];
    else process.env["PROXMOX_VE_ENDPOINT"] = saved.endpoint;
    if (saved.token === undefined) delete process.env["PROXMOX_VE_API_TOKEN"];
    else process.env["PROXMOX_VE_API_TOKEN"] = saved.token;
    await emu.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}
