/**
 * Imported first by the library entry points (`pulumi-proxmox-firewall/provider`, as Pulumi's
 * dynamic-provider host loads it, and `pulumi-proxmox-firewall/emulator`): throws the one-line
 * {@link unsupportedNodeMessage} on an unsupported Node.js, before undici or anything else loads.
 * Only the message crosses Pulumi's gRPC boundary, so the engine shows exactly that line.
 */
import { unsupportedNodeMessage } from "./node-version";

const problem = unsupportedNodeMessage();
if (problem) throw new Error(problem);
