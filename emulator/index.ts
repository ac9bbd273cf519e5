/**
 * The embedded Proxmox VE firewall API emulator: {@link startEmulator} serves the firewall API
 * (and the few non-firewall endpoints the provider needs) over HTTPS with a fresh self-signed
 * certificate, or plain HTTP, backed by real `.fw` files in a data directory.
 */
import "../provider/require-node";
import { randomBytes, randomUUID, X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, isIP, type Socket } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";
import { Authenticator, type TokenSpec, type UserSpec } from "./auth";
import type { HandlerContext, ServerTiming } from "./context";
import { CallCounter } from "./dispatch";
import { type ActiveFault, FaultInjector, type FaultSpec } from "./faults";
import { LockTable } from "./lock";
import { buildRoutes } from "./routes";
import { handleRequest, type ServerDeps } from "./server";
import { FileStore } from "./store";
import { normaliseTopology, type TopologyInput } from "./topology";

export type { TokenSpec, UserSpec } from "./auth";
export type { FaultKind, FaultSpec } from "./faults";
export type { Topology, TopologyGuest, TopologyInput, TopologyNode, TopologyNodeSpec, TopologyVnet } from "./topology";

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Host to listen on. @default "127.0.0.1" */
  readonly host?: string;
  /** Port to listen on. @default 0 (a free port) */
  readonly port?: number;
  /** Serve plain HTTP instead of HTTPS. @default false */
  readonly http?: boolean;
  /** Data directory laid out like `/etc/pve`. @default a temp dir, removed on stop */
  readonly dataDir?: string;
  /** Nodes (names, or `{ name, ip, network, rings, iface }`), guests and VNets. @default one node `pve1` */
  readonly topology?: TopologyInput;
  /** API tokens. @default one generated token `root@pam!emulator` */
  readonly tokens?: readonly TokenSpec[];
  /** Users for ticket login. @default none */
  readonly users?: readonly UserSpec[];
  /** Lock wait before `cfs-lock ... got lock request timeout`. @default 10000 */
  readonly lockTimeoutMs?: number;
  /** Fixed lock-hold time per write. @default 0 */
  readonly writeCostMs?: number;
  /** Extra lock-hold time per KiB written. @default 0 */
  readonly writeCostPerKiBMs?: number;
  /** Added delay on every API request. @default 0 */
  readonly latencyMs?: number;
  /** Delay of 401 answers (Proxmox: 3000). @default 0 */
  readonly authFailureDelayMs?: number;
  /** Seed of the fault PRNG. @default 1 */
  readonly seed?: number;
  /** Faults active from the start. @default none */
  readonly faults?: readonly FaultSpec[];
  /** Control-endpoint token (`X-Emulator-Control`). @default random */
  readonly controlToken?: string;
  /** Clock in Unix seconds (cluster `enable` timestamps, tickets). @default the system clock */
  readonly nowSec?: () => number;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** Base URL, e.g. `https://127.0.0.1:40123` (the API is under `/api2/json`). */
  readonly endpoint: string;
  /** SHA-256 fingerprint of the certificate (`AA:BB:...`), `undefined` for plain HTTP. */
  readonly fingerprint: string | undefined;
  /**
   * PEM of the CA that signed the certificate (what `pve-root-ca.pem` is to a Proxmox cluster), for
   * the provider's `caCert`; `undefined` for plain HTTP.
   */
  readonly caCert: string | undefined;
  /** Accepted API tokens (with secrets). */
  readonly tokens: readonly TokenSpec[];
  /** Accepted users (with passwords). */
  readonly users: readonly UserSpec[];
  /** Token for the `X-Emulator-Control` header. */
  readonly controlToken: string;
  readonly dataDir: string;
  /** Request counters keyed `METHOD /path/template`. */
  readonly calls: {
    get(key: string): number;
    snapshot(): Record<string, number>;
    total(): number;
    reset(): void;
  };
  /** Fault rules. */
  readonly faults: {
    add(spec: FaultSpec): number;
    /** Lets the requests `hold` fault `id` keeps waiting go on (see {@link FaultKind}). */
    release(id: number): void;
    /** Removes every fault, releasing the requests held. */
    clear(): void;
    list(): readonly ActiveFault[];
    reseed(seed: number): void;
  };
  /**
   * What the server is busy with right now: API and control requests being handled (held ones
   * included) and open client connections. Both 0 once a killed client's last requests were handled
   * and its connections closed; an idle keep-alive connection of a live client counts too.
   */
  activity(): { readonly requests: number; readonly connections: number };
  /** Replaces a data-dir file (relative to the `/etc/pve`-like root) out of band; "" deletes it. */
  editFile(path: string, text: string): Promise<void>;
  /** Reads a data-dir file; `undefined` when missing. */
  readFile(path: string): Promise<string | undefined>;
  /** Closes the server, waits for the requests it is handling (held ones released), and removes a temp data dir. */
  stop(): Promise<void>;
}

/** `Authorization` header value of a token. */
export function tokenHeader(token: TokenSpec): string {
  return `PVEAPIToken=${token.id}=${token.secret}`;
}

/**
 * TLS material laid out as a Proxmox node's: a cluster CA (`pve-root-ca.pem`) and the node's server
 * certificate (`pve-ssl.pem`) signed by it, valid for `localhost`, 127.0.0.1, ::1, this host's name
 * and the address the emulator listens on. So both ways Proxmox users trust their cluster work: the
 * CA bundle (`caCert`) and the SHA-256 pin of the server certificate (`fingerprint`).
 */
async function tlsMaterial(
  listenHost: string,
): Promise<{ key: string; cert: string; caCert: string; fingerprint: string }> {
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600_000);
  const ca = await generate(
    [
      { name: "commonName", value: "Proxmox Virtual Environment" },
      { shortName: "OU", value: randomUUID() }, // as Proxmox: one CA per cluster, told apart
      { name: "organizationName", value: "PVE Cluster Manager CA" },
    ],
    {
      keySize: 2048,
      algorithm: "sha256",
      notAfterDate,
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      ],
    },
  );
  const names = new Set(["localhost", hostname()]);
  const ips = new Set(["127.0.0.1", "::1"]);
  if (isIP(listenHost) !== 0) ips.add(listenHost);
  else names.add(listenHost);
  const leaf = await generate([{ name: "commonName", value: "pve-firewall-emulator" }], {
    keySize: 2048,
    algorithm: "sha256",
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          ...[...names].map((value) => ({ type: 2 as const, value })),
          ...[...ips].map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return {
    key: leaf.private,
    cert: leaf.cert,
    caCert: ca.cert,
    fingerprint: new X509Certificate(leaf.cert).fingerprint256,
  };
}

/** Starts an emulator. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "pve-fw-emulator-")));
  const nowSec = options.nowSec ?? (() => Math.floor(Date.now() / 1000));
  const tokens: readonly TokenSpec[] = options.tokens ?? [
    { id: "root@pam!emulator", secret: randomBytes(16).toString("hex") },
  ];
  const users = options.users ?? [];
  const timing: ServerTiming = {
    lockTimeoutMs: options.lockTimeoutMs ?? 10_000,
    writeCostMs: options.writeCostMs ?? 0,
    writeCostPerKiBMs: options.writeCostPerKiBMs ?? 0,
  };
  const ctx: HandlerContext = {
    store: new FileStore({ dataDir }),
    locks: new LockTable(),
    topology: normaliseTopology(options.topology),
    timing,
    nowSec,
  };
  const faults = new FaultInjector(options.seed ?? 1);
  for (const f of options.faults ?? []) faults.add(f);
  const calls = new CallCounter();
  const controlToken = options.controlToken ?? randomBytes(16).toString("hex");
  const deps: ServerDeps = {
    ctx,
    routes: buildRoutes(),
    calls,
    faults,
    latencyMs: options.latencyMs ?? 0,
    auth: new Authenticator(tokens, users, nowSec),
    controlToken,
    authFailureDelayMs: options.authFailureDelayMs ?? 0,
  };
  /** Requests being handled: `stop` waits for them (a client gone does not stop its write). */
  const handling = new Set<Promise<void>>();
  let connections = 0;
  const listener = (req: Parameters<typeof handleRequest>[1], res: Parameters<typeof handleRequest>[2]): void => {
    const handled = handleRequest(deps, req, res).finally(() => {
      handling.delete(handled);
    });
    handling.add(handled);
  };
  let server: Server;
  let fingerprint: string | undefined;
  let caCert: string | undefined;
  const host = options.host ?? "127.0.0.1";
  if (options.http) {
    server = createHttpServer({ keepAlive: true }, listener);
  } else {
    const tls = await tlsMaterial(host);
    fingerprint = tls.fingerprint;
    caCert = tls.caCert;
    server = createHttpsServer({ key: tls.key, cert: tls.cert, keepAlive: true }, listener);
  }
  server.keepAliveTimeout = 30_000;
  server.on("connection", (socket: Socket) => {
    connections++;
    socket.once("close", () => {
      connections--;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    endpoint: `${options.http ? "http" : "https"}://${urlHost}:${port}`,
    fingerprint,
    caCert,
    tokens,
    users,
    controlToken,
    dataDir,
    calls,
    faults,
    activity: () => ({ requests: handling.size, connections }),
    editFile: (path, text) => ctx.store.writeText(path, text),
    readFile: (path) => ctx.store.readText(path),
    stop: async () => {
      faults.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // a write still under way (its client killed or disconnected) would recreate files in the
      // directory while it is removed
      await Promise.allSettled([...handling]);
      if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
