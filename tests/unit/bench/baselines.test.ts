/**
 * The baseline planners, without a server: the requests they plan for small lists, counted by
 * kind, and the request bodies bpg's client sends. (That the requests do what the planners
 * model is checked against the emulator in `execute.test.ts`.)
 */
import { bpgIpSetCreate, bpgIpSetReplace } from "../../../bench/baselines/bpg-ipset";
import { bpgRulesCreate, bpgRulesUpdate, bpgSignature } from "../../../bench/baselines/bpg-rules";
import { naiveIpSet, naiveRules } from "../../../bench/baselines/naive";
import { bpgStackRead, naiveStackRead } from "../../../bench/baselines/reads";
import type { Step } from "../../../bench/baselines/steps";
import { ipSetEntries, ruleList, stackSpec } from "../../../bench/fixtures";

const PATH = "/nodes/pve1/firewall/rules";
const counts = (steps: readonly Step[]) => ({
  writes: steps.filter((s) => s.method !== "GET").length,
  reads: steps.filter((s) => s.method === "GET").length,
});
const shape = (steps: readonly Step[]) => steps.map((s) => `${s.method} ${s.path.slice(PATH.length) || "/"}`);

describe("bpgSignature", () => {
  it("identifies a rule by type, action, addresses, ports, proto, macro and iface, not comment or enable", () => {
    const [a] = ruleList(1);
    expect(bpgSignature({ ...a, comment: "x", enable: 0 })).toBe(bpgSignature(a as never));
    expect(bpgSignature({ ...a, dport: "1" })).not.toBe(bpgSignature(a as never));
    expect(bpgSignature({ type: "group", action: "web", comment: "c" })).toBe("group:web:");
  });
});

describe("bpgRulesCreate", () => {
  it("checks the list is empty, posts bottom-up, then reads every position", () => {
    const steps = bpgRulesCreate(PATH, ruleList(3));
    expect(shape(steps)).toEqual(["GET /", "POST /", "POST /", "POST /", "GET /", "GET /0", "GET /1", "GET /2"]);
    expect(steps[1]?.params).toEqual({
      action: "ACCEPT",
      type: "in",
      comment: "r2",
      dest: "",
      dport: "10002",
      macro: "",
      proto: "tcp",
      source: "",
      sport: "",
      enable: "1",
    });
  });
});

describe("bpgRulesUpdate", () => {
  it("re-lists and GETs each target position, then PUTs every matched rule, for one comment edit", () => {
    const base = ruleList(3);
    const desired = base.map((r, i) => (i === 2 ? { ...r, comment: "edited" } : r));
    const steps = bpgRulesUpdate(PATH, base, desired);
    expect(shape(steps)).toEqual([
      ...["GET /", "GET /0", "GET /", "GET /1", "GET /", "GET /2"],
      ...["PUT /0", "PUT /1", "PUT /2", "GET /"],
      ...["GET /", "GET /0", "GET /1", "GET /2"],
    ]);
    expect(steps[8]?.params).toMatchObject({ comment: "edited", action: "ACCEPT", type: "in", enable: "1" });
  });

  it("posts an appended rule at the top and moves every other rule up past it", () => {
    const base = ruleList(3);
    const extra = ruleList(1, 50)[0] as (typeof base)[number];
    const steps = bpgRulesUpdate(PATH, base, [...base, extra]);
    expect(counts(steps)).toEqual({ writes: 1 + 3 + 3, reads: 3 * 3 + 2 + 1 + 5 });
    expect(steps.filter((s) => s.params?.moveto !== undefined).map((s) => s.params?.moveto)).toEqual(["0", "1", "2"]);
  });

  it("deletes surplus rules bottom-up after moving the kept ones into place", () => {
    const base = ruleList(4);
    const steps = bpgRulesUpdate(PATH, base, [base[0], base[2], base[3]] as typeof base);
    expect(steps.filter((s) => s.method === "DELETE").map((s) => s.path)).toEqual([`${PATH}/3`]);
    expect(counts(steps).writes).toBe(2 + 3 + 1);
  });

  it("deletes the fields a matched rule loses and sends unset fields empty", () => {
    const [a] = ruleList(1);
    const { comment: _comment, ...bare } = a!;
    const put = bpgRulesUpdate(PATH, [{ ...a!, log: "info" }], [bare]).find((s) => s.method === "PUT");
    expect(put?.params).toEqual({
      action: "ACCEPT",
      type: "in",
      comment: "",
      dest: "",
      dport: "10000",
      macro: "",
      proto: "tcp",
      source: "",
      sport: "",
      enable: "1",
      delete: "comment,log",
    });
  });
});

describe("naiveRules", () => {
  it("deletes every rule bottom-up and posts the desired list bottom-up", () => {
    const steps = naiveRules(PATH, ruleList(2), ruleList(3));
    expect(shape(steps)).toEqual(["GET /", "DELETE /1", "DELETE /0", "POST /", "POST /", "POST /"]);
    expect(steps[3]?.params?.comment).toBe("r2");
  });
});

describe("IPSet baselines", () => {
  const base = "/cluster/firewall/ipset";
  const set = (n: number) => ({ name: "s", comment: "c", entries: ipSetEntries(n) });

  it("bpg creates the set, posts each entry, then lists the sets and reads the entries", () => {
    expect(counts(bpgIpSetCreate(base, set(5)))).toEqual({ writes: 6, reads: 2 });
  });

  it("bpg destroys and re-creates the set on any entry change, entry by entry", () => {
    const steps = bpgIpSetReplace(base, set(5), set(6));
    expect(counts(steps)).toEqual({ writes: 5 + 1 + 1 + 6, reads: 1 + 2 });
    expect(steps[1]).toMatchObject({ method: "DELETE", path: `${base}/s/10.0.0.0` });
  });

  it("naive force-deletes the set and re-creates it, or only creates it", () => {
    expect(naiveIpSet(base, set(3), true)[0]).toEqual({ method: "DELETE", path: `${base}/s`, params: { force: "1" } });
    expect(counts(naiveIpSet(base, set(3), true))).toEqual({ writes: 5, reads: 0 });
    expect(counts(naiveIpSet(base, set(3), false))).toEqual({ writes: 4, reads: 0 });
  });
});

describe("stack reads", () => {
  it("reads the 50-resource stack with 126 requests for bpg and 76 for naive", () => {
    expect(counts(bpgStackRead(stackSpec()))).toEqual({ writes: 0, reads: 2 + 2 * 11 + 6 * 7 + 20 + 20 * 2 });
    expect(counts(naiveStackRead(stackSpec()))).toEqual({ writes: 0, reads: 76 });
  });
});
