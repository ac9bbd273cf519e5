import { expectFile, useTarget } from "./target";

const target = useTarget();
const RULES = "/cluster/firewall/rules";

async function seed(...comments: string[]): Promise<void> {
  for (const c of [...comments].reverse()) {
    const r = await target().call("POST", RULES, { type: "in", action: "ACCEPT", enable: 1, comment: c });
    expect(r.status).toBe(200);
  }
}

async function comments(path = RULES): Promise<string[]> {
  const r = await target().call("GET", path);
  return (r.data as { comment?: string }[]).map((x) => x.comment ?? "");
}

describe("POST /cluster/firewall/rules", () => {
  it("inserts at the top ignoring pos and disables the rule by default", async () => {
    const t = target();
    await t.call("POST", RULES, { type: "in", action: "ACCEPT", proto: "tcp", dport: "22", comment: "R-A" });
    await t.call("POST", RULES, { type: "in", action: "ACCEPT", proto: "tcp", dport: "80", comment: "R-B" });
    const r = await t.call("POST", RULES, {
      type: "in",
      action: "DROP",
      proto: "udp",
      dport: "53",
      comment: "NEW-pos1",
      pos: 1,
    });
    expect(r).toEqual({ status: 200, data: null });
    expect(await comments()).toEqual(["NEW-pos1", "R-B", "R-A"]);
    await expectFile(
      t,
      "firewall/cluster.fw",
      "[RULES]\n\n|IN DROP -p udp -dport 53 # NEW-pos1\n|IN ACCEPT -p tcp -dport 80 # R-B\n|IN ACCEPT -p tcp -dport 22 # R-A\n\n",
    );
  });

  it("treats any enable >= 1 as enabled and reads it back as 1", async () => {
    const t = target();
    await t.call("POST", RULES, { type: "in", action: "ACCEPT", enable: "01" });
    await t.call("POST", RULES, { type: "in", action: "ACCEPT", enable: 5 });
    const r = await t.call("GET", RULES);
    expect((r.data as { enable: number }[]).map((x) => x.enable)).toEqual([1, 1]);
    await expectFile(t, "firewall/cluster.fw", "[RULES]\n\nIN ACCEPT\nIN ACCEPT\n\n");
  });

  it("returns list fields with numeric pos and enable and the same digest on every item", async () => {
    const t = target();
    await t.call("POST", RULES, { type: "in", action: "ACCEPT", proto: "tcp", dport: "22", comment: "R-A" });
    await t.call("POST", RULES, { type: "in", action: "ACCEPT", proto: "tcp", dport: "80:85,443", enable: 1 });
    const r = await t.call("GET", RULES);
    const list = r.data as Record<string, unknown>[];
    expect(list[1]).toEqual({
      action: "ACCEPT",
      comment: "R-A",
      digest: list[0]?.digest,
      dport: "22",
      enable: 0,
      pos: 1,
      proto: "tcp",
      type: "in",
    });
    expect(list[0]?.dport).toBe("80:85,443");
    expect(list[0]?.digest).toMatch(/^[0-9a-f]{40}$/);
  });

  it("returns an empty list without a digest when there are no rules", async () => {
    expect(await target().call("GET", RULES)).toEqual({ status: 200, data: [] });
  });

  it("ignores a stale digest on create", async () => {
    const r = await target().call("POST", RULES, { type: "in", action: "ACCEPT", digest: "0".repeat(40) });
    expect(r.status).toBe(200);
  });
});

describe("GET /cluster/firewall/rules/{pos}", () => {
  it("returns pos as a string, the list digest and the derived ipversion", async () => {
    const t = target();
    await t.call("POST", RULES, {
      type: "in",
      action: "ACCEPT",
      source: "10.0.0.0/8",
      proto: "tcp",
      dport: "22",
      log: "info",
      enable: 1,
    });
    const list = (await t.call("GET", RULES)).data as { digest: string }[];
    const r = await t.call("GET", `${RULES}/0`);
    expect(r.data).toEqual({
      action: "ACCEPT",
      digest: list[0]?.digest,
      dport: "22",
      enable: 1,
      ipversion: 4,
      log: "info",
      pos: "0",
      proto: "tcp",
      source: "10.0.0.0/8",
      type: "in",
    });
  });

  it("fails with 500 no rule at position on an empty list", async () => {
    expect(await target().call("GET", `${RULES}/0`)).toEqual({
      status: 500,
      data: null,
      message: "no rule at position 0\n",
    });
  });

  it("fails with 400 on a non-integer position", async () => {
    const r = await target().call("GET", `${RULES}/abc`);
    expect(r.status).toBe(400);
    expect(r.errors).toEqual({ pos: "type check ('integer') failed - got 'abc'" });
    expect(r.message).toBe("Parameter verification failed.\n");
  });
});

describe("PUT /cluster/firewall/rules/{pos} moveto", () => {
  const cases: [number, number, string][] = [
    [0, 3, "B,C,A,D,E"],
    [4, 1, "A,E,B,C,D"],
    [1, 10, "A,C,D,E,B"],
    [0, 4, "B,C,D,A,E"],
    [0, 5, "B,C,D,E,A"],
    [3, 0, "D,A,B,C,E"],
  ];
  it.each(cases)("moves the rule at %d with moveto=%d to give %s", async (pos, moveto, expected) => {
    await seed("A", "B", "C", "D", "E");
    const r = await target().call("PUT", `${RULES}/${pos}`, { moveto });
    expect(r).toEqual({ status: 200, data: null });
    expect((await comments()).join(",")).toBe(expected);
  });

  it("ignores every other field when moving", async () => {
    await seed("A", "B", "C");
    await target().call("PUT", `${RULES}/0`, { moveto: 2, comment: "changed", action: "DROP" });
    const list = (await target().call("GET", RULES)).data as { comment: string; action: string }[];
    expect(list.map((x) => `${x.comment}:${x.action}`)).toEqual(["B:ACCEPT", "A:ACCEPT", "C:ACCEPT"]);
  });

  it("applies fields when moveto equals pos", async () => {
    await seed("A", "B", "C");
    await target().call("PUT", `${RULES}/2`, { moveto: 2, comment: "C2" });
    expect(await comments()).toEqual(["A", "B", "C2"]);
  });

  it("fails with 500 when the position does not exist", async () => {
    await seed("A");
    expect(await target().call("PUT", `${RULES}/99`, { moveto: 1 })).toEqual({
      status: 500,
      data: null,
      message: "no rule at position 99\n",
    });
  });

  it("fails with 400 on a negative moveto", async () => {
    await seed("A");
    const r = await target().call("PUT", `${RULES}/0`, { moveto: -1 });
    expect(r).toEqual({
      status: 400,
      data: null,
      message: "Parameter verification failed.\n",
      errors: { moveto: "value must have a minimum value of 0" },
    });
  });
});

describe("DELETE /cluster/firewall/rules/{pos}", () => {
  it("renumbers the remaining rules densely", async () => {
    await seed("A", "B", "C");
    expect((await target().call("DELETE", `${RULES}/1`)).status).toBe(200);
    const list = (await target().call("GET", RULES)).data as { comment: string; pos: number }[];
    expect(list.map((x) => [x.comment, x.pos])).toEqual([
      ["A", 0],
      ["C", 1],
    ]);
  });

  it("deletes the file when the last rule goes", async () => {
    await seed("A");
    await target().call("DELETE", `${RULES}/0`);
    await expectFile(target(), "firewall/cluster.fw", undefined);
  });

  it("fails with 500 no rule at position for a missing position", async () => {
    await seed("A");
    expect(await target().call("DELETE", `${RULES}/99`)).toEqual({
      status: 500,
      data: null,
      message: "no rule at position 99\n",
    });
  });

  it("fails with the Perl crash message when the file does not exist", async () => {
    const del = await target().call("DELETE", `${RULES}/0`);
    expect(del.status).toBe(500);
    expect(del.message).toMatch(
      /^Can't use an undefined value as an ARRAY reference at .*\/PVE\/API2\/Firewall\/Rules\.pm line 462\.\n$/,
    );
    const put = await target().call("PUT", `${RULES}/0`, { comment: "x" });
    expect(put.message).toMatch(/Rules\.pm line 373\.\n$/);
  });

  it("fails with no rule at position when the file exists without rules", async () => {
    await target().call("PUT", "/cluster/firewall/options", { enable: 0 });
    expect((await target().call("DELETE", `${RULES}/0`)).message).toBe("no rule at position 0\n");
  });
});
