#!/usr/bin/env node
/**
 * The `pve-firewall` bin. The Node.js version is checked before the CLI (and with it undici) loads,
 * so an unsupported Node gets one clear line instead of a crash deep inside a dependency.
 */
import { unsupportedNodeMessage } from "../node-version";

const problem = unsupportedNodeMessage();
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exitCode = 1;
} else {
  import("./index.js")
    .then(({ runCli }) => runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr }))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        process.stderr.write(`pve-firewall: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
      },
    );
}
