/**
 * The `ResourceMonitor` gRPC service a Pulumi program talks to, built from `@pulumi/pulumi`'s stubs.
 * It turns each RegisterResource and ReadResource call into a plain object (`registration.ts`) and
 * hands it to the deployment.
 */
import * as grpc from "@grpc/grpc-js";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { makeUrn } from "./aliases";
import type { Props } from "./props";
import {
  decodeRead,
  decodeRegistration,
  invokeTransformRefusal,
  type ReadRegistration,
  type Registration,
  stackTransformRefusal,
} from "./registration";

export { makeUrn, stackType } from "./aliases";
export type { ReadRegistration, Registration } from "./registration";

/** What the deployment answers for a registration or a read. */
export interface RegistrationResult {
  readonly id: string;
  readonly outputs: Props;
}

/** Callbacks the monitor delegates to. */
export interface MonitorHandler {
  register(reg: Registration): Promise<RegistrationResult>;
  read(read: ReadRegistration): Promise<RegistrationResult>;
  registerOutputs(urn: string, outputs: Props): void;
  /** A request the runner refused before it reached the deployment (an unsupported option). */
  refused(type: string, name: string, error: Error): void;
}

/**
 * Features the runner answers `SupportsFeature` with true for; others read as false, and the SDK
 * then falls back to plain values. `deletedWith`, `replaceWith`, `transforms`, `invokeTransforms`,
 * `resourceHooks` and `errorHooks` are answered true only so that the SDK sends them instead of
 * refusing them itself with "The Pulumi CLI does not support ... Please update the Pulumi CLI",
 * advice a runner user cannot follow: registering a hook or a stack transform is accepted, and the
 * first use of each is refused with the runner's own message naming it (`registration.ts`).
 */
const features = new Set([
  "secrets",
  "aliasSpecs",
  "deletedWith",
  "replaceWith",
  "transforms",
  "invokeTransforms",
  "resourceHooks",
  "errorHooks",
]);

function fail(callback: grpc.sendUnaryData<never>, e: unknown): void {
  callback({ code: grpc.status.UNKNOWN, details: (e as Error).message ?? String(e) }, null);
}

function toStruct(props: Props): Struct {
  return Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]);
}

/** Adds the ResourceMonitor service to a gRPC server. */
export function addMonitorService(server: grpc.Server, stack: string, project: string, handler: MonitorHandler): void {
  const urnOf = (parent: string, type: string, name: string) => makeUrn(stack, project, parent, type, name);
  /** Whether the program registered a stack transform, or an invoke transform (refused when they would run). */
  const registered = { stackTransform: false, invokeTransform: false };
  const impl: Partial<resrpc.IResourceMonitorServer> = {
    supportsFeature(call, callback) {
      callback(null, new resproto.SupportsFeatureResponse().setHassupport(features.has(call.request.getId())));
    },
    registerStackTransform(_call, callback) {
      registered.stackTransform = true;
      callback(null, new Empty());
    },
    registerStackInvokeTransform(_call, callback) {
      registered.invokeTransform = true;
      callback(null, new Empty());
    },
    // A hook does nothing until a resource names it in its `hooks` option, which is refused.
    registerResourceHook(_call, callback) {
      callback(null, new Empty());
    },
    registerErrorHook(_call, callback) {
      callback(null, new Empty());
    },
    invoke(call, callback) {
      if (registered.invokeTransform) {
        callback({ code: grpc.status.UNIMPLEMENTED, details: invokeTransformRefusal().message });
        return;
      }
      const tok = call.request.getTok();
      if (tok !== "pulumi:pulumi:getStack") {
        const what =
          tok === "pulumi:pulumi:getResource"
            ? "the `urn` resource option (pulumi:pulumi:getResource)"
            : `invoke ${tok}`;
        callback({ code: grpc.status.UNIMPLEMENTED, details: `${what}: not supported by the local runner` });
        return;
      }
      callback(null, new provproto.InvokeResponse().setReturn(Struct.fromJavaScript({ stack })));
    },
    readResource(call, callback) {
      let read: ReadRegistration;
      try {
        read = decodeRead(call.request, urnOf);
      } catch (e) {
        handler.refused(call.request.getType(), call.request.getName(), e as Error);
        fail(callback, e);
        return;
      }
      handler.read(read).then(
        (res) =>
          callback(null, new resproto.ReadResourceResponse().setUrn(read.urn).setProperties(toStruct(res.outputs))),
        (e: unknown) => fail(callback, e),
      );
    },
    registerResource(call, callback) {
      let reg: Registration;
      try {
        if (registered.stackTransform) throw stackTransformRefusal();
        reg = decodeRegistration(call.request, urnOf);
      } catch (e) {
        handler.refused(call.request.getType(), call.request.getName(), e as Error);
        fail(callback, e);
        return;
      }
      handler.register(reg).then(
        (res) => {
          const resp = new resproto.RegisterResourceResponse()
            .setUrn(reg.urn)
            .setId(res.id)
            .setObject(toStruct(res.outputs));
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
