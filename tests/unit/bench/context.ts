/**
 * A bench context on the test's emulator, as `npm run bench` builds one: the bench's own HTTP
 * client (API token and control token), and a silent log.
 */

import { EmulatorClient } from "../../../bench/http";
import type { BenchContext } from "../../../bench/scenario";
import type { EmulatorHandle } from "../../../emulator/index";

/** The context of `h`; close its client after the tests. */
export function benchContext(h: EmulatorHandle): BenchContext {
  const token = h.tokens[0]!;
  return {
    client: new EmulatorClient({
      endpoint: h.endpoint,
      apiToken: `${token.id}=${token.secret}`,
      controlToken: h.controlToken,
    }),
    log: () => undefined,
  };
}
