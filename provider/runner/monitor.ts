/**
 * The `ResourceMonitor` gRPC service a Pulumi program talks to, built from `@pulumi/pulumi`'s stubs.
 * It turns each RegisterResource call into a plain {@link Registration} and hands it to the deployment.
 */
import * as grpc from "@grpc/grpc-js";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { Props } from "./props";

/** The root stack's type token. */
export const stackType = "pulumi:pulumi:Stack";

/** One resource registration, decoded. */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly custom: boolean;
  /** Inputs in wire form (secret-wrapped, unknowns as `unknownValue`). */
  readonly inputs: Props;
  /** `dependsOn` plus every property dependency, deduplicated. */
  readonly dependencies: readonly string[];
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
}

/** What the deployment answers for a registration. */
export interface RegistrationResult {
  readonly id: string;
  readonly outputs: Props;
}

/** Callbacks the monitor delegates to. */
export interface MonitorHandler {
  register(reg: Registration): Promise<RegistrationResult>;
  registerOutputs(urn: string, outputs: Props): void;
}

/** Features the runner supports (others read as false, so the SDK falls back to plain values). */
const features = new Set(["secrets"]);

/** Builds a URN the way the engine does: parent types joined by `$`, the root stack's type left out. */
export function makeUrn(stack: string, project: string, parent: string, type: string, name: string): string {
  const parentType = parent ? (parent.split("::")[2] ?? "") : "";
  const qualified = parentType && parentType !== stackType ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function fail(callback: grpc.sendUnaryData<never>, e: unknown): void {
  callback({ code: grpc.status.UNKNOWN, details: (e as Error).message ?? String(e) }, null);
}

/** Adds the ResourceMonitor service to a gRPC server. */
export function addMonitorService(server: grpc.Server, stack: string, project: string, handler: MonitorHandler): void {
  const impl: Partial<resrpc.IResourceMonitorServer> = {
    supportsFeature(call, callback) {
      callback(null, new resproto.SupportsFeatureResponse().setHassupport(features.has(call.request.getId())));
    },
    invoke(call, callback) {
      const tok = call.request.getTok();
      if (tok !== "pulumi:pulumi:getStack") {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `invoke ${tok}: not supported by the local runner` });
        return;
      }
      callback(null, new provproto.InvokeResponse().setReturn(Struct.fromJavaScript({ stack })));
    },
    readResource(call, callback) {
      callback({
        code: grpc.status.UNIMPLEMENTED,
        details: `read ${call.request.getType()} ${call.request.getName()}: .get() is not supported by the local runner`,
      });
    },
    registerResource(call, callback) {
      const r = call.request;
      const deps = new Set(r.getDependenciesList());
      for (const [, pd] of r.getPropertydependenciesMap().entries()) for (const u of pd.getUrnsList()) deps.add(u);
      const reg: Registration = {
        urn: makeUrn(stack, project, r.getParent(), r.getType(), r.getName()),
        type: r.getType(),
        name: r.getName(),
        parent: r.getParent(),
        custom: r.getCustom(),
        inputs: (r.getObject()?.toJavaScript() ?? {}) as Props,
        dependencies: [...deps],
        deleteBeforeReplace: r.getDeletebeforereplace(),
        ignoreChanges: r.getIgnorechangesList(),
        additionalSecretOutputs: r.getAdditionalsecretoutputsList(),
      };
      handler.register(reg).then(
        (res) => {
          const resp = new resproto.RegisterResourceResponse()
            .setUrn(reg.urn)
            .setId(res.id)
            .setObject(Struct.fromJavaScript(res.outputs as Parameters<typeof Struct.fromJavaScript>[0]));
          callback(null, resp);
        },
        (e: unknown) => fail(callback, e),
      );
    },
    registerResourceOutputs(call, callback) {
      handler.registerOutputs(call.request.getUrn(), (call.request.getOutputs()?.toJavaScript() ?? {}) as Props);
      callback(null, new Empty());
    },
    signalAndWaitForShutdown(_call, callback) {
      callback(null, new Empty());
    },
  };
  server.addService(resrpc.ResourceMonitorService, impl as grpc.UntypedServiceImplementation);
}
