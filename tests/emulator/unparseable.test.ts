/**
 * BEHAVIOR.md §11: what Proxmox keeps for `.fw` lines it cannot parse. Expected answers, digests
 * and files come from running pve-firewall 6.0.4's own `generic_fw_config_parser`,
 * `copy_list_with_digest` and `$format_aliases`/`$format_ipsets` on the same files.
 */
import { useEmulator } from "../helpers/emulator";
import { form, formHeaders, rawCall } from "./http";

const emu = useEmulator({
  topology: { nodes: ["pve1"], guests: [{ vmid: 100, type: "qemu", node: "pve1" }], vnets: [] },
});
const NOT_AN_ADDRESS = "value does not look like a valid IP address or CIDR network";

async function get(path: string): Promise<unknown> {
  const reply = await rawCall(emu.apiBase(), "GET", path, { headers: { authorization: emu.authorization() } });
  expect(reply.status).toBe(200);
  return reply.body.data;
}

async function post(path: string, params: Record<string, string>): Promise<void> {
  const reply = await rawCall(emu.apiBase(), "POST", path, {
    headers: formHeaders(emu.authorization()),
    body: form(params),
  });
  expect(reply).toMatchObject({ status: 200 });
}

beforeEach(async () => {
  await emu.handle().editFile("firewall/cluster.fw", "");
  await emu.handle().editFile("firewall/100.fw", "");
});

describe("a line Proxmox cannot parse", () => {
  it("keeps an [ALIASES] line as a nameless alias, listed with only the digest and written back as one space", async () => {
    await emu.handle().editFile("firewall/cluster.fw", "[ALIASES]\nbad\noffice 192.0.2.1\n");
    const digest = "df883332974487f73dfee5b84881b7d57f9c412c";
    expect(await get("/cluster/firewall/aliases")).toEqual([
      { digest },
      { name: "office", cidr: "192.0.2.1", ipversion: 4, digest },
    ]);
    const refs = (await get("/cluster/firewall/refs")) as unknown[];
    expect(refs).toHaveLength(2);
    expect(refs).toEqual(
      expect.arrayContaining([
        { type: "alias", name: "", ref: "", scope: "dc" },
        { type: "alias", name: "office", ref: "office", scope: "dc" },
      ]),
    );
    await post("/cluster/firewall/aliases", { name: "lab", cidr: "192.0.2.2" });
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(
      "[ALIASES]\n\n \nlab 192.0.2.2\noffice 192.0.2.1\n\n",
    );
    const after = "c1e7905acc033a5f715bdb397ec90341c5dad131";
    expect(await get("/cluster/firewall/aliases")).toEqual([
      { name: "lab", cidr: "192.0.2.2", ipversion: 4, digest: after },
      { name: "office", cidr: "192.0.2.1", ipversion: 4, digest: after },
    ]);
  });

  it("keeps an IPSet line as an entry without cidr, counted in the digest and written back as '!'", async () => {
    await emu.handle().editFile("firewall/cluster.fw", "[IPSET s1]\n192.0.2.1 192.0.2.2\n192.0.2.3\n");
    const digest = "839fc7a765f9968961aacd705380eb1629e53d38";
    expect(await get("/cluster/firewall/ipset/s1")).toEqual([
      { nomatch: 1, errors: { cidr: NOT_AN_ADDRESS }, digest },
      { cidr: "192.0.2.3", digest },
    ]);
    await post("/cluster/firewall/ipset/s1", { cidr: "192.0.2.4" });
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe("[IPSET s1]\n\n!\n192.0.2.3\n192.0.2.4\n\n");
    // `!` alone reads back as the entry with cidr "!" (Perl's regex backtracks past the optional `!`).
    const after = "6c4ff8f1af13e577b3a76c9afec0579be430f61b";
    expect(await get("/cluster/firewall/ipset/s1")).toEqual([
      { cidr: "!", errors: { cidr: NOT_AN_ADDRESS }, digest: after },
      { cidr: "192.0.2.3", digest: after },
      { cidr: "192.0.2.4", digest: after },
    ]);
  });

  it("reads a CRLF header inside an open [IPSET] as entries of that set, rules included", async () => {
    await emu
      .handle()
      .editFile("firewall/cluster.fw", "[IPSET s1]\r\n192.0.2.1\r\n\r\n[RULES]\r\nIN ACCEPT -p tcp -dport 22\r\n");
    const digest = "b8dd030a060d08c8b6a1dab9593c31b979e458d6";
    expect(await get("/cluster/firewall/ipset/s1")).toEqual([
      { cidr: "192.0.2.1", digest },
      { cidr: "[RULES]", errors: { cidr: NOT_AN_ADDRESS }, digest },
      { nomatch: 1, errors: { cidr: NOT_AN_ADDRESS }, digest },
    ]);
    expect(await get("/cluster/firewall/rules")).toEqual([]);
    await post("/cluster/firewall/ipset/s1", { cidr: "192.0.2.5" });
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe(
      "[IPSET s1]\n\n!\n192.0.2.1\n192.0.2.5\n[RULES]\n\n",
    );
    // Written without the `\r`, `[RULES]` is a header again: the set loses that entry.
    const after = "7b30f1eab6a571edfd37d8d90494115575cde30e";
    expect(await get("/cluster/firewall/ipset/s1")).toEqual([
      { cidr: "!", errors: { cidr: NOT_AN_ADDRESS }, digest: after },
      { cidr: "192.0.2.1", digest: after },
      { cidr: "192.0.2.5", digest: after },
    ]);
  });

  it("returns an IPSet entry naming a missing alias with errors, and keeps it on write", async () => {
    await emu.handle().editFile("firewall/cluster.fw", "[IPSET s1]\ndc/nosuchalias\n");
    expect(await get("/cluster/firewall/ipset/s1")).toEqual([
      {
        cidr: "dc/nosuchalias",
        errors: { cidr: "no such alias 'nosuchalias'" },
        digest: "ba4b9c039f26cc860f3444b651b87b8e3c5a59f8",
      },
    ]);
    await post("/cluster/firewall/ipset/s1", { cidr: "192.0.2.1" });
    expect(await emu.handle().readFile("firewall/cluster.fw")).toBe("[IPSET s1]\n\n192.0.2.1\ndc/nosuchalias\n\n");
    const after = "251382d7a40789dc327edccbb027ac677fddcae3";
    expect(await get("/cluster/firewall/ipset/s1")).toEqual([
      { cidr: "192.0.2.1", digest: after },
      { cidr: "dc/nosuchalias", errors: { cidr: "no such alias 'nosuchalias'" }, digest: after },
    ]);
  });

  it("checks a guest's IPSet entries against the cluster's aliases as they are now", async () => {
    await emu.handle().editFile("firewall/100.fw", "[IPSET s1]\ndc/office\n");
    const path = "/nodes/pve1/qemu/100/firewall/ipset/s1";
    expect(await get(path)).toEqual([
      { cidr: "dc/office", errors: { cidr: "no such alias 'office'" }, digest: expect.any(String) },
    ]);
    await post("/cluster/firewall/aliases", { name: "office", cidr: "192.0.2.1" });
    expect(await get(path)).toEqual([{ cidr: "dc/office", digest: expect.any(String) }]);
  });
});
