/**
 * `Resource.get(name, id)` reaches the provider's read with the SDK's `__get` marker in its props
 * (the engine's read step passes the program's props as inputs and state). A missing object must
 * fail there, or the engine records a resource without properties; a refresh of a deleted object
 * (no marker) must still answer "nothing here".
 */
import { GET_MARKER, getArgs } from "../../sdk/shim";
import { useEmulator } from "../helpers/emulator";
import { providerFor } from "./helpers";

const emu = useEmulator();

describe("read for get()", () => {
  it("marks the props of get() and nothing else", () => {
    expect(getArgs()).toEqual({ [GET_MARKER]: true });
  });

  it("fails for a missing object, naming the ID and its form", async () => {
    const p = await providerFor("Alias", emu.handle());
    await expect(p.read("cluster/alias/gone", { [GET_MARKER]: true })).rejects.toThrow(
      'id: Alias.get: no Alias with ID "cluster/alias/gone" exists (IDs look like "cluster/alias/office" or "qemu/pve1/100/alias/office"); check the ID',
    );
  });

  it("answers nothing for a missing object on a refresh (no marker), so the engine drops it", async () => {
    const p = await providerFor("Alias", emu.handle());
    expect(await p.read("cluster/alias/gone", { name: "gone", scope: {} })).toEqual({});
  });

  it("reads an existing object for get(), without keeping the marker", async () => {
    const p = await providerFor("FirewallRules", emu.handle());
    const read = await p.read("node/pve1", { [GET_MARKER]: true });
    expect(read).toMatchObject({ id: "node/pve1", props: { scope: { node: "pve1" }, rules: [] } });
    expect(read.props).not.toHaveProperty(GET_MARKER);
  });
});
