/**
 * Jest wrapper around the dynamic-provider host harness: starts Pulumi's real host in `beforeAll`
 * (configured, as the engine does) and closes it in `afterAll`.
 */
import type { LogEntry } from "../../provider/runner/engine-service";
import { type ProviderHost, type ProviderHostOptions, startProviderHost } from "../../provider/runner/provider-host";

/** Options of {@link useProviderHost}: the host options plus the config passed to `configure`. */
export interface UseProviderHostOptions extends Partial<ProviderHostOptions> {
  /**
   * Stack config handed to `configure` (`ns:key` → value).
   *
   * @default {}
   */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** A lazily bound handle: `host()` returns the running host inside tests; `logs` collects its log lines. */
export interface ProviderHostHandle {
  host(): ProviderHost;
  readonly logs: LogEntry[];
}

/** Registers beforeAll/afterAll hooks that run one configured provider host for the enclosing describe. */
export function useProviderHost(opts: UseProviderHostOptions = {}): ProviderHostHandle {
  const logs: LogEntry[] = [];
  let running: ProviderHost | undefined;
  beforeAll(async () => {
    running = await startProviderHost({
      project: opts.project ?? "test",
      stack: opts.stack ?? "dev",
      cwd: opts.cwd,
      env: opts.env,
      engineAddress: opts.engineAddress,
      onLog: (e) => {
        logs.push(e);
        opts.onLog?.(e);
      },
    });
    await running.configure(opts.config ?? {});
  });
  afterAll(async () => {
    await running?.close();
  });
  return {
    host() {
      if (!running) throw new Error("provider host is not running (use host() inside a test)");
      return running;
    },
    logs,
  };
}
