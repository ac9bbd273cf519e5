import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { resolveClientConfig } from "../../provider/client/config";
import { FirewallApi } from "../../provider/client/firewall";
import { PveHttpClient } from "../../provider/client/http";
import { planRules } from "../../provider/plan/rules";
import { storedRule } from "../../provider/resources/apply-rules";
import { rulesOf } from "../../provider/resources/rules";
import type { ResourceKind } from "../../sdk/shim";
import { useEmulator } from "../helpers/emulator";
import { emulatorEnv, providerFor, withoutGuardNotes, writes } from "./helpers";

const emu = useEmulator({
  topology: { nodes: ["pve1"], guests: [{ vmid: 101, node: "pve1", type: "qemu", name: "db", nics: {} }] },
});

const OWNER = "0123456789abcdef";

const VM_RULES = [
  "[RULES]",
  "",
  "IN ACCEPT -p tcp -dport 22 # ssh",
  "IN ACCEPT -p tcp -dport 80 # web",
  "|IN DROP -p udp -dport 53 # dns",
  "",
].join("\n");

/** One kind's target, already on the server before the program runs. */
interface Takeover {
  readonly kind: ResourceKind;
  /** The data-dir file and the text it holds. */
  readonly file: string;
  readonly text: string;
  /** The declaration (different from what is there). */
  readonly inputs: Record<string, unknown>;
  /** A declaration equal to what is there. */
  readonly equal: Record<string, unknown>;
  /** The refusal's first line and the lines listing what exists. */
  readonly lists: readonly string[];
}

const CLUSTER_OBJECTS = [
  "[ALIASES]",
  "",
  "office 192.0.2.0/24 # hq",
  "",
  "[IPSET blocklist] # scanners",
  "",
  "198.18.0.1",
  "198.18.0.2 # known",
  "",
  "[group webserver] # web tier",
  "",
  "IN ACCEPT -p tcp -dport 443",
  "",
].join("\n");

const TAKEOVERS: readonly Takeover[] = [
  {
    kind: "FirewallRules",
    file: "firewall/101.fw",
    text: VM_RULES,
    inputs: { scope: { node: "pve1", vmid: 101 }, rules: [{ action: "DROP" }] },
    equal: {
      scope: { node: "pve1", vmid: 101 },
      rules: [
        { action: "ACCEPT", proto: "tcp", dport: 22, comment: "ssh" },
        { action: "ACCEPT", proto: "tcp", dport: 80, comment: "web" },
        { action: "DROP", proto: "udp", dport: 53, comment: "dns", enable: false },
      ],
    },
    lists: [
      "the rule list of qemu/pve1/101 is not empty: it has 3 rules:",
      "  0: IN ACCEPT -p tcp -dport 22 # ssh",
      "  1: IN ACCEPT -p tcp -dport 80 # web",
      "  2: |IN DROP -p udp -dport 53 # dns",
    ],
  },
  {
    kind: "GuestFirewallOptions",
    file: "firewall/101.fw",
    text: "[OPTIONS]\n\nenable: 1\npolicy_in: ACCEPT\n",
    inputs: { scope: { node: "pve1", vmid: 101 }, enable: true },
    equal: { scope: { node: "pve1", vmid: 101 }, enable: true, policyIn: "ACCEPT" },
    lists: ["options of qemu/pve1/101 are already set (2 options):", "  enable: 1", "  policy_in: ACCEPT"],
  },
  {
    kind: "Alias",
    file: "firewall/cluster.fw",
    text: CLUSTER_OBJECTS,
    inputs: { name: "office", cidr: "192.0.2.7" },
    equal: { name: "office", cidr: "192.0.2.0/24", comment: "hq" },
    lists: ["alias 'office' already exists in cluster:", "  office = 192.0.2.0/24 # hq"],
  },
  {
    kind: "IpSet",
    file: "firewall/cluster.fw",
    text: CLUSTER_OBJECTS,
    inputs: { name: "blocklist", entries: ["198.18.0.1"] },
    equal: {
      name: "blocklist",
      comment: "scanners",
      entries: ["198.18.0.1", { cidr: "198.18.0.2", comment: "known" }],
    },
    lists: [
      "ipset 'blocklist' already exists in cluster with 2 entries (comment: scanners):",
      "  198.18.0.1",
      "  198.18.0.2 # known",
    ],
  },
  {
    kind: "SecurityGroup",
    file: "firewall/cluster.fw",
    text: CLUSTER_OBJECTS,
    inputs: { name: "webserver", rules: [{ action: "ACCEPT", macro: "Web" }] },
    equal: { name: "webserver", comment: "web tier", rules: [{ action: "ACCEPT", proto: "tcp", dport: 443 }] },
    lists: [
      "security group 'webserver' already exists with 1 rule (comment: web tier):",
      "  0: IN ACCEPT -p tcp -dport 443",
    ],
  },
];

afterEach(async () => {
  await emu.handle().editFile("firewall/101.fw", "");
  await emu.handle().editFile("firewall/cluster.fw", "");
  emu.handle().calls.reset();
});

describe("create without adopt", () => {
  it.each(TAKEOVERS.map((t) => [t.kind, t] as const))(
    "fails %s over an existing object in preview and in create, listing it, with the file untouched",
    async (_kind, t) => {
      await emu.handle().editFile(t.file, t.text);
      const p = await providerFor(t.kind, emu.handle());
      emu.handle().calls.reset();
      const checked = await p.check({}, { ...t.inputs, __owner: OWNER });
      // preview: the check of a new resource reads (GETs only) and fails as the create would
      expect(writes(emu.handle())).toBe(0);
      expect(checked.failures).toHaveLength(1);
      expect(checked.failures?.[0]?.property).toBe("adopt");
      const reason = checked.failures?.[0]?.reason ?? "";
      expect(reason.split("\n").slice(0, t.lists.length)).toEqual(t.lists);
      expect(reason).toContain(`nothing was written; set adopt: true on this ${t.kind} to take it over`);

      const valid = await p.check({}, { ...t.inputs, adopt: false });
      expect(valid.failures?.[0]?.reason).toBe(reason);
      const canonical = (await p.check({ previous: true }, t.inputs)).inputs; // an update's check: no read
      const error = await p.create({ ...canonical, __owner: OWNER }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "FW_TAKEOVER_REFUSED" });
      expect(error).not.toHaveProperty("id"); // never recorded as a partially created resource
      expect((error as Error).message).toContain(t.lists[0]);
      expect(writes(emu.handle())).toBe(0);
      expect(await emu.handle().readFile(t.file)).toBe(t.text);
    },
  );

  it("makes no API call in check of an existing resource, nor when an input is still unknown", async () => {
    const p = await providerFor("FirewallRules", emu.handle());
    emu.handle().calls.reset();
    // a guest's list: the lockout guard's reads for the management path are tested in guard.test.ts
    const guest = { node: "pve1", vmid: 101, guestType: "qemu" };
    await p.check({ scope: guest, rules: [] }, { scope: guest, rules: [{ action: "DROP" }] });
    await p.check({}, { scope: { node: "pve1", vmid: unknownValue }, rules: [{ action: "DROP" }] });
    await p.check({}, { rules: [{ action: "DROP" }], adopt: unknownValue });
    expect(emu.handle().calls.total()).toBe(0);
  });
});

describe("ownership inputs", () => {
  it("keeps adopt and __owner through create and read, so a refresh shows no change", async () => {
    const p = await providerFor("Alias", emu.handle());
    const checked = await p.check({}, { name: "lab", cidr: "192.0.2.9", adopt: true, __owner: OWNER });
    const created = await p.create(checked.inputs);
    expect(created.outs).toMatchObject({ adopt: true, __owner: OWNER });
    const read = await p.read(created.id, created.outs);
    expect(read.inputs).toEqual(checked.inputs);
    await p.delete(created.id, created.outs);
  });
});

describe("create with adopt", () => {
  it.each(TAKEOVERS.map((t) => [t.kind, t] as const))(
    "takes over %s that already equals the declaration with zero writes",
    async (_kind, t) => {
      await emu.handle().editFile(t.file, t.text);
      const messages: string[] = [];
      const p = await providerFor(t.kind, emu.handle(), messages);
      const checked = await p.check({}, { ...t.equal, adopt: true, __owner: OWNER });
      expect(checked.failures).toBeUndefined();
      emu.handle().calls.reset();
      const created = await p.create(checked.inputs);
      expect(writes(emu.handle())).toBe(0);
      expect(await emu.handle().readFile(t.file)).toBe(t.text);
      expect((await p.diff(created.id, created.outs, checked.inputs)).changes).toBe(false);
      expect(withoutGuardNotes(messages)).toEqual([
        `adopt ${t.kind} ${created.id}: already as declared, no writes`,
        `adopt ${t.kind} ${created.id}: done, 0 writes`,
      ]);
    },
  );

  it("takes over a different rule list with exactly the planned writes, reporting each rule it removes", async () => {
    await emu.handle().editFile("firewall/101.fw", VM_RULES);
    const http = new PveHttpClient(resolveClientConfig({}, emulatorEnv(emu.handle())));
    const scope = { kind: "vm", node: "pve1", vmid: 101, guestType: "qemu" } as const;
    const live = (await new FirewallApi(http).listRules(scope)).rules.map(storedRule);
    await http.close();
    const messages: string[] = [];
    const p = await providerFor("FirewallRules", emu.handle(), messages);
    const desired = {
      scope: { node: "pve1", vmid: 101 },
      rules: [
        { action: "ACCEPT", proto: "tcp", dport: 22, comment: "ssh from anywhere" },
        { action: "DROP", comment: "everything else" },
      ],
      adopt: true,
      __owner: OWNER,
    };
    const checked = await p.check({}, desired);
    expect(checked.failures).toBeUndefined();
    const planned = planRules(live, rulesOf(checked.inputs));
    // the preview already says what the takeover will do, one line per write, with removed rules' content
    expect(messages[0]).toBe(
      `adopt FirewallRules qemu/pve1/101: ${planned.length} writes to make it equal the declaration:`,
    );
    expect(messages).toContain("adopt FirewallRules qemu/pve1/101:   delete rule 2: |IN DROP -p udp -dport 53 # dns");
    // the planner turns the web rule into the DROP in place (one PUT): reported as replacing it
    expect(messages).toContain(
      "adopt FirewallRules qemu/pve1/101:   replace rule 1: IN ACCEPT -p tcp -dport 80 # web => IN DROP # everything else",
    );

    messages.length = 0;
    emu.handle().calls.reset();
    const created = await p.create(checked.inputs);
    expect(writes(emu.handle())).toBe(planned.length);
    expect(messages).toEqual([`adopt FirewallRules qemu/pve1/101: done, ${planned.length} writes`]);
    expect(await emu.handle().readFile("firewall/101.fw")).toBe(
      "[RULES]\n\nIN ACCEPT -p tcp -dport 22 # ssh from anywhere\nIN DROP # everything else\n\n",
    );
    expect(created.outs["rules"]).toEqual([
      { type: "in", action: "ACCEPT", enable: true, proto: "tcp", dport: "22", comment: "ssh from anywhere" },
      { type: "in", action: "DROP", enable: true, comment: "everything else" },
    ]);
  });

  it("regress-D5: plans an IPSet takeover showing each entry as Proxmox writes it, nomatch and comment included", async () => {
    const text =
      "[IPSET blocklist] # scanners\n\n198.18.0.0/15\n!198.18.5.0/24 # partner inside\n198.18.9.0/24 # old\n";
    await emu.handle().editFile("firewall/cluster.fw", text);
    const messages: string[] = [];
    const p = await providerFor("IpSet", emu.handle(), messages);
    const entries = [
      "198.18.0.0/15",
      { cidr: "198.18.9.0/24", nomatch: true },
      { cidr: "203.0.113.9", comment: "vpn" },
    ];
    const checked = await p.check({}, { name: "blocklist", comment: "scanners", entries, adopt: true, __owner: OWNER });
    expect(checked.failures).toBeUndefined();
    expect(withoutGuardNotes(messages)).toEqual([
      "adopt IpSet cluster/ipset/blocklist: 3 writes to make it equal the declaration:",
      "adopt IpSet cluster/ipset/blocklist:   add entry 203.0.113.9 # vpn",
      "adopt IpSet cluster/ipset/blocklist:   update entry 198.18.9.0/24 # old => !198.18.9.0/24",
      "adopt IpSet cluster/ipset/blocklist:   delete entry !198.18.5.0/24 # partner inside",
    ]);
  });
});
