/**
 * An admin edits the list an `up` is changing, between its writes: the emulator holds one of the
 * run's writes until the admin's edit (through the API, as the GUI sends it) has landed, together
 * with an edit of objects the stack does not manage. Proxmox's digest (or the read that proves writes it does
 * not check) catches the edit, the provider re-reads and re-plans, and the same `up` ends with the
 * managed list exactly as an undisturbed run leaves it, and the foreign objects exactly as the admin
 * left them. Runs through the dynamic-provider host; the stack is tests/reliability/stack.ts.
 */
import { type FileSnapshot, restoreFiles, snapshotFiles, useE2e } from "../e2e/harness";
import { until } from "../helpers/runner-process";
import { previewRefresh, type StackRecord, upThroughHost } from "./host-up";
import { foreignView, outOfBand, program, seedForeign, TOPOLOGY } from "./stack";

const fx = useE2e({ topology: TOPOLOGY });

/** The stack at version 1 (created once), with the foreign objects around it: its files and state. */
let version1: { files: FileSnapshot; state: StackRecord } | undefined;

/** Puts the stack back at version 1; returns a state of its own. */
async function atVersion1(): Promise<StackRecord> {
  const { emu } = fx.env();
  if (!version1) {
    await seedForeign(emu);
    const state: StackRecord = new Map();
    expect(await upThroughHost(fx, program(1), state)).toEqual({});
    version1 = { files: await snapshotFiles(emu.dataDir), state };
  }
  await restoreFiles(emu, version1.files);
  return new Map(version1.state);
}

/** The text of section `header` (`[IPSET blocklist]`) of `file`, up to the next section. */
function section(file: string | undefined, header: string): string {
  const text = file ?? "";
  const start = text.indexOf(`${header}`);
  const end = text.indexOf("\n[", start + header.length);
  return start < 0 ? "" : text.slice(start, end < 0 ? undefined : end);
}

/** How an `up` to version 2 ended: the files, the requests it made, and the foreign objects as the admin left them. */
interface Outcome {
  readonly files: FileSnapshot;
  readonly calls: Readonly<Record<string, number>>;
  readonly foreign?: unknown;
}

/** An admin's edit made while the emulator holds request number `nth` of `write` (`METHOD /template`). */
interface AdminEdit {
  readonly write: string;
  readonly nth: number;
  readonly edit: () => Promise<void>;
}

/** From version 1, runs the `up` to version 2, with the admin's edit when one is given. */
async function upToVersion2(admin?: AdminEdit): Promise<Outcome> {
  const { emu } = fx.env();
  const state = await atVersion1();
  let hold = 0;
  if (admin) {
    const [method, path] = admin.write.split(" ") as [string, string];
    // the first nth-1 matching writes pass a released hold, the nth waits until the edit is done
    if (admin.nth > 1) emu.faults.release(emu.faults.add({ kind: "hold", method, path, count: admin.nth - 1 }));
    hold = emu.faults.add({ kind: "hold", method, path, count: 1 });
  }
  emu.calls.reset();
  const running = upThroughHost(fx, program(2), state);
  let foreign: unknown;
  if (admin) {
    const held = () => emu.faults.list().some((f) => f.id === hold && f.hits > 0);
    await until(`${admin.write} number ${admin.nth} is held`, held);
    await admin.edit();
    foreign = await foreignView(emu);
    emu.faults.release(hold);
  }
  expect(await running).toEqual({});
  emu.faults.clear();
  const calls = emu.calls.snapshot();
  expect(await previewRefresh(fx, program(2), state)).toEqual([]);
  return { files: await snapshotFiles(emu.dataDir), calls, foreign };
}

/** The run without an edit: where every edited run must end, and the reads it makes. */
let undisturbed: Outcome;
beforeAll(async () => {
  undisturbed = await upToVersion2();
}, 60_000);

/** An edit of objects the stack does not manage, made with the admin's edit of the managed list. */
async function foreignEdit(): Promise<void> {
  const { emu } = fx.env();
  await outOfBand(emu, "POST", "/cluster/firewall/ipset/partners", { cidr: "203.0.113.128/28", comment: "meanwhile" });
  await outOfBand(emu, "POST", "/nodes/pve1/firewall/rules", {
    type: "in",
    action: "ACCEPT",
    proto: "tcp",
    dport: "9999",
    enable: 1,
    comment: "meanwhile",
  });
}

describe("an admin editing the same list during an up", () => {
  it("is caught by the rule list's digest, re-planned, and ends as declared in the same up", async () => {
    const { emu } = fx.env();
    const list = "GET /nodes/{node}/qemu/{vmid}/firewall/rules";
    const edited = await upToVersion2({
      write: "PUT /nodes/{node}/qemu/{vmid}/firewall/rules/{pos}",
      nth: 2,
      edit: async () => {
        // a rule added at the top and a managed rule's comment changed, between two of our writes
        const vm = "/nodes/pve1/qemu/101/firewall/rules";
        await outOfBand(emu, "POST", vm, { type: "in", action: "DROP", proto: "tcp", dport: "3306", enable: 1 });
        await outOfBand(emu, "PUT", `${vm}/3`, { comment: "edited by the admin" });
        await foreignEdit();
      },
    });
    // the held PUT carried the digest of the list before the edit: refused, the list read again
    expect(edited.calls[list]).toBe((undisturbed.calls[list] ?? 0) + 1);
    expect(edited.files.get("firewall/101.fw")).toBe(undisturbed.files.get("firewall/101.fw"));
    expect(await foreignView(emu)).toEqual(edited.foreign);
  });

  it("is caught among pipelined IPSet entry adds, re-planned, and ends as declared in the same up", async () => {
    const { emu } = fx.env();
    const list = "GET /cluster/firewall/ipset/{name}";
    const edited = await upToVersion2({
      write: "POST /cluster/firewall/ipset/{name}",
      nth: 10,
      edit: async () => {
        // an entry added, a declared one removed and another's comment changed, among our adds
        const set = "/cluster/firewall/ipset/blocklist";
        await outOfBand(emu, "POST", set, { cidr: "198.18.99.99", comment: "admin" });
        await outOfBand(emu, "DELETE", `${set}/198.18.0.100`);
        await outOfBand(emu, "PUT", `${set}/198.18.0.101`, { comment: "admin" });
        await foreignEdit();
      },
    });
    // the first write after the adds that carried a digest (predicted from the set as read plus the
    // adds) was refused: the set was read again
    expect(edited.calls[list]).toBe((undisturbed.calls[list] ?? 0) + 1);
    const blocklist = (files: FileSnapshot) => section(files.get("firewall/cluster.fw"), "[IPSET blocklist]");
    expect(blocklist(edited.files)).toBe(blocklist(undisturbed.files));
    expect(blocklist(edited.files)).toContain("198.18.0.100\n198.18.0.101\n");
    expect(await foreignView(emu)).toEqual(edited.foreign);
  });
});
