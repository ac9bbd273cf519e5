import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { connect } from "node:tls";
import { startEmulator } from "../../emulator/index";
import { useEmulator } from "../helpers/emulator";
import { form, formHeaders, rawCall } from "./http";

const emu = useEmulator({
  topology: {
    nodes: ["pve1", "pve2"],
    guests: [
      {
        vmid: 100,
        type: "qemu",
        node: "pve1",
        name: "web",
        nics: { net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1" },
      },
      { vmid: 200, type: "lxc", node: "pve2", name: "ct", nics: { net0: "name=eth0,bridge=vmbr0,firewall=1,ip=dhcp" } },
    ],
    vnets: [{ vnet: "vnet1", zone: "zone1" }],
  },
});

function get(path: string) {
  return rawCall(emu.apiBase(), "GET", path, { headers: { authorization: emu.authorization() } });
}

describe("emulator schema copy", () => {
  it("holds every firewall path of the API schema", () => {
    const copy = readFileSync(join(__dirname, "../../emulator/schema/firewall-api.json"), "utf8");
    expect(JSON.parse(copy).pathCount).toBe(45);
  });
});

describe("HTTP envelope", () => {
  it("uses the first message line as the reason phrase", async () => {
    const r = await get("/cluster/firewall/rules/5");
    expect(r.status).toBe(500);
    expect(r.reason).toBe("no rule at position 5");
    expect(r.body).toEqual({ data: null, message: "no rule at position 5\n" });
  });

  it("reports parameter errors with the verification reason phrase", async () => {
    const r = await rawCall(emu.apiBase(), "POST", "/cluster/firewall/rules", {
      headers: formHeaders(emu.authorization()),
      body: form({ type: "in" }),
    });
    expect(r.reason).toBe("Parameter verification failed.");
    expect(r.body.errors).toEqual({ action: "property is missing and it is not optional" });
  });

  it("reads DELETE parameters from the query only", async () => {
    const auth = emu.authorization();
    await rawCall(emu.apiBase(), "POST", "/cluster/firewall/rules", {
      headers: formHeaders(auth),
      body: form({ type: "in", action: "DROP" }),
    });
    const r = await rawCall(emu.apiBase(), "DELETE", "/cluster/firewall/rules/0", {
      headers: formHeaders(auth),
      body: form({ digest: "bad" }),
    });
    expect(r.body).toEqual({ data: null });
  });

  it("lets query values override body values", async () => {
    const auth = emu.authorization();
    await rawCall(emu.apiBase(), "POST", "/cluster/firewall/rules?comment=fromquery", {
      headers: formHeaders(auth),
      body: form({ type: "in", action: "DROP", comment: "frombody" }),
    });
    const r = await get("/cluster/firewall/rules/0");
    expect((r.body.data as { comment: string }).comment).toBe("fromquery");
    await rawCall(emu.apiBase(), "DELETE", "/cluster/firewall/rules/0", { headers: { authorization: auth } });
  });

  it("fails with 501 outside /api2/json", async () => {
    const r = await rawCall(emu.handle().endpoint, "GET", "/nothing", {
      headers: { authorization: emu.authorization() },
    });
    expect(r.status).toBe(501);
  });
});

describe("non-firewall endpoints", () => {
  it("serves version, nodes, guests, guest config and vnets from the topology", async () => {
    expect(((await get("/version")).body.data as { version: string }).version).toMatch(/^\d+\.\d+/);
    expect(((await get("/nodes")).body.data as { node: string }[]).map((n) => n.node)).toEqual(["pve1", "pve2"]);
    expect((await get("/nodes/pve1/qemu")).body.data).toEqual([
      { vmid: 100, name: "web", status: "running", type: "qemu" },
    ]);
    expect((await get("/nodes/pve2/lxc")).body.data).toEqual([
      { vmid: 200, name: "ct", status: "running", type: "lxc" },
    ]);
    const config = (await get("/nodes/pve1/qemu/100/config")).body.data as Record<string, string>;
    expect(config.net0).toBe("virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1");
    expect((await get("/nodes/pve1/qemu/999/config")).status).toBe(500);
    expect((await get("/cluster/sdn/vnets")).body.data).toEqual([{ vnet: "vnet1", zone: "zone1", type: "vnet" }]);
  });

  it("serves the firewall indexes, macros and refs", async () => {
    expect(((await get("/cluster/firewall")).body.data as { name: string }[]).map((x) => x.name)).toContain("ipset");
    const macros = (await get("/cluster/firewall/macros")).body.data as { macro: string; descr: string }[];
    expect(macros.find((m) => m.macro === "SSH")?.descr).toBeTruthy();
    await rawCall(emu.apiBase(), "POST", "/cluster/firewall/aliases", {
      headers: formHeaders(emu.authorization()),
      body: form({ name: "Office", cidr: "10.0.0.0/8" }),
    });
    expect((await get("/cluster/firewall/refs?type=alias")).body.data).toEqual([
      { type: "alias", name: "office", ref: "office", scope: "dc" },
    ]);
    expect((await get("/nodes/pve1/firewall/log")).body.data).toEqual([]);
  });
});

describe("HTTPS", () => {
  /** The certificate the emulator presents, and whether a client trusting only `ca` accepts it for `host`. */
  async function handshake(port: number, host: string, ca?: string): Promise<{ raw: Buffer; error?: string }> {
    return new Promise((resolve) => {
      // SNI carries host names only (RFC 6066); an address is checked against the certificate's IP names
      const sni = isIP(host) === 0 ? { servername: host } : {};
      const sock = connect({ host, port, ...sni, ...(ca ? { ca } : { rejectUnauthorized: false }) }, () => {
        resolve({ raw: sock.getPeerCertificate().raw });
        sock.end();
      });
      sock.on("error", (e: NodeJS.ErrnoException) => resolve({ raw: Buffer.alloc(0), error: e.code ?? e.message }));
    });
  }

  it("serves a certificate whose fingerprint matches the reported one", async () => {
    const emuTls = await startEmulator();
    try {
      expect(emuTls.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const { raw } = await handshake(Number(new URL(emuTls.endpoint).port), "127.0.0.1");
      expect(new X509Certificate(raw).fingerprint256).toBe(emuTls.fingerprint);
    } finally {
      await emuTls.stop();
    }
  });

  it("regress-13: serves a certificate signed by its CA, valid for 127.0.0.1 and localhost, as a Proxmox node's", async () => {
    const emuTls = await startEmulator();
    try {
      const port = Number(new URL(emuTls.endpoint).port);
      const ca = emuTls.caCert ?? "";
      expect(new X509Certificate(ca).ca).toBe(true);
      expect((await handshake(port, "127.0.0.1", ca)).error).toBeUndefined();
      expect((await handshake(port, "localhost", ca)).error).toBeUndefined();
      // trusted through its own CA only
      const other = await startEmulator();
      try {
        expect((await handshake(port, "127.0.0.1", other.caCert)).error).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
      } finally {
        await other.stop();
      }
    } finally {
      await emuTls.stop();
    }
  });
});
