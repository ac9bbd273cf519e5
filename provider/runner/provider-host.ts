/**
 * Drives `@pulumi/pulumi`'s own dynamic-provider host process over gRPC, exactly as the Pulumi engine does:
 * the same `cmd/dynamic-provider` entry point, the same generated stubs and the same property encoding.
 * Used by the local runner and by e2e tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { type ErrorCode, FirewallError } from "../errors";
import { GRPC_OPTIONS, type GrpcEndpoint, type LogEntry, startEngineServer } from "./engine-service";
import { markSecret, type Props, revealProps } from "./props";

/** The property that carries the serialized provider, as `pulumi.dynamic.Resource` names it. */
export const providerKey = "__provider";

/** A call to the provider host failed; carries what a partial create/update left behind. */
export class ProviderCallError extends FirewallError {
  readonly code: ErrorCode = "FW_PROVIDER_CALL";
  /** Id of the partially created resource, when the provider reported one. */
  readonly id: string | undefined;
  /** Properties the provider reports as really applied (wire form). */
  readonly properties: Props | undefined;
  /** The provider's reasons for the partial failure. */
  readonly reasons: readonly string[];
  constructor(message: string, details?: { id: string; properties: Props; reasons: string[] }) {
    super(message);
    this.id = details?.id;
    this.properties = details?.properties;
    this.reasons = details?.reasons ?? [];
  }
}

/** A check failure as the provider reports it. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/** Result of `check`: the validated inputs (wire form) and any failures. */
export interface CheckResult {
  readonly inputs: Props;
  readonly failures: readonly CheckFailure[];
}

/** Result of `diff`, as the dynamic-provider host encodes it. */
export interface DiffResult {
  /** `true` some, `false` none, `undefined` the provider did not say (the engine then compares inputs). */
  readonly changes: boolean | undefined;
  readonly replaces: readonly string[];
  readonly deleteBeforeReplace: boolean;
}

/** Result of `read`: an empty `id` means the resource is gone. */
export interface ReadResult {
  readonly id: string;
  readonly props: Props;
  readonly inputs: Props | undefined;
}

/** Options of {@link startProviderHost}. */
export interface ProviderHostOptions {
  /** Project name the host reports through `pulumi.getProject()`. */
  readonly project: string;
  /** Stack name the host reports through `pulumi.getStack()`. */
  readonly stack: string;
  /**
   * Working directory of the host process.
   *
   * @default - the current directory
   */
  readonly cwd?: string;
  /**
   * Extra environment variables for the host process (merged over `process.env`).
   *
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Receives each line the host writes to stderr: the provider's messages to the user, and the
   * stack trace of every failed call (the host prints `${error}: ${error.stack}`).
   *
   * @default - passed to `onLog` as `info`
   */
  readonly onStderr?: (line: string) => void;
  /**
   * The Node.js binary and its leading arguments that run the host (tests run it on other Node versions).
   *
   * @default - this process's Node.js (`process.execPath`), no arguments
   */
  readonly node?: { readonly execPath: string; readonly args?: readonly string[] };
  /**
   * Engine address the host logs to; when absent a private Engine server is started.
   *
   * @default - a private Engine server whose lines go to `onLog`
   */
  readonly engineAddress?: string;
  /**
   * Receives log lines the host sends to its private Engine server, and its stderr lines as `info`
   * (as the Pulumi engine shows a plugin's stderr) unless `onStderr` takes them.
   *
   * @default - lines are dropped
   */
  readonly onLog?: (entry: LogEntry) => void;
}

/** A running dynamic-provider host. Property bags are in wire form (see `props.ts`). */
export interface ProviderHost {
  /** Configures the host; called once, first, as the engine does. Secret values are revealed first. */
  configure(config: Readonly<Record<string, unknown>>): Promise<void>;
  check(urn: string, olds: Props, news: Props): Promise<CheckResult>;
  diff(id: string, urn: string, olds: Props, news: Props, oldInputs?: Props): Promise<DiffResult>;
  create(urn: string, props: Props, preview?: boolean): Promise<{ id: string; props: Props }>;
  read(id: string, urn: string, props: Props, inputs?: Props): Promise<ReadResult>;
  update(id: string, urn: string, olds: Props, news: Props, preview?: boolean): Promise<{ props: Props }>;
  delete(id: string, urn: string, props: Props): Promise<void>;
  /** Stops the host process and its Engine server. */
  close(): Promise<void>;
}

/**
 * Produces the `__provider` string exactly as `new pulumi.dynamic.Resource(provider, ...)` does:
 * Pulumi's closure serializer applied to `() => provider`.
 */
export async function serializeProvider(provider: object): Promise<string> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return sf.text;
}

function toStruct(props: Props): Struct {
  return Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]);
}

function fromStruct(s: Struct | undefined): Props {
  return (s?.toJavaScript() ?? {}) as Props;
}

/** Decodes the partial-failure details that `grpcResponseFromError` packs into the status metadata. */
function callError(method: string, err: grpc.ServiceError): ProviderCallError {
  const message = err.details || err.message;
  const bin = err.metadata?.get("grpc-status-details-bin")[0];
  if (bin instanceof Buffer) {
    const status = statusproto.Status.deserializeBinary(new Uint8Array(bin));
    for (const any of status.getDetailsList()) {
      const init = any.unpack(provproto.ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
      if (init) {
        return new ProviderCallError(message, {
          id: init.getId(),
          properties: fromStruct(init.getProperties()),
          reasons: init.getReasonsList(),
        });
      }
    }
  }
  return new ProviderCallError(`${method}: ${message}`);
}

function unary<Res>(
  method: string,
  fn: (cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    fn((err, res) => (err ? reject(callError(method, err)) : resolve(res)));
  });
}

async function readPort(child: ChildProcess): Promise<number> {
  if (!child.stdout) throw new Error("provider host has no stdout");
  const lines = createInterface({ input: child.stdout });
  return new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`provider host exited with code ${code} before listening`)));
    lines.once("line", (line) => {
      const port = Number.parseInt(line.trim(), 10);
      if (Number.isInteger(port) && port > 0) resolve(port);
      else reject(new Error(`provider host printed ${JSON.stringify(line)} instead of its port`));
    });
  });
}

/** Spawns Pulumi's dynamic-provider host and connects to it. Call `configure` before anything else. */
export async function startProviderHost(opts: ProviderHostOptions): Promise<ProviderHost> {
  const onLog = opts.onLog ?? (() => {});
  let engine: GrpcEndpoint | undefined;
  if (!opts.engineAddress) engine = await startEngineServer(onLog);
  const entry = join(dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd", "dynamic-provider", "index.js");
  const node = opts.node ?? { execPath: process.execPath };
  const child = spawn(node.execPath, [...(node.args ?? []), entry, opts.engineAddress ?? engine?.address ?? ""], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, PULUMI_NODEJS_PROJECT: opts.project, PULUMI_NODEJS_STACK: opts.stack },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.stderr) {
    const onStderr = opts.onStderr ?? ((message: string) => onLog({ severity: "info", message, urn: "" }));
    createInterface({ input: child.stderr }).on("line", onStderr);
  }
  let port: number;
  try {
    port = await readPort(child);
  } catch (e) {
    child.kill();
    await engine?.close();
    throw e;
  }
  const client = new provrpc.ResourceProviderClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
    GRPC_OPTIONS,
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  /** Reveals secrets for the host (which does not accept them) and remembers which keys to re-mark. */
  const prepare = (props: Props) => revealProps(props);

  return {
    async configure(config) {
      const { props } = prepare({ ...config });
      const req = new provproto.ConfigureRequest().setArgs(toStruct(props)).setAcceptsecrets(true);
      const vars = req.getVariablesMap();
      for (const [k, v] of Object.entries(props)) vars.set(k, typeof v === "string" ? v : JSON.stringify(v));
      await unary<provproto.ConfigureResponse>("configure", (cb) => client.configure(req, cb));
    },
    async check(urn, olds, news) {
      const o = prepare(olds);
      const n = prepare(news);
      const req = new provproto.CheckRequest().setUrn(urn).setOlds(toStruct(o.props)).setNews(toStruct(n.props));
      const res = await unary<provproto.CheckResponse>("check", (cb) => client.check(req, cb));
      return {
        inputs: markSecret(fromStruct(res.getInputs()), n.secretKeys),
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(id, urn, olds, news, oldInputs) {
      const req = new provproto.DiffRequest()
        .setId(id)
        .setUrn(urn)
        .setOlds(toStruct(prepare(olds).props))
        .setNews(toStruct(prepare(news).props))
        .setOldInputs(toStruct(prepare(oldInputs ?? olds).props));
      const res = await unary<provproto.DiffResponse>("diff", (cb) => client.diff(req, cb));
      const c = res.getChanges();
      const D = provproto.DiffResponse.DiffChanges;
      return {
        changes: c === D.DIFF_SOME ? true : c === D.DIFF_NONE ? false : undefined,
        replaces: res.getReplacesList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
      };
    },
    async create(urn, props, preview = false) {
      const p = prepare(props);
      const req = new provproto.CreateRequest().setUrn(urn).setProperties(toStruct(p.props)).setPreview(preview);
      const res = await unary<provproto.CreateResponse>("create", (cb) => client.create(req, cb));
      return { id: res.getId(), props: markSecret(fromStruct(res.getProperties()), p.secretKeys) };
    },
    async read(id, urn, props, inputs) {
      const p = prepare(props);
      const i = prepare(inputs ?? {});
      const req = new provproto.ReadRequest().setId(id).setUrn(urn).setProperties(toStruct(p.props));
      if (inputs) req.setInputs(toStruct(i.props));
      const res = await unary<provproto.ReadResponse>("read", (cb) => client.read(req, cb));
      const gotInputs = res.getInputs();
      return {
        id: res.getId(),
        props: markSecret(fromStruct(res.getProperties()), p.secretKeys),
        inputs: gotInputs ? markSecret(fromStruct(gotInputs), [...i.secretKeys, ...p.secretKeys]) : undefined,
      };
    },
    async update(id, urn, olds, news, preview = false) {
      const n = prepare(news);
      const req = new provproto.UpdateRequest()
        .setId(id)
        .setUrn(urn)
        .setOlds(toStruct(prepare(olds).props))
        .setNews(toStruct(n.props))
        .setPreview(preview);
      const res = await unary<provproto.UpdateResponse>("update", (cb) => client.update(req, cb));
      return { props: markSecret(fromStruct(res.getProperties()), n.secretKeys) };
    },
    async delete(id, urn, props) {
      const req = new provproto.DeleteRequest()
        .setId(id)
        .setUrn(urn)
        .setProperties(toStruct(prepare(props).props));
      await unary<unknown>("delete", (cb) => client.delete(req, cb));
    },
    async close() {
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill();
        await exited;
      }
      await engine?.close();
    },
  };
}
