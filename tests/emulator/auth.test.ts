import { tokenHeader } from "../../emulator/index";
import { useEmulator } from "../helpers/emulator";
import { form, rawCall } from "./http";

const emu = useEmulator({
  tokens: [
    { id: "root@pam!rw", secret: "11111111-2222-3333-4444-555555555555" },
    { id: "audit@pve!ro", secret: "99999999-8888-7777-6666-555555555555", readOnly: true },
  ],
  users: [{ user: "admin@pve", password: "pa55word" }],
});

const RULES = "/cluster/firewall/rules";

function call(method: string, path: string, headers: Record<string, string>, body?: Record<string, string | number>) {
  return rawCall(emu.apiBase(), method, path, {
    headers: body ? { ...headers, "content-type": "application/x-www-form-urlencoded" } : headers,
    ...(body ? { body: form(body) } : {}),
  });
}

async function login(password = "pa55word", username = "admin@pve") {
  return call("POST", "/access/ticket", {}, { username, password });
}

describe("API token authentication", () => {
  it("accepts a valid token and splits the header at the last '='", async () => {
    const ro = emu.handle().tokens[1];
    if (!ro) throw new Error("missing token");
    expect((await call("GET", RULES, { authorization: tokenHeader(ro) })).status).toBe(200);
    const shifted = `PVEAPIToken=${ro.id}=${ro.secret.slice(0, 8)}=${ro.secret.slice(9)}`;
    expect((await call("GET", RULES, { authorization: shifted })).status).toBe(401);
  });

  it("fails with 401 without credentials or with a wrong secret", async () => {
    const none = await call("GET", RULES, {});
    expect(none.status).toBe(401);
    const wrong = await call("GET", RULES, { authorization: "PVEAPIToken=root@pam!rw=nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.reason).toBe("authentication failure");
  });

  it("fails with 403 when a read-only token writes", async () => {
    const ro = emu.handle().tokens[1];
    if (!ro) throw new Error("missing token");
    const r = await call("POST", RULES, { authorization: tokenHeader(ro) }, { type: "in", action: "DROP" });
    expect(r.status).toBe(403);
    expect(r.body.message).toBe("Permission check failed (/, Sys.Modify)\n");
  });

  it("names the guest path in a guest permission failure", async () => {
    const ro = emu.handle().tokens[1];
    if (!ro) throw new Error("missing token");
    const r = await call(
      "POST",
      "/nodes/pve1/qemu/100/firewall/rules",
      { authorization: tokenHeader(ro) },
      { type: "in", action: "DROP" },
    );
    expect(r.body.message).toMatch(/^Permission check failed \(\/vms\/100, /);
  });
});

describe("ticket authentication", () => {
  it("issues a ticket and CSRF token for a password login", async () => {
    const r = await login();
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual(
      expect.objectContaining({
        ticket: expect.stringMatching(/^PVE:admin@pve:[0-9A-F]{8}::/),
        CSRFPreventionToken: expect.stringMatching(/^[0-9A-F]{8}:/),
        username: "admin@pve",
      }),
    );
  });

  it("fails with 401 authentication failure on a wrong password", async () => {
    const r = await login("wrong");
    expect(r.status).toBe(401);
    expect(r.body.message).toBe("authentication failure\n");
  });

  it("accepts the ticket cookie for reads and requires the CSRF header for writes", async () => {
    const { ticket, CSRFPreventionToken } = (await login()).body.data as {
      ticket: string;
      CSRFPreventionToken: string;
    };
    const cookie = `PVEAuthCookie=${encodeURIComponent(ticket)}`;
    expect((await call("GET", RULES, { cookie })).status).toBe(200);
    expect((await call("POST", RULES, { cookie }, { type: "in", action: "DROP" })).status).toBe(401);
    const ok = await call(
      "POST",
      RULES,
      { cookie, csrfpreventiontoken: CSRFPreventionToken },
      { type: "in", action: "DROP" },
    );
    expect(ok.status).toBe(200);
    expect((await call("GET", RULES, { authorization: `PVEAuthCookie=${ticket}` })).status).toBe(200);
  });

  it("renews a ticket when the ticket is posted as the password", async () => {
    const { ticket } = (await login()).body.data as { ticket: string };
    const renewed = await login(ticket);
    expect(renewed.status).toBe(200);
    expect((await login(ticket, "other@pve")).status).toBe(401);
  });

  it("fails on a forged ticket", async () => {
    const r = await call("GET", RULES, { cookie: "PVEAuthCookie=PVE:admin@pve:00000000::forged" });
    expect(r.status).toBe(401);
  });
});
