/** The `.fw` config file codec: read and write Proxmox firewall files exactly as pve-firewall does. */
export { NOT_AN_ADDRESS, ZERO_PREFIX_ERROR } from "./entry";
export { parseOptionLine } from "./option";
export { parseFw, parseFwStrict } from "./parse";
export { fwFileFor } from "./path";
export { printFw } from "./print";
export { printFwExact } from "./print-exact";
export { parseRuleLine, printRuleLine } from "./rule";
export type {
  FwConfig,
  FwDiagnostic,
  FwFileKind,
  FwGroup,
  FwIpSet,
  FwIpSetEntry,
  FwParseResult,
} from "./types";
export { emptyFwConfig, isNamelessAlias } from "./types";
