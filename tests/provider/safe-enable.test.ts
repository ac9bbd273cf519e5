/**
 * Safe enable against the emulator, whose clock the tests drive: turning the cluster firewall on
 * writes an `enable` timestamp, confirms over a new connection and only then writes `enable=1`;
 * when the confirmation fails, nothing more is sent and the firewall reads as off 61 s later.
 */
import type { EmulatorHandle } from "../../emulator/index";
import { resolveClientConfig } from "../../provider/client/config";
import { FirewallApi } from "../../provider/client/firewall";
import { PveHttpClient } from "../../provider/client/http";
import { useEmulator } from "../helpers/emulator";
import { emulatorEnv, providerFor, writes } from "./helpers";

const START = 1_800_000_000;
let now = START;
let handle: EmulatorHandle | undefined;
/** Set by a test: the emulator's clock jumps 61 s once it has answered the confirmation. */
let expireAfterProbe = false;
const emu = useEmulator({
  nowSec: () => (expireAfterProbe && (handle?.calls.get("GET /version") ?? 0) > 0 ? now + 61 : now),
});

/** The cluster firewall's `enable` as the API reports it now. */
async function liveEnable(): Promise<unknown> {
  const http = new PveHttpClient(resolveClientConfig({}, emulatorEnv(emu.handle())));
  try {
    return (await new FirewallApi(http).getOptions({ kind: "cluster" })).options["enable"];
  } finally {
    await http.close();
  }
}

async function enable() {
  const p = await providerFor("ClusterFirewallOptions", emu.handle());
  const checked = await p.check({}, { enable: true, policyIn: "DROP" });
  expect(checked.failures).toBeUndefined();
  emu.handle().calls.reset();
  return { p, result: await p.create(checked.inputs).catch((e: unknown) => e) };
}

beforeEach(async () => {
  now = START;
  expireAfterProbe = false;
  handle = emu.handle();
  handle.faults.clear();
  await handle.editFile("firewall/cluster.fw", "");
});

describe("safe enable of the cluster firewall", () => {
  it("writes the timestamp, confirms over a new connection, then writes enable=1", async () => {
    const { result } = await enable();
    expect(result).toMatchObject({ id: "cluster", outs: { enable: true, policyIn: "DROP" } });
    expect(writes(emu.handle())).toBe(2);
    expect(emu.handle().calls.get("PUT /cluster/firewall/options")).toBe(2);
    expect(emu.handle().calls.get("GET /version")).toBe(1);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe("[OPTIONS]\n\nenable: 1\npolicy_in: DROP\n\n");
    now += 3600;
    expect(await emu.handle().readFile("firewall/cluster.fw")).toContain("enable: 1\n");
  });

  it("stops after the first write when the new connection fails, and the firewall switches itself off", async () => {
    emu.handle().faults.add({ kind: "dropBefore", method: "GET", path: "/version" });
    const { p, result: error } = await enable();
    expect(error).toMatchObject({ code: "FW_PARTIAL_APPLY", id: "cluster" });
    const message = (error as Error).message;
    expect(message).toMatch(
      /^create options of cluster failed after 1 of 2 writes \(set enable=\d+, policy_in=DROP \(anti-lockout: on for 60 s unless confirmed\)\), then: enable the cluster firewall: the API did not answer a new connection/,
    );
    expect(message).toContain("Proxmox switches the firewall off again within a minute");
    expect(message).toContain("then run again");
    expect(emu.handle().calls.get("PUT /cluster/firewall/options")).toBe(1);
    // what Pulumi records: the unconfirmed enable is not an enable that lasts
    expect((error as { properties: Record<string, unknown> }).properties).toMatchObject({
      enable: false,
      policyIn: "DROP",
    });
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(
      `[OPTIONS]\n\nenable: ${START}\npolicy_in: DROP\n\n`,
    );
    expect(await liveEnable()).toBe(START); // on, for now

    now += 61;
    expect(await liveEnable()).toBe(0); // Proxmox reads the stale timestamp as off
    const read = await p.read("cluster", { scope: {} });
    expect(read.props).toMatchObject({ enable: false, policyIn: "DROP" });
    // the next up enables it again: the declared enable differs from what is read
    expect((await p.diff("cluster", read.props, { scope: {}, enable: true, policyIn: "DROP" })).changes).toBe(true);
  });

  it("fails when the 60 s passed before the confirmation could be written", async () => {
    expireAfterProbe = true;
    const { result: error } = await enable();
    expect((error as Error).message).toContain(
      "more than 60 s passed between switching it on and confirming it, so Proxmox has switched it off again; run again",
    );
    expect(emu.handle().calls.get("PUT /cluster/firewall/options")).toBe(1);
  });

  it("sends one write when the firewall is on already", async () => {
    await emu.handle().editFile("firewall/cluster.fw", "[OPTIONS]\n\nenable: 1\n\n");
    const p = await providerFor("ClusterFirewallOptions", emu.handle());
    const olds = { scope: {}, enable: true };
    const checked = await p.check(olds, { enable: true, policyIn: "DROP" });
    emu.handle().calls.reset();
    await p.update("cluster", olds, checked.inputs);
    expect(writes(emu.handle())).toBe(1);
    expect(emu.handle().calls.get("GET /version")).toBe(0);
  });
});
