/**
 * What the state holds around an update, as the engine's snapshot holds it: the resource's old state
 * until the new one is recorded, so that an update interrupted by `kill -9`, or failed before it
 * applied anything, leaves the resource in the stack and the next `up` updates it.
 */
import { useEmulator } from "../helpers/emulator";
import { until } from "../helpers/runner-process";
import { type FixtureResource, useRunnerStack } from "./helpers";

const emu = useEmulator();
const stack = useRunnerStack(() => emu.handle());
const ALIAS_PUT = { method: "PUT", path: "/cluster/firewall/aliases/{name}" } as const;

const office = (cidr: string): FixtureResource[] => [{ kind: "Alias", name: "office", args: { name: "office", cidr } }];

/** The recorded `cidr` of the alias (absent when the stack lost it) and the pending operations. */
function recorded(): { cidr: unknown; pending: string[] } {
  const state = stack.state();
  return {
    cidr: state.resources.find((r) => r.urn.endsWith("::office"))?.outputs["cidr"],
    pending: state.pendingOperations.map((op) => `${op.type} ${op.resource.urn.replace(/.*::/, "")}`),
  };
}

describe("the state around an update", () => {
  it("regress-13: keeps the resource while its update is in flight and after it failed having applied nothing", async () => {
    expect((await stack.run("up", office("192.0.2.1"))).code).toBe(0);

    // in flight: what a kill -9 at this moment leaves behind
    const hold = emu.handle().faults.add({ kind: "hold", count: 1, ...ALIAS_PUT });
    const running = stack.run("up", office("192.0.2.2"), "--skip-preview");
    await until("the alias update is held", () =>
      emu
        .handle()
        .faults.list()
        .some((f) => f.id === hold && f.hits > 0),
    );
    expect(recorded()).toEqual({ cidr: "192.0.2.1", pending: ["updating office"] });
    emu.handle().faults.release(hold);
    expect((await running).code).toBe(0);
    expect(recorded()).toEqual({ cidr: "192.0.2.2", pending: [] });

    // failed without a write landing: the error as it is, the old state kept
    emu.handle().faults.clear();
    emu.handle().faults.add({ kind: "error500", message: "disk full", ...ALIAS_PUT });
    const failed = await stack.run("up", office("192.0.2.3"));
    emu.handle().faults.clear();
    expect(failed.code).toBe(1);
    expect(failed.err).toContain("disk full");
    expect(recorded()).toEqual({ cidr: "192.0.2.2", pending: [] });

    const next = await stack.run("up", office("192.0.2.3"));
    expect({ code: next.code, err: next.err }).toMatchObject({ code: 0 });
    expect(recorded()).toEqual({ cidr: "192.0.2.3", pending: [] });
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe("[ALIASES]\n\noffice 192.0.2.3\n\n");
  }, 120_000);
});
