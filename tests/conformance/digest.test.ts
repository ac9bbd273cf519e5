import { createHash } from "node:crypto";
import { useTarget } from "./target";

const target = useTarget();
const RULES = "/cluster/firewall/rules";
const STALE = {
  status: 500,
  data: null,
  message: "detected modified configuration - file changed by other user? Try again.\n",
};

async function rulesDigest(path = RULES): Promise<string> {
  return ((await target().call("GET", path)).data as { digest: string }[])[0]?.digest ?? "";
}

describe("rule list digest", () => {
  it("is SHA-1 over sorted key:value lines of each rule, including derived enable and ipversion", async () => {
    await target().call("POST", RULES, { type: "in", action: "ACCEPT", source: "10.0.0.0/8", comment: "c" });
    const expected = createHash("sha1")
      .update("action:ACCEPT\ncomment:c\nenable:0\nipversion:4\nsource:10.0.0.0/8\ntype:in\n")
      .digest("hex");
    expect(await rulesDigest()).toBe(expected);
  });

  it("changes on reorder but not on changes elsewhere in the file", async () => {
    const t = target();
    await t.call("POST", RULES, { type: "in", action: "ACCEPT", comment: "a" });
    await t.call("POST", RULES, { type: "in", action: "DROP", comment: "b" });
    const before = await rulesDigest();
    await t.call("POST", "/cluster/firewall/aliases", { name: "x1", cidr: "10.0.0.1" });
    await t.call("POST", "/cluster/firewall/groups", { group: "g1" });
    expect(await rulesDigest()).toBe(before);
    await t.call("PUT", `${RULES}/1`, { moveto: 0 });
    expect(await rulesDigest()).not.toBe(before);
  });

  it("is checked on PUT, moveto and DELETE and ignored when empty", async () => {
    const t = target();
    await t.call("POST", RULES, { type: "in", action: "ACCEPT" });
    await t.call("POST", RULES, { type: "in", action: "DROP" });
    expect(await t.call("PUT", `${RULES}/0`, { comment: "x", digest: "f".repeat(40) })).toEqual(STALE);
    expect(await t.call("PUT", `${RULES}/0`, { moveto: 2, digest: "nothex" })).toEqual(STALE);
    expect(await t.call("DELETE", `${RULES}/0`, { digest: "f".repeat(40) })).toEqual(STALE);
    expect((await t.call("PUT", `${RULES}/0`, { comment: "x", digest: "" })).status).toBe(200);
    expect((await t.call("DELETE", `${RULES}/0`, { digest: await rulesDigest() })).status).toBe(200);
  });
});

describe("alias and options digests", () => {
  it("checks the alias list digest on PUT and DELETE", async () => {
    const t = target();
    await t.call("POST", "/cluster/firewall/aliases", { name: "a1", cidr: "10.0.0.1" });
    const digest = ((await t.call("GET", "/cluster/firewall/aliases")).data as { digest: string }[])[0]?.digest ?? "";
    const aliasExpected = createHash("sha1").update("cidr:10.0.0.1\nipversion:4\nname:a1\n").digest("hex");
    expect(digest).toBe(aliasExpected);
    expect(await t.call("DELETE", "/cluster/firewall/aliases/a1", { digest: "0".repeat(40) })).toEqual(STALE);
    expect(await t.call("PUT", "/cluster/firewall/aliases/a1", { cidr: "10.0.0.2", digest: "0".repeat(40) })).toEqual(
      STALE,
    );
    expect((await t.call("PUT", "/cluster/firewall/aliases/a1", { cidr: "10.0.0.2", digest })).status).toBe(200);
  });

  it("checks the options digest on PUT", async () => {
    const t = target();
    const digest = ((await t.call("GET", "/cluster/firewall/options")).data as { digest: string }).digest;
    expect((await t.call("PUT", "/cluster/firewall/options", { ebtables: 1, digest })).status).toBe(200);
    expect(await t.call("PUT", "/cluster/firewall/options", { ebtables: 0, digest })).toEqual(STALE);
  });
});
