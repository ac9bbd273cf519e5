import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { parseTokenArg, runEmulatorCli } from "../../emulator/cli";
import { rawCall } from "./http";

function collect(stream: PassThrough): () => string {
  let text = "";
  stream.on("data", (c: Buffer) => {
    text += c.toString("utf8");
  });
  return () => text;
}

async function firstLine(read: () => string): Promise<string> {
  for (;;) {
    const text = read();
    if (text.includes("\n")) return text.slice(0, text.indexOf("\n"));
    await new Promise((r) => setImmediate(r));
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "emu-cli-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("runEmulatorCli", () => {
  it("prints one JSON line with endpoint and a generated token, then stops on abort", async () => {
    const out = new PassThrough();
    const read = collect(out);
    const abort = new AbortController();
    const topology = join(dir, "topology.json");
    await writeFile(topology, JSON.stringify({ nodes: ["n1"], guests: [{ vmid: 100, type: "qemu", node: "n1" }] }));
    const run = runEmulatorCli(
      ["emulator", "--listen", "127.0.0.1:0", "--http", "--data", join(dir, "data"), "--topology", topology],
      out,
      { signal: abort.signal },
    );
    const info = JSON.parse(await firstLine(read)) as {
      endpoint: string;
      fingerprint: string | null;
      tokens: { id: string; secret: string; authorization: string }[];
    };
    expect(info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.fingerprint).toBeNull();
    expect(info.tokens).toHaveLength(1);
    const nodes = await rawCall(`${info.endpoint}/api2/json`, "GET", "/nodes", {
      headers: { authorization: info.tokens[0]?.authorization ?? "" },
    });
    expect((nodes.body.data as { node: string }[]).map((n) => n.node)).toEqual(["n1"]);
    abort.abort();
    expect(await run).toBe(0);
    expect(read().trim().split("\n")).toHaveLength(1);
  });

  it("regress-tryout-a-b3 serves each node's ip, network and iface from the --topology file", async () => {
    const out = new PassThrough();
    const read = collect(out);
    const abort = new AbortController();
    const topology = join(dir, "addresses.json");
    await writeFile(
      topology,
      JSON.stringify({
        nodes: [
          { name: "pve1", ip: "10.0.0.5" },
          "pve2",
          { name: "pve3", ip: "10.7.7.7", network: "10.7.7.0/24", iface: "vmbr1" },
        ],
      }),
    );
    const run = runEmulatorCli(["--listen", "127.0.0.1:0", "--http", "--topology", topology], out, {
      signal: abort.signal,
    });
    const info = JSON.parse(await firstLine(read)) as { endpoint: string; tokens: { authorization: string }[] };
    const get = async (path: string) =>
      (
        await rawCall(`${info.endpoint}/api2/json`, "GET", path, {
          headers: { authorization: info.tokens[0]?.authorization ?? "" },
        })
      ).body.data as Record<string, unknown>[];
    expect((await get("/cluster/status")).flatMap((e) => (e.type === "node" ? [[e.name, e.ip]] : []))).toEqual([
      ["pve1", "10.0.0.5"],
      ["pve2", "192.0.2.3"],
      ["pve3", "10.7.7.7"],
    ]);
    expect(await get("/nodes/pve3/network?type=any_bridge")).toEqual([
      expect.objectContaining({ iface: "vmbr1", cidr: "10.7.7.7/24" }),
    ]);
    expect(await get("/nodes/pve1/network?type=any_bridge")).toEqual([
      expect.objectContaining({ iface: "vmbr0", cidr: "10.0.0.5/24" }),
    ]);
    abort.abort();
    expect(await run).toBe(0);
  });

  it("uses the given tokens and reports read-only ones", async () => {
    const out = new PassThrough();
    const read = collect(out);
    const abort = new AbortController();
    const run = runEmulatorCli(
      [
        "--listen",
        "127.0.0.1:0",
        "--http",
        "--token",
        "ci@pve!t1=s3cret",
        "--token",
        "ro@pve!t2=abc:ro",
        "--seed",
        "3",
      ],
      out,
      { signal: abort.signal },
    );
    const info = JSON.parse(await firstLine(read)) as { tokens: { id: string; secret: string; readOnly: boolean }[] };
    expect(info.tokens.map((t) => [t.id, t.secret, t.readOnly])).toEqual([
      ["ci@pve!t1", "s3cret", false],
      ["ro@pve!t2", "abc", true],
    ]);
    abort.abort();
    expect(await run).toBe(0);
  });

  it("fails with exit code 2 on bad arguments", async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const readErr = collect(err);
    expect(await runEmulatorCli(["--listen", "nowhere"], out, { err })).toBe(2);
    expect(readErr()).toContain("--listen: expected HOST:PORT");
    expect(await runEmulatorCli(["--faults", '{"kind":"nope"}'], out, { err })).toBe(2);
    expect(await runEmulatorCli(["--bogus"], out, { err })).toBe(2);
  });
});

describe("runEmulatorCli --help", () => {
  it("prints the usage and exits 0", async () => {
    const out = new PassThrough();
    const read = collect(out);
    expect(await runEmulatorCli(["--help"], out)).toBe(0);
    expect(read()).toContain("--listen HOST:PORT");
  });
});

describe("parseTokenArg", () => {
  it("splits at the last '=' and reads the :ro suffix", () => {
    expect(parseTokenArg("root@pam!ci=aaa-bbb")).toEqual({ id: "root@pam!ci", secret: "aaa-bbb" });
    expect(parseTokenArg("root@pam!ci=x:ro")).toEqual({ id: "root@pam!ci", secret: "x", readOnly: true });
  });

  it("fails without a secret and never echoes one", () => {
    expect(() => parseTokenArg("root@pam!ci")).toThrow("--token");
    expect(() => parseTokenArg("root@pam=topsecret")).toThrow(/^(?!.*topsecret)/);
  });
});
