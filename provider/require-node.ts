/**
 * Imported first by the library entry points (`pulumi-proxmox-firewall`, the SDK;
 * `pulumi-proxmox-firewall/provider`, as Pulumi's dynamic-provider host loads it; and
 * `pulumi-proxmox-firewall/emulator`): stops on an unsupported Node.js with the one-line
 * {@link unsupportedNodeMessage}, before undici or anything else loads.
 *
 * Imported by someone else's code (a Pulumi program, the dynamic-provider host, `node -e`), it
 * throws that line as an `Error`, which the importer can catch; only the message crosses Pulumi's
 * gRPC boundary, so the engine shows exactly that line. The error carries Pulumi's `RunError`
 * mark (`__pulumiRunError`, which `RunError.isInstance` tests), so Pulumi's language runtime
 * (`cmd/run`) reports a program that imports the SDK with just that line, no stack trace.
 *
 * Run as the program itself (`node dist/emulator/index.js`), nobody can catch it and Node would
 * print a stack trace, so it writes the line to stderr and exits with code 1, as the
 * `pve-firewall` bin does.
 */
import { relative, resolve, sep } from "node:path";
import { unsupportedNodeMessage } from "./node-version";

/** Whether the main module (the program Node was started with) is a file of this package. */
function startedAsProgram(): boolean {
  const main = require.main?.filename;
  if (main === undefined) return false;
  const path = relative(resolve(__dirname, ".."), main);
  return !path.startsWith("..") && !path.split(sep).includes("node_modules");
}

const problem = unsupportedNodeMessage();
if (problem) {
  if (!startedAsProgram()) throw Object.assign(new Error(problem), { __pulumiRunError: true });
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
