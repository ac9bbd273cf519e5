import { formatIssues } from "../../../provider/model/common";
import {
  canonicalOptions,
  decodeLogRatelimit,
  optionsFromWire,
  optionsToWire,
  validateOptions,
} from "../../../provider/model/options";

describe("optionsToWire", () => {
  it("encodes booleans as 0/1, helpers as a list and log_ratelimit as a property string", () => {
    expect(
      optionsToWire("cluster", {
        enable: true,
        ebtables: false,
        policyIn: "DROP",
        logRatelimit: { enable: true, rate: "10/minute", burst: 7 },
      }),
    ).toEqual({
      ebtables: 0,
      enable: 1,
      log_ratelimit: "enable=1,burst=7,rate=10/minute",
      policy_in: "DROP",
    });
    expect(
      optionsToWire("node", { nfConntrackHelpers: ["ftp", "sip"], nfConntrackMax: 65536, tcpFlagsLogLevel: "info" }),
    ).toEqual({
      nf_conntrack_helpers: "ftp,sip",
      nf_conntrack_max: 65536,
      tcp_flags_log_level: "info",
    });
  });
});

describe("optionsFromWire", () => {
  it("decodes Proxmox values and ignores the digest", () => {
    expect(
      optionsFromWire("vm", { enable: 1, macfilter: 0, policy_in: "DROP", log_level_in: "info", digest: "abc" }),
    ).toEqual({
      enable: true,
      macfilter: false,
      policyIn: "DROP",
      logLevelIn: "info",
    });
    expect(optionsFromWire("cluster", { log_ratelimit: "1,rate=2/second" })).toEqual({
      logRatelimit: { enable: true, rate: "2/second" },
    });
  });
});

describe("canonicalOptions", () => {
  it("normalises case, numbers and property-string spelling", () => {
    expect(
      canonicalOptions("cluster", { policy_in: "drop", enable: "1", log_ratelimit: "rate=1/second,enable=0" }),
    ).toEqual({
      enable: 1,
      log_ratelimit: "enable=0,rate=1/second",
      policy_in: "DROP",
    });
  });
});

describe("decodeLogRatelimit", () => {
  it("fails on malformed strings", () => {
    expect(decodeLogRatelimit("enable=2")).toBeUndefined();
    expect(decodeLogRatelimit("enable=1,rate=0/second")).toBeUndefined();
  });
});

describe("validateOptions", () => {
  it.each([
    [
      "cluster",
      { policyForward: "REJECT" },
      `policyForward: "REJECT" is not a forward policy: ACCEPT or DROP (REJECT is not allowed)`,
    ],
    [
      "cluster",
      { logRatelimit: { enable: true, rate: "fast" } },
      `logRatelimit.rate: "fast" is not a rate: write N/second, N/minute, N/hour or N/day with N of at least 1`,
    ],
    [
      "cluster",
      { logRatelimit: { enable: true, limit: 1 } },
      "logRatelimit.limit: unknown property; logRatelimit takes enable, rate, burst",
    ],
    ["cluster", { enable: 1 }, "enable: 1 is a number, not true or false"],
    ["node", { nfConntrackMax: 100 }, "nfConntrackMax: 100 is below the minimum 32768"],
    ["node", { nfConntrackTcpTimeoutSynRecv: 61 }, "nfConntrackTcpTimeoutSynRecv: 61 is above the maximum 60"],
    ["node", { protectionSynfloodRate: -1 }, "protectionSynfloodRate: -1 is below the minimum 0"],
    [
      "node",
      { nfConntrackHelpers: ["http"] },
      `nfConntrackHelpers[0]: "http" is not a conntrack helper (amanda, ftp, irc, netbios-ns, pptp, sane, sip, snmp, tftp)`,
    ],
    [
      "node",
      { policyIn: "DROP" },
      "policyIn: unknown property; policyIn is an option of ClusterFirewallOptions and GuestFirewallOptions, not of NodeFirewallOptions",
    ],
    ["node", { log_level_in: "info" }, "log_level_in: unknown property; did you mean logLevelIn"],
    [
      "vnet",
      { dhcp: true },
      "dhcp: unknown property; dhcp is an option of GuestFirewallOptions, not of VnetFirewallOptions",
    ],
  ] as const)("fails for %s on %j", (kind, input, expected) => {
    const result = validateOptions(kind, input);
    expect(result.ok ? "ok" : formatIssues(result.issues)).toBe(expected);
  });

  it("treats null as left out and an empty helper list as the default", () => {
    expect(validateOptions("node", { enable: null, nfConntrackHelpers: [] })).toEqual({
      ok: true,
      value: {},
      warnings: [],
    });
  });

  it("returns canonical wire options", () => {
    expect(validateOptions("vnet", { enable: true, policyForward: "DROP" })).toEqual({
      ok: true,
      value: { enable: 1, policy_forward: "DROP" },
      warnings: [],
    });
  });
});
