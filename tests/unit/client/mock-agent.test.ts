import { MockAgent } from "undici";
import { resolveClientConfig } from "../../../provider/client/config";
import { FirewallApi } from "../../../provider/client/firewall";
import { PveHttpClient } from "../../../provider/client/http";
import { CLUSTER } from "../../../provider/model/scope";

describe("PveHttpClient with an injected dispatcher", () => {
  it("sends through undici's MockAgent and decodes its answers", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get("https://pve.example.com:8006");
    pool
      .intercept({ path: "/api2/json/cluster/firewall/ipset", method: "GET" })
      .reply(200, { data: [{ name: "mgmt", digest: "d" }] });
    pool
      .intercept({ path: "/api2/json/cluster/firewall/ipset/mgmt/10.0.0.0%2F8?digest=d", method: "DELETE" })
      .reply(200, { data: null });
    const client = new PveHttpClient(
      resolveClientConfig({ endpoint: "https://pve.example.com:8006/", apiToken: "root@pam!ci=5ca1ab1e-0000" }, {}),
      { dispatcher: agent },
    );
    const api = new FirewallApi(client);
    await expect(api.listIpSets(CLUSTER)).resolves.toEqual([{ name: "mgmt", digest: "d" }]);
    await api.deleteIpSetEntry(CLUSTER, "mgmt", "10.0.0.0/8", "d");
    await client.close();
    agent.assertNoPendingInterceptors();
    expect(client.log.count()).toBe(2);
    await agent.close();
  });
});
