import { useEmulator } from "../helpers/emulator";
import { form, formHeaders, rawCall } from "./http";

let now = 1_800_000_000;
const emu = useEmulator({ nowSec: () => now });

async function put(params: Record<string, string | number>) {
  return rawCall(emu.apiBase(), "PUT", "/cluster/firewall/options", {
    headers: formHeaders(emu.authorization()),
    body: form(params),
  });
}

async function options() {
  return (
    await rawCall(emu.apiBase(), "GET", "/cluster/firewall/options", {
      headers: { authorization: emu.authorization() },
    })
  ).body.data as { enable?: number; policy_in?: string };
}

// API2/Firewall/Cluster.pm set_options: `$param->{enable} = time() if $param->{enable} > 1`;
// Firewall.pm parse_clusterfw_option: `$value = 0 if $value > 1 && time() - $value > 60`.
describe("cluster enable timestamp", () => {
  beforeEach(async () => {
    now = 1_800_000_000;
    await emu.handle().editFile("firewall/cluster.fw", "");
  });

  it("stores the current time for enable > 1 and reads it as 0 after 60 s", async () => {
    await put({ enable: 2 });
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(`[OPTIONS]\n\nenable: ${now}\n\n`);
    expect((await options()).enable).toBe(1_800_000_000);
    now += 61;
    expect((await options()).enable).toBe(0);
  });

  it("ignores the client's number and keeps the timestamp at exactly 60 s", async () => {
    await put({ enable: 1_234_567_890 });
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(`[OPTIONS]\n\nenable: ${now}\n\n`);
    now += 60;
    expect((await options()).enable).toBe(1_800_000_000);
  });

  it("writes an expired timestamp back as 0 when another option is set", async () => {
    await put({ enable: 2 });
    now += 61;
    await put({ policy_in: "DROP" });
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe("[OPTIONS]\n\nenable: 0\npolicy_in: DROP\n\n");
  });

  it("keeps enable 1 (the second step of the two-step enable) for good", async () => {
    await put({ enable: 2 });
    await put({ enable: 1 });
    now += 3600;
    expect((await options()).enable).toBe(1);
  });

  it("does not treat a host.fw enable value above 1 as a timestamp", async () => {
    await emu.handle().editFile("nodes/pve1/host.fw", "[OPTIONS]\nenable: 1\n");
    const r = await rawCall(emu.apiBase(), "PUT", "/nodes/pve1/firewall/options", {
      headers: formHeaders(emu.authorization()),
      body: form({ enable: 2 }),
    });
    expect(r.status).toBe(400);
  });
});
