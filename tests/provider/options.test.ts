import { useEmulator } from "../helpers/emulator";
import { providerFor, writes } from "./helpers";

const emu = useEmulator({
  topology: {
    nodes: ["pve1"],
    guests: [
      {
        vmid: 100,
        node: "pve1",
        type: "qemu",
        name: "web",
        nics: { net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1" },
      },
    ],
  },
});

describe("options providers", () => {
  it("enables cluster options in two writes around a new-connection check, and clears removed fields in one", async () => {
    const p = await providerFor("ClusterFirewallOptions", emu.handle());
    const checked = await p.check(
      {},
      { enable: true, policyIn: "DROP", logRatelimit: { enable: true, rate: "5/second" } },
    );
    expect(checked.failures).toBeUndefined();
    emu.handle().calls.reset();
    const created = await p.create(checked.inputs);
    // safe enable: enable=<timestamp> with the other options, GET /version over a new connection, enable=1
    expect(writes(emu.handle())).toBe(2);
    expect(emu.handle().calls.get("GET /version")).toBe(1);
    expect(created.outs).toMatchObject({
      enable: true,
      policyIn: "DROP",
      logRatelimit: { enable: true, rate: "5/second" },
    });
    expect((await p.diff("cluster", created.outs, checked.inputs)).changes).toBe(false);
    const less = await p.check(checked.inputs, { enable: true });
    emu.handle().calls.reset();
    const updated = await p.update("cluster", created.outs, less.inputs);
    expect(writes(emu.handle())).toBe(1);
    expect(updated.outs.policyIn).toBeUndefined();
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe("[OPTIONS]\n\nenable: 1\n\n");
    await p.delete("cluster", updated.outs);
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBeUndefined();
  });

  it("sets every node option", async () => {
    const p = await providerFor("NodeFirewallOptions", emu.handle());
    const all = {
      scope: { node: "pve1" },
      enable: true,
      logLevelIn: "info",
      logLevelOut: "nolog",
      logLevelForward: "warning",
      logNfConntrack: true,
      ndp: true,
      nfConntrackAllowInvalid: false,
      nfConntrackHelpers: ["ftp", "sip"],
      nfConntrackMax: 300000,
      nfConntrackTcpTimeoutEstablished: 86400,
      nfConntrackTcpTimeoutSynRecv: 45,
      nftables: false,
      nosmurfs: true,
      protectionSynflood: true,
      protectionSynfloodRate: 300,
      protectionSynfloodBurst: 2000,
      smurfLogLevel: "debug",
      tcpFlagsLogLevel: "info",
      tcpflags: true,
    };
    const checked = await p.check({}, all);
    expect(checked.failures).toBeUndefined();
    const created = await p.create(checked.inputs);
    expect(created.id).toBe("node/pve1");
    const { scope: _scope, ...fields } = all;
    expect(created.outs).toMatchObject(fields);
    const read = await p.read("node/pve1", created.outs);
    expect((await p.diff("node/pve1", read.props, checked.inputs)).changes).toBe(false);
  });

  it("reports a guest's enforcement and why it is off", async () => {
    const cluster = await providerFor("ClusterFirewallOptions", emu.handle());
    const guest = await providerFor("GuestFirewallOptions", emu.handle());
    const off = await guest.create(
      (await guest.check({}, { scope: { node: "pve1", vmid: 100 }, enable: true })).inputs,
    );
    expect(off.outs).toMatchObject({ enforced: false, enforcementReasons: ["cluster firewall is disabled"] });
    await cluster.create((await cluster.check({}, { enable: true })).inputs);
    const on = await guest.read(off.id, off.outs);
    expect(on.props).toMatchObject({ enforced: true, enforcementReasons: [] });
    const nonic = await guest.create((await guest.check({}, { scope: { node: "pve1", vmid: 555 } })).inputs);
    expect(nonic.outs["enforcementReasons"]).toEqual([
      "guest firewall is disabled",
      "guest qemu/555 not found on node pve1",
    ]);
  });

  it("fails check on values Proxmox rejects", async () => {
    const p = await providerFor("NodeFirewallOptions", emu.handle());
    const r = await p.check({}, { scope: { node: "pve1" }, nfConntrackMax: 10, policyIn: "DROP" });
    expect(r.failures?.map((f) => f.property).sort()).toEqual(["nfConntrackMax", "policyIn"]);
  });
});
