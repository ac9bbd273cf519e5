import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolveClientConfig } from "../../../provider/client/config";
import { PveHttpClient } from "../../../provider/client/http";

const TOKEN = "root@pam!ci=11111111-2222-3333-4444-555555555555";

/** A server that answers `/version`, notes each request's client port, and drops `/drop` requests. */
async function startServer(): Promise<{ server: Server; url: string; ports: number[]; connections: () => number }> {
  const ports: number[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    ports.push(req.socket.remotePort ?? 0);
    if (req.url?.endsWith("/drop")) {
      req.socket.destroy();
      return;
    }
    const body = JSON.stringify({ data: { version: "9.1.1" } });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/`, ports, connections: () => connections };
}

describe("PveHttpClient.requestOnNewConnection", () => {
  let fake: Awaited<ReturnType<typeof startServer>>;
  let client: PveHttpClient;

  beforeAll(async () => {
    fake = await startServer();
    client = new PveHttpClient(resolveClientConfig({ endpoint: fake.url, apiToken: TOKEN }, {}));
  });
  afterAll(async () => {
    await client.close();
    fake.server.closeAllConnections();
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
  });

  it("opens a connection of its own, while requests keep reusing the pooled one", async () => {
    expect(client.localAddress).toBeUndefined();
    await client.request("GET", "/version");
    await client.request("GET", "/version");
    expect(client.localAddress).toBe("127.0.0.1");
    const pooled = new Set(fake.ports);
    const opened = fake.connections();

    await expect(client.requestOnNewConnection("/version")).resolves.toEqual({ version: "9.1.1" });
    expect(fake.connections()).toBe(opened + 1);
    const probe = fake.ports.at(-1);
    expect(pooled.has(probe ?? 0)).toBe(false);
    await client.request("GET", "/version");
    expect(pooled.has(fake.ports.at(-1) ?? 0)).toBe(true);
    expect(client.log.count({ path: "/version" })).toBe(4);
  });

  it("fails with FW_NETWORK at once when the new connection is dropped (no retry)", async () => {
    const before = fake.ports.length;
    await expect(client.requestOnNewConnection("/drop", { subject: "probe" })).rejects.toMatchObject({
      code: "FW_NETWORK",
    });
    expect(fake.ports.length - before).toBe(1);
  });
});
