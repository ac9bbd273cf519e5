/**
 * The Proxmox API client: the only code that talks to Proxmox. Everything public is listed here.
 */
export { AliasApi, type AliasUpdate } from "./alias";
export { type Authenticator, TICKET_LIFETIME_MS, TicketAuthenticator, TokenAuthenticator } from "./auth";
export { type CallFilter, CallLog, type CallObserver, type CallRecord, TICKET_PATH } from "./call-log";
export {
  type ClientConfig,
  type ClientConfigInput,
  clientConfigInputSchema,
  DEFAULT_IPSET_WRITE_CONCURRENCY,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_TICKET_RENEW_AFTER_MS,
  DEFAULT_TIMEOUT_MS,
  normalizeEndpoint,
  normalizeFingerprint,
  type PasswordAuth,
  resolveClientConfig,
  type TlsConfig,
  type TokenAuth,
} from "./config";
export { encodeParams, type ParamValue, pathSegment, type RequestParams } from "./encode";
export { FirewallApi } from "./firewall";
export { GroupApi } from "./group";
export {
  classifyError,
  type HttpClientDeps,
  type HttpMethod,
  mayHaveApplied,
  PveHttpClient,
  type RequestOptions,
} from "./http";
export {
  type ClusterStatusEntry,
  type GuestConfig,
  InventoryApi,
  type NetworkInterface,
  type PveGuest,
  type PveNode,
  type PveVersion,
  type PveVnet,
} from "./inventory";
export { IpSetApi, type IpSetEntryUpdate } from "./ipset";
export { OptionsApi, type SetOptionsOptions } from "./options";
export { REDACTED, redact, Secret } from "./redact";
export {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  type RetryEnv,
  type RetryOptions,
  type RetryPolicy,
  systemRetryEnv,
  type TransportFacts,
  transportFacts,
  withRetry,
} from "./retry";
export { RulesApi, type UpdateRuleOptions } from "./rules";
export { assertScopeKind, firewallPath, rulesPath } from "./scope";
export { KeyedMutex, type LockMode, type Release, Semaphore } from "./serialize";
export { createAgent, type RawResponse, TransportError } from "./transport";
