/**
 * Jest helper: starts an emulator on port 0 with a temp data dir and one API token before the
 * tests of the calling file, and stops it in `afterAll`.
 */
import { type EmulatorHandle, type EmulatorOptions, startEmulator, tokenHeader } from "../../emulator/index";

/** A started emulator plus the `Authorization` header of its token. */
export interface EmulatorFixture {
  /** The running emulator (available inside tests and `beforeEach`). */
  readonly handle: () => EmulatorHandle;
  /** `Authorization` header value for the emulator's first token. */
  readonly authorization: () => string;
  /** Base URL of the API (`<endpoint>/api2/json`). */
  readonly apiBase: () => string;
}

/** Registers `beforeAll`/`afterAll` hooks that run one emulator for the calling test file. */
export function useEmulator(options: EmulatorOptions = {}): EmulatorFixture {
  let handle: EmulatorHandle | undefined;
  beforeAll(async () => {
    handle = await startEmulator({ http: true, ...options });
  });
  afterAll(async () => {
    await handle?.stop();
  });
  const get = (): EmulatorHandle => {
    if (!handle) throw new Error("emulator not started yet (use it inside a test or hook)");
    return handle;
  };
  return {
    handle: get,
    authorization: () => {
      const token = get().tokens[0];
      if (!token) throw new Error("emulator has no token");
      return tokenHeader(token);
    },
    apiBase: () => `${get().endpoint}/api2/json`,
  };
}
