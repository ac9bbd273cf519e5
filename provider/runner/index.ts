/** The local runner's public surface: the CLI entry and the provider-host harness. */
export { exitChanges, type RunnerCommand, runRunnerCli } from "./cli";
export { type LogEntry, type LogSeverity, startEngineServer } from "./engine-service";
export { isSecret, type Props, secret, unknownValue } from "./props";
export {
  type CheckFailure,
  type CheckResult,
  type DiffResult,
  ProviderCallError,
  type ProviderHost,
  type ProviderHostOptions,
  providerKey,
  type ReadResult,
  serializeProvider,
  startProviderHost,
} from "./provider-host";
