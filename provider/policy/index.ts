/**
 * The policy engine: what Proxmox VE's firewall does with a packet (simulator), what in a
 * configuration is wrong or dead (lint), and whether operators keep access to every node
 * (management check, for the lockout guard). Pure functions: callers do the I/O.
 *
 * @module
 */
export {
  type ChangeScope,
  type ConfigTexts,
  configFile,
  configsFromTexts,
  overlay,
  type PlannedChange,
} from "./configs";
export { describeDecision, describeVerdict } from "./explain";
export { scanLayout } from "./layout";
export {
  CODES,
  type Code,
  exitCodeFor,
  type FileRole,
  type Finding,
  formatFinding,
  type LintFile,
  type LintOptions,
  lintConfigs,
  lintFiles,
  roleOf,
  type Severity,
} from "./lint/index";
export {
  checkManagementAccess,
  DEFAULT_MANAGEMENT_PORTS,
  type ManagementCheckInput,
  type ManagementReach,
  sourceAddresses,
} from "./management";
export { PacketError } from "./route";
export { clusterEnableActive, createSimulator, type Simulator, type SimulatorOptions } from "./simulate";
export { parseNic, readTopology, type TopologyFile } from "./topology";
export type * from "./types";
