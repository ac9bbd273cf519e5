/**
 * A minimal Pulumi `Engine` gRPC service (Log, GetRootResource, SetRootResource), built from the stubs that
 * ship inside `@pulumi/pulumi`. Programs and the dynamic-provider host send their log lines here.
 */
import * as grpc from "@grpc/grpc-js";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

/** Severity of a log line, as Pulumi names it. */
export type LogSeverity = "debug" | "info" | "warning" | "error";

/** One log line received from a program or a provider. */
export interface LogEntry {
  readonly severity: LogSeverity;
  readonly message: string;
  /** URN of the resource the line is about, or "" for the whole deployment. */
  readonly urn: string;
}

/** A running gRPC server; `address` is `127.0.0.1:<port>`. */
export interface GrpcEndpoint {
  readonly address: string;
  close(): Promise<void>;
}

function severityName(s: engineproto.LogSeverity): LogSeverity {
  switch (s) {
    case engineproto.LogSeverity.DEBUG:
      return "debug";
    case engineproto.LogSeverity.WARNING:
      return "warning";
    case engineproto.LogSeverity.ERROR:
      return "error";
    default:
      return "info";
  }
}

/**
 * gRPC channel options of every server and client of the runner: message limits as large as the
 * Pulumi engine's and SDK's own (`runtime/settings.js`: 400 MiB), so a 100,000-entry IPSet fits
 * (the 4 MiB default stops near 50,000 entries).
 */
export const GRPC_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": 400 * 1024 * 1024,
  "grpc.max_send_message_length": 400 * 1024 * 1024,
};

/** A gRPC server with the runner's message limits. */
export function newServer(): grpc.Server {
  return new grpc.Server(GRPC_OPTIONS);
}

/** Binds a server on 127.0.0.1, port 0, and returns its address. */
export async function bindServer(server: grpc.Server): Promise<GrpcEndpoint> {
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}

/** Adds the Engine service to a gRPC server; every log line goes to `onLog`. */
export function addEngineService(server: grpc.Server, onLog: (entry: LogEntry) => void): void {
  let root = "";
  const impl: Partial<enginerpc.IEngineServer> = {
    log(call, callback) {
      const r = call.request;
      onLog({ severity: severityName(r.getSeverity()), message: r.getMessage(), urn: r.getUrn() });
      callback(null, new Empty());
    },
    getRootResource(_call, callback) {
      callback(null, new engineproto.GetRootResourceResponse().setUrn(root));
    },
    setRootResource(call, callback) {
      root = call.request.getUrn();
      callback(null, new engineproto.SetRootResourceResponse());
    },
  };
  server.addService(enginerpc.EngineService, impl as grpc.UntypedServiceImplementation);
}

/** Starts a stand-alone Engine server on port 0 (used by the provider-host harness). */
export async function startEngineServer(onLog: (entry: LogEntry) => void): Promise<GrpcEndpoint> {
  const server = newServer();
  addEngineService(server, onLog);
  return bindServer(server);
}
