import { createHash } from "node:crypto";
import { listDigest, optionsDigest, predictIpVersion } from "../../../provider/resources/digest";

const sha1 = (text: string) => createHash("sha1").update(text, "utf8").digest("hex");

describe("listDigest", () => {
  it("hashes the empty options as SHA-1 of the empty string (OBSERVED.md §k)", () => {
    expect(optionsDigest({})).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
  });

  it("hashes sorted key:value lines and ignores pos, digest and nested objects", () => {
    const a = listDigest([{ type: "in", action: "ACCEPT", enable: 1, pos: 0, digest: "x", errors: { source: "bad" } }]);
    const b = listDigest([{ enable: 1, action: "ACCEPT", type: "in" }]);
    expect(a).toBe(b);
    expect(a).toBe(sha1("action:ACCEPT\nenable:1\ntype:in\n"));
  });

  it("changes when the order of entries changes", () => {
    const r1 = { type: "in", action: "ACCEPT", enable: 1 };
    const r2 = { type: "in", action: "DROP", enable: 1 };
    expect(listDigest([r1, r2])).not.toBe(listDigest([r2, r1]));
  });

  it("encodes non-ASCII comments as UTF-8", () => {
    expect(listDigest([{ comment: "Zürich" }])).toBe(sha1("comment:Zürich\n"));
  });
});

describe("predictIpVersion", () => {
  const aliases = (ref: string) => (ref.replace(/^(dc|guest)\//, "").toLowerCase() === "office" ? 4 : undefined);
  it.each([
    [{ type: "in", action: "ACCEPT" }, undefined],
    [{ type: "in", action: "ACCEPT", proto: "icmp" }, 4],
    [{ type: "in", action: "ACCEPT", proto: "ipv6-icmp" }, 6],
    [{ type: "in", action: "ACCEPT", source: "10.0.0.0/8" }, 4],
    [{ type: "in", action: "ACCEPT", dest: "2001:db8::/64" }, 6],
    [{ type: "in", action: "ACCEPT", source: "10.0.0.1-10.0.0.9" }, 4],
    [{ type: "in", action: "ACCEPT", source: "+management" }, undefined],
    [{ type: "in", action: "ACCEPT", source: "dc/Office" }, 4],
    [{ type: "in", action: "ACCEPT", source: "unknownalias" }, "unknown"],
  ] as const)("derives %j as %s", (rule, version) => {
    expect(predictIpVersion(rule, aliases)).toBe(version);
  });
});
