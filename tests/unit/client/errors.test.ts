import { resolveClientConfig } from "../../../provider/client/config";
import { FirewallApi } from "../../../provider/client/firewall";
import { classifyError, mayHaveApplied, PveHttpClient } from "../../../provider/client/http";
import { type ApiError, hasCode } from "../../../provider/errors";
import { CLUSTER, type Scope } from "../../../provider/model/scope";
import { type FakePve, type Reply, startFakePve } from "./fake-pve";

const VM: Scope = { kind: "vm", node: "pve1", vmid: 100, guestType: "qemu" };
const PARAM_FAILED = "Parameter verification failed.\n";

/** A client of `url` with a token and one attempt per request (no retries). */
function clientFor(url: string): PveHttpClient {
  const config = { endpoint: url, apiToken: "root@pam!ci=9d7e-secret", retry: { maxAttempts: 1 } };
  return new PveHttpClient(resolveClientConfig(config, {}));
}

/**
 * For the calling `describe`: a fake Proxmox answering every request with the last `reply` (at
 * first `{ data: null }`), and an API on it.
 */
function useFakeApi(): { api: () => FirewallApi; reply: (next: Reply) => void } {
  let server: FakePve;
  let api: FirewallApi;
  let next: Reply = { data: null };
  beforeAll(async () => {
    server = await startFakePve(() => next);
    api = new FirewallApi(clientFor(server.url));
  });
  afterAll(async () => {
    await api.http.close();
    await server.close();
  });
  return {
    api: () => api,
    reply: (reply) => {
      next = reply;
    },
  };
}

interface Case {
  readonly name: string;
  readonly reply: Reply;
  readonly call: (api: FirewallApi) => Promise<unknown>;
  readonly code: string;
  readonly message: string;
}

const cases: Case[] = [
  {
    name: "no such IPSet",
    reply: { status: 500, message: "no such IPSet 'nope'\n" },
    call: (api) => api.listIpSetEntries(CLUSTER, "nope"),
    code: "FW_NOT_FOUND",
    message: "ipset cluster/ipset/nope: no such IPSet 'nope'",
  },
  {
    name: "no rule at position",
    reply: { status: 500, message: "no rule at position 3\n" },
    call: (api) => api.getRule(VM, 3),
    code: "FW_NOT_FOUND",
    message: "rule 3 at qemu/pve1/100: no rule at position 3",
  },
  {
    name: "rules of a scope whose file does not exist",
    reply: {
      status: 500,
      message:
        "Can't use an undefined value as an ARRAY reference at /usr/share/perl5/PVE/API2/Firewall/Rules.pm line 462.\n",
    },
    call: (api) => api.deleteRule(VM, 0),
    code: "FW_NOT_FOUND",
    message:
      "rule 0 at qemu/pve1/100: Can't use an undefined value as an ARRAY reference at /usr/share/perl5/PVE/API2/Firewall/Rules.pm line 462.",
  },
  {
    name: "no such security group",
    reply: { status: 500, message: "no such security group 'web'\n" },
    call: (api) => api.listRules({ kind: "group", group: "web" }),
    code: "FW_NOT_FOUND",
    message: "rules of cluster/group/web: no such security group 'web'",
  },
  {
    name: "guest config of a guest that is not on the node",
    reply: { status: 500, message: "Configuration file 'nodes/pve1/qemu-server/555.conf' does not exist\n" },
    call: (api) => api.getGuestConfig("pve1", "qemu", 555),
    code: "FW_NOT_FOUND",
    message: "config of qemu/pve1/555: Configuration file 'nodes/pve1/qemu-server/555.conf' does not exist",
  },
  {
    name: "no such alias (400 on name)",
    reply: { status: 400, message: PARAM_FAILED, errors: { name: "no such alias" } },
    call: (api) => api.getAlias(CLUSTER, "office"),
    code: "FW_NOT_FOUND",
    message: "alias cluster/alias/office: name: no such alias",
  },
  {
    name: "no such IP/Network",
    reply: { status: 400, message: PARAM_FAILED, errors: { cidr: "no such IP/Network" } },
    call: (api) => api.updateIpSetEntry(CLUSTER, "mgmt", "10.0.0.5", { comment: "x" }),
    code: "FW_NOT_FOUND",
    message: "ipset entry cluster/ipset/mgmt/10.0.0.5: cidr: no such IP/Network",
  },
  {
    name: "digest mismatch",
    reply: { status: 500, message: "detected modified configuration - file changed by other user? Try again.\n" },
    call: (api) => api.deleteRule(CLUSTER, 2, "0123"),
    code: "FW_DIGEST_MISMATCH",
    message: "rule 2 at cluster: detected modified configuration - file changed by other user? Try again.",
  },
  {
    name: "pmxcfs lock timeout",
    reply: { status: 500, message: "cfs-lock 'firewall-cluster' error: got lock request timeout\n" },
    call: (api) => api.createAlias(CLUSTER, { name: "office", cidr: "192.0.2.0/24" }),
    code: "FW_LOCK_TIMEOUT",
    message: "alias cluster/alias/office: cfs-lock 'firewall-cluster' error: got lock request timeout",
  },
  {
    name: "local file lock timeout",
    reply: { status: 500, message: "can't lock file '/var/lock/pve-manager/pve-firewall.lck' - got timeout\n" },
    call: (api) => api.setOptions(VM, { enable: 1 }),
    code: "FW_LOCK_TIMEOUT",
    message: "options of qemu/pve1/100: can't lock file '/var/lock/pve-manager/pve-firewall.lck' - got timeout",
  },
  {
    name: "per-field validation error",
    reply: { status: 400, message: PARAM_FAILED, errors: { source: "no such alias 'office'" } },
    call: (api) => api.updateRule(VM, 3, { source: "office" }),
    code: "FW_API",
    message: "rule 3 at qemu/pve1/100: source: no such alias 'office'",
  },
  {
    name: "unknown alias as an ipset entry (a 500, not a missing object)",
    reply: { status: 500, message: "no such alias 'nosuchalias'\n" },
    call: (api) => api.addIpSetEntry(CLUSTER, "mgmt", { cidr: "nosuchalias" }),
    code: "FW_API",
    message: "ipset entry cluster/ipset/mgmt/nosuchalias: no such alias 'nosuchalias'",
  },
  {
    name: "not implemented",
    reply: { status: 501, message: "Method 'GET /cluster/sdn/vnets' not implemented\n" },
    call: (api) => api.listVnets(),
    code: "FW_API",
    message: "vnets: Method 'GET /cluster/sdn/vnets' not implemented",
  },
  {
    name: "a non-JSON error page from a proxy",
    reply: { raw: "text", status: 502, body: "<html>bad gateway</html>" },
    call: (api) => api.listNodes(),
    code: "FW_API",
    message: "nodes: Bad Gateway",
  },
];

describe("PveHttpClient error classification", () => {
  const fake = useFakeApi();

  it.each(cases)("classifies $name", async ({ reply, call, code, message }) => {
    fake.reply(reply);
    const err = (await call(fake.api()).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
    expect(hasCode(err, code as `FW_${string}`)).toBe(true);
  });

  it("carries method, path, status, Proxmox message and field errors", async () => {
    fake.reply({ status: 400, message: PARAM_FAILED, errors: { dport: "protocol 'gre' does not support ports\n" } });
    const err = (await fake
      .api()
      .createRule(VM, { type: "in", action: "ACCEPT" })
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({
      method: "POST",
      path: "/nodes/pve1/qemu/100/firewall/rules",
      status: 400,
      pveMessage: "Parameter verification failed.",
      fieldErrors: { dport: "protocol 'gre' does not support ports" },
    });
  });

  it("fails with an ApiError naming the field when a response has the wrong shape", async () => {
    fake.reply({ data: [{ pos: 0, type: "sideways", action: "ACCEPT" }] });
    const err = (await fake
      .api()
      .listRules(CLUSTER)
      .catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe("FW_API");
    expect(err.message).toMatch(/^rules of cluster: unexpected response: 0\.type: /);
  });
});

describe("classifyError", () => {
  it("classifies a missing answer as a network error", () => {
    const e = classifyError({ method: "GET", path: "/version", status: 0, pveMessage: "connect ECONNREFUSED" });
    expect(e.code).toBe("FW_NETWORK");
    expect(e.message).toBe("GET /version: connect ECONNREFUSED");
  });

  it("does not treat a Perl crash outside rules/{pos} as not found", () => {
    const e = classifyError({
      method: "GET",
      path: "/cluster/firewall/options",
      status: 500,
      pveMessage: "Can't use an undefined value as an ARRAY reference at x line 1.",
    });
    expect(e.code).toBe("FW_API");
  });
});

describe("mayHaveApplied", () => {
  const fake = useFakeApi();

  const outcomes: [string, Reply, boolean][] = [
    ["a 500 that is not a known refusal", { status: 500, message: "close (rename) atomic file failed\n" }, true],
    ["a 502 from a proxy", { raw: "text", status: 502, body: "<html>bad gateway</html>" }, true],
    ["a dropped connection after sending", { raw: "destroy" }, true],
    ["a 400 parameter error", { status: 400, message: PARAM_FAILED, errors: { cidr: "bad" } }, false],
    ["Proxmox's refusal of an unknown alias entry", { status: 500, message: "no such alias 'x'\n" }, false],
    ["a non-empty IPSet", { status: 500, message: "IPSet 'x' is not empty\n" }, false],
    [
      "a digest mismatch",
      { status: 500, message: "detected modified configuration - file changed by other user? Try again.\n" },
      false,
    ],
    [
      "a lock timeout",
      { status: 500, message: "cfs-lock 'firewall-cluster' error: got lock request timeout\n" },
      false,
    ],
    ["a missing quorum", { status: 500, message: "cfs-lock 'firewall-cluster' error: no quorum!\n" }, false],
    ["a missing IPSet", { status: 500, message: "no such IPSet 'x'\n" }, false],
    ["an unknown method", { status: 501, message: "Method 'POST /x' not implemented\n" }, false],
    ["a refused permission", { status: 403, message: "Permission check failed\n" }, false],
  ];

  it.each(outcomes)("says whether a write that failed with %s may have been applied", async (_name, reply, may) => {
    fake.reply(reply);
    const err = await fake
      .api()
      .addIpSetEntry(CLUSTER, "x", { cidr: "10.0.0.1" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(mayHaveApplied(err)).toBe(may);
  });

  it("says a write that never reached a socket was not applied", async () => {
    const closed = await startFakePve(() => ({ data: null }));
    const url = closed.url;
    await closed.close();
    const client = clientFor(url);
    const err = await new FirewallApi(client)
      .addIpSetEntry(CLUSTER, "x", { cidr: "10.0.0.1" })
      .catch((e: unknown) => e);
    expect(hasCode(err, "FW_NETWORK")).toBe(true);
    expect(mayHaveApplied(err)).toBe(false);
    await client.close();
  });
});
