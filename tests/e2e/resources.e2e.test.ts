import { LIFECYCLE_CASES } from "./cases";
import { type FileSnapshot, restoreFiles, snapshotFiles, useE2e } from "./harness";
import { runLifecycle } from "./lifecycle";

const fx = useE2e({
  topology: {
    nodes: ["pve1", "pve2"],
    guests: [
      {
        vmid: 100,
        node: "pve1",
        type: "qemu",
        name: "web",
        nics: { net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1" },
      },
    ],
    vnets: [{ vnet: "v1", zone: "z1" }],
  },
});

let initial: FileSnapshot = new Map();
beforeAll(async () => {
  initial = await snapshotFiles(fx.env().emu.dataDir);
});
afterEach(async () => {
  const { emu } = fx.env();
  emu.faults.clear();
  await restoreFiles(emu, initial);
  emu.calls.reset();
});

describe("every resource through the dynamic-provider host", () => {
  it.each(LIFECYCLE_CASES.map((c) => [c.title, c] as const))(
    "runs %s through check, create, read, diff, update, drift and delete",
    async (_title, c) => {
      await runLifecycle(fx, c);
    },
  );
});
