import { resolveClientConfig } from "../../../provider/client/config";
import { encodeParams, pathSegment } from "../../../provider/client/encode";
import { FirewallApi } from "../../../provider/client/firewall";
import { PveHttpClient } from "../../../provider/client/http";
import { CLUSTER } from "../../../provider/model/scope";
import { type FakePve, startFakePve } from "./fake-pve";

describe("encodeParams", () => {
  it("writes booleans as 0/1, joins arrays with commas and drops undefined", () => {
    expect(encodeParams({ force: true, nomatch: false, delete: ["comment", "log"], digest: undefined, pos: 3 })).toBe(
      "force=1&nomatch=0&delete=comment%2Clog&pos=3",
    );
  });

  it("keeps empty strings, which clear a rule field", () => {
    expect(encodeParams({ comment: "" })).toBe("comment=");
  });

  it("escapes spaces as %20 and reserved characters", () => {
    expect(encodeParams({ comment: "a b&c=d+e/f", "icmp-type": "echo-request" })).toBe(
      "comment=a%20b%26c%3Dd%2Be%2Ff&icmp-type=echo-request",
    );
  });

  it("returns an empty string without parameters", () => {
    expect(encodeParams(undefined)).toBe("");
    expect(encodeParams({ a: undefined })).toBe("");
  });
});

describe("pathSegment", () => {
  it("encodes a cidr's slash as %2F", () => {
    expect(pathSegment("10.0.0.0/8")).toBe("10.0.0.0%2F8");
    expect(pathSegment(100)).toBe("100");
  });
});

describe("PveHttpClient request encoding", () => {
  let server: FakePve;
  let client: PveHttpClient;
  beforeAll(async () => {
    server = await startFakePve(() => ({ data: null }));
    client = new PveHttpClient(
      resolveClientConfig({ endpoint: server.url, apiToken: "root@pam!ci=7f0e2d1c-0000-0000-0000-000000000000" }, {}),
    );
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it("puts GET and DELETE parameters in the query string, with no body", async () => {
    await client.request("GET", "/cluster/firewall/refs", { type: "alias" });
    await client.request("DELETE", "/cluster/firewall/rules/3", { digest: "abc" });
    const [get, del] = server.seen.slice(-2);
    expect(get).toMatchObject({ method: "GET", path: "/cluster/firewall/refs", query: "type=alias", body: "" });
    expect(del).toMatchObject({ method: "DELETE", path: "/cluster/firewall/rules/3", query: "digest=abc", body: "" });
    expect(get!.headers["content-type"]).toBeUndefined();
  });

  it("sends POST and PUT parameters as a form body", async () => {
    await client.request("POST", "/cluster/firewall/rules", { type: "in", action: "ACCEPT", enable: 1 });
    await client.request("PUT", "/cluster/firewall/rules/0", { comment: "", delete: ["log", "dport"] });
    const [post, put] = server.seen.slice(-2);
    expect(post).toMatchObject({ query: "", body: "type=in&action=ACCEPT&enable=1" });
    expect(post!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(put).toMatchObject({ body: "comment=&delete=log%2Cdport" });
  });

  it("encodes an ipset entry cidr as one %2F-escaped path segment", async () => {
    const api = new FirewallApi(client);
    await api.deleteIpSetEntry(CLUSTER, "mgmt", "10.0.0.0/8", "d1");
    await api.updateIpSetEntry(CLUSTER, "mgmt", "2001:db8::/64", { comment: "v6", nomatch: true });
    const [del, put] = server.seen.slice(-2);
    expect(del).toMatchObject({ rawPath: "/cluster/firewall/ipset/mgmt/10.0.0.0%2F8", query: "digest=d1" });
    expect(put).toMatchObject({ path: "/cluster/firewall/ipset/mgmt/2001:db8::/64", body: "comment=v6&nomatch=1" });
    expect(put!.rawPath).toBe("/cluster/firewall/ipset/mgmt/2001%3Adb8%3A%3A%2F64");
  });
});
