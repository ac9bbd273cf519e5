import { DEFAULT_IPSET_WRITE_CONCURRENCY } from "../../../provider/client/config";
import { ClientPool } from "../../../provider/resources/context";

const ENV = { PROXMOX_VE_ENDPOINT: "https://pve:8006", PROXMOX_VE_API_TOKEN: "root@pam!ci=aa11bb22-cc33" };

function pool(config: Record<string, unknown>): ClientPool {
  const p = new ClientPool(ENV);
  p.configure((key) => config[key]);
  return p;
}

describe("ClientPool", () => {
  it("takes proxmox:ipsetWriteConcurrency from stack config, for the default cluster and named ones", async () => {
    const p = pool({
      "proxmox:ipsetWriteConcurrency": "2",
      "proxmox:clusters": JSON.stringify({
        lab: { endpoint: "https://lab:8006", apiToken: ENV.PROXMOX_VE_API_TOKEN, ipsetWriteConcurrency: 6 },
      }),
    });
    expect(p.api().http.pipelinedWrites).toBe(2);
    expect(p.api("lab").http.pipelinedWrites).toBe(6);
    expect(pool({}).api().http.pipelinedWrites).toBe(DEFAULT_IPSET_WRITE_CONCURRENCY);
    await Promise.all([p.api().http.close(), p.api("lab").http.close()]);
  });

  it("fails on an ipsetWriteConcurrency out of range, naming it", () => {
    expect(() => pool({ "proxmox:ipsetWriteConcurrency": "0" }).api()).toThrow(/^ipsetWriteConcurrency: /);
  });
});
