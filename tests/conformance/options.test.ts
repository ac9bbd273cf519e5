import { createHash } from "node:crypto";
import { expectFile, type Reply, useTarget } from "./target";

const target = useTarget();
const OPTIONS = "/cluster/firewall/options";
const EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

function paramErr(errors: Record<string, string>): Reply {
  return { status: 400, data: null, message: "Parameter verification failed.\n", errors };
}

describe("GET /cluster/firewall/options", () => {
  it("returns only the digest of an empty config, without defaults", async () => {
    expect(await target().call("GET", OPTIONS)).toEqual({ status: 200, data: { digest: EMPTY_SHA1 } });
    const t = target();
    expect((await t.call("GET", `/nodes/${t.node}/firewall/options`)).data).toEqual({ digest: EMPTY_SHA1 });
    expect((await t.call("GET", `/nodes/${t.node}/qemu/${t.vmid}/firewall/options`)).data).toEqual({
      digest: EMPTY_SHA1,
    });
    expect((await t.call("GET", `/cluster/sdn/vnets/${t.vnet}/firewall/options`)).data).toEqual({ digest: EMPTY_SHA1 });
  });

  it("hashes the options as sorted key:value lines", async () => {
    await target().call("PUT", OPTIONS, { enable: 1, policy_in: "DROP" });
    const expected = createHash("sha1").update("enable:1\npolicy_in:DROP\n").digest("hex");
    expect((await target().call("GET", OPTIONS)).data).toEqual({ enable: 1, policy_in: "DROP", digest: expected });
  });
});

describe("PUT /cluster/firewall/options", () => {
  it("sets, deletes and removes the file when nothing is left", async () => {
    const t = target();
    await t.call("PUT", OPTIONS, { enable: 1 });
    await expectFile(t, "firewall/cluster.fw", "[OPTIONS]\n\nenable: 1\n\n");
    expect((await t.call("PUT", OPTIONS, { delete: "enable" })).status).toBe(200);
    expect((await t.call("PUT", OPTIONS, { delete: "policy_in" })).status).toBe(200);
    await expectFile(t, "firewall/cluster.fw", undefined);
  });

  it("fails on an unknown option in delete", async () => {
    expect(await target().call("PUT", OPTIONS, { delete: "bogus" })).toEqual(
      paramErr({ delete: "no such option 'bogus'" }),
    );
  });

  it("fails on enum and type errors", async () => {
    expect(await target().call("PUT", OPTIONS, { policy_in: "drop" })).toEqual(
      paramErr({ policy_in: "value 'drop' does not have a value in the enumeration 'ACCEPT, REJECT, DROP'" }),
    );
    expect(await target().call("PUT", OPTIONS, { policy_forward: "REJECT" })).toEqual(
      paramErr({ policy_forward: "value 'REJECT' does not have a value in the enumeration 'ACCEPT, DROP'" }),
    );
    expect(await target().call("PUT", OPTIONS, { enable: "true" })).toEqual(
      paramErr({ enable: "type check ('integer') failed - got 'true'" }),
    );
  });

  it("stores the current time for enable > 1", async () => {
    const before = Math.floor(Date.now() / 1000);
    await target().call("PUT", OPTIONS, { enable: 1000000000 });
    const enable = ((await target().call("GET", OPTIONS)).data as { enable: number }).enable;
    expect(enable).toBeGreaterThanOrEqual(before);
  });

  it("fails on a stale digest and on an overlong one", async () => {
    expect(await target().call("PUT", OPTIONS, { enable: 1, digest: "abc" })).toEqual({
      status: 500,
      data: null,
      message: "detected modified configuration - file changed by other user? Try again.\n",
    });
    expect(await target().call("PUT", OPTIONS, { enable: 1, digest: "a".repeat(65) })).toEqual(
      paramErr({ digest: "value may only be 64 characters long" }),
    );
  });

  it("validates log_ratelimit as a property string", async () => {
    expect((await target().call("PUT", OPTIONS, { log_ratelimit: "enable=1,rate=5/minute,burst=10" })).status).toBe(
      200,
    );
    expect((await target().call("PUT", OPTIONS, { log_ratelimit: "rate=fast" })).status).toBe(400);
  });
});

describe("PUT /nodes/{node}/firewall/options", () => {
  it("fails on a non-boolean enable and on cluster-only options", async () => {
    const t = target();
    expect(await t.call("PUT", `/nodes/${t.node}/firewall/options`, { enable: 2 })).toEqual(
      paramErr({ enable: "type check ('boolean') failed - got '2'" }),
    );
    expect(await t.call("PUT", `/nodes/${t.node}/firewall/options`, { policy_in: "DROP" })).toEqual(
      paramErr({ policy_in: "property is not defined in schema and the schema does not allow additional properties" }),
    );
    expect(await t.call("PUT", `/nodes/${t.node}/firewall/options`, { nf_conntrack_max: 1000 })).toEqual(
      paramErr({ nf_conntrack_max: "value must have a minimum value of 32768" }),
    );
  });
});

describe("PUT /nodes/{node}/qemu/{vmid}/firewall/options", () => {
  it("returns exactly the values set", async () => {
    const t = target();
    const path = `/nodes/${t.node}/qemu/${t.vmid}/firewall/options`;
    await t.call("PUT", path, { enable: 1, policy_in: "DROP", macfilter: 0, ipfilter: 1, log_level_in: "info" });
    expect((await t.call("GET", path)).data).toEqual({
      enable: 1,
      policy_in: "DROP",
      macfilter: 0,
      ipfilter: 1,
      log_level_in: "info",
      digest: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
  });

  it("reports every boolean error at once and accepts JSON false", async () => {
    const t = target();
    const path = `/nodes/${t.node}/qemu/${t.vmid}/firewall/options`;
    expect(await t.call("PUT", path, { enable: "yes", dhcp: "on", ndp: "TRUE" })).toEqual(
      paramErr({
        enable: "type check ('boolean') failed - got 'yes'",
        dhcp: "type check ('boolean') failed - got 'on'",
        ndp: "type check ('boolean') failed - got 'TRUE'",
      }),
    );
    expect((await t.call("PUT", path, { enable: false }, { json: true })).status).toBe(200);
    expect((await t.call("GET", path)).data).toEqual({ enable: 0, digest: expect.any(String) });
  });
});
