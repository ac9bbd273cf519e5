import { useEmulator } from "../helpers/emulator";
import { form, formHeaders, rawCall } from "./http";

let now = 1_800_000_000;
const emu = useEmulator({ nowSec: () => now });

describe("cluster enable timestamp", () => {
  it("stores the current time for enable > 1 and reads it as 0 after 60 s", async () => {
    await rawCall(emu.apiBase(), "PUT", "/cluster/firewall/options", {
      headers: formHeaders(emu.authorization()),
      body: form({ enable: 2 }),
    });
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(`[OPTIONS]\n\nenable: ${now}\n\n`);
    const get = async () =>
      (
        await rawCall(emu.apiBase(), "GET", "/cluster/firewall/options", {
          headers: { authorization: emu.authorization() },
        })
      ).body.data as { enable: number };
    expect((await get()).enable).toBe(1_800_000_000);
    now += 61;
    expect((await get()).enable).toBe(0);
  });
});
