/** The `.fw` config file codec: read and write Proxmox firewall files exactly as pve-firewall does. */
export { parseOptionLine } from "./option";
export { parseFw, parseFwStrict } from "./parse";
export { fwFileFor } from "./path";
export { printFw } from "./print";
export { parseRuleLine, printRuleLine } from "./rule";
export type { FwConfig, FwDiagnostic, FwFileKind, FwGroup, FwIpSet, FwParseResult } from "./types";
export { emptyFwConfig } from "./types";
