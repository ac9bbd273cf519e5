import { fileKey, type Scope } from "../model/scope";
import type { AliasFields, IpSetEntryFields, WireParams } from "../model/wire";
import { AliasApi, type AliasUpdate } from "./alias";
import { GroupApi } from "./group";
import type { PveHttpClient } from "./http";
import { InventoryApi } from "./inventory";
import { IpSetApi, type IpSetEntryUpdate } from "./ipset";
import { OptionsApi, type SetOptionsOptions } from "./options";
import { RulesApi, type UpdateRuleOptions } from "./rules";

/**
 * The whole Proxmox firewall API, scope-aware, over one {@link PveHttpClient}: every kind's calls
 * in one object (bpg style). It decodes responses and names objects in errors; it holds no logic.
 */
export class FirewallApi {
  /** The HTTP client underneath (call log, close). */
  readonly http: PveHttpClient;
  readonly #rules: RulesApi;
  readonly #options: OptionsApi;
  readonly #ipsets: IpSetApi;
  readonly #aliases: AliasApi;
  readonly #groups: GroupApi;
  readonly #inventory: InventoryApi;

  constructor(http: PveHttpClient) {
    this.http = http;
    this.#rules = new RulesApi(http);
    this.#options = new OptionsApi(http);
    this.#ipsets = new IpSetApi(http);
    this.#aliases = new AliasApi(http);
    this.#groups = new GroupApi(http);
    this.#inventory = new InventoryApi(http);
  }

  /**
   * Runs `fn`, a read and the write it decides, holding the config file of `scope` (`cluster.fw`
   * for security groups) against this client's other writes to it: see {@link PveHttpClient.holding}.
   */
  holdingFile<T>(scope: Scope, fn: () => Promise<T>): Promise<T> {
    return this.http.holding(fileKey(scope), fn);
  }

  // rules
  /** @see RulesApi.listRules */
  listRules(scope: Scope) {
    return this.#rules.listRules(scope);
  }
  /** @see RulesApi.getRule */
  getRule(scope: Scope, pos: number) {
    return this.#rules.getRule(scope, pos);
  }
  /** @see RulesApi.createRule */
  createRule(scope: Scope, fields: WireParams) {
    return this.#rules.createRule(scope, fields);
  }
  /** @see RulesApi.updateRule */
  updateRule(scope: Scope, pos: number, params: WireParams, opts?: UpdateRuleOptions) {
    return this.#rules.updateRule(scope, pos, params, opts);
  }
  /** @see RulesApi.moveRule */
  moveRule(scope: Scope, pos: number, moveto: number, digest?: string) {
    return this.#rules.moveRule(scope, pos, moveto, digest);
  }
  /** @see RulesApi.deleteRule */
  deleteRule(scope: Scope, pos: number, digest?: string) {
    return this.#rules.deleteRule(scope, pos, digest);
  }

  // options
  /** @see OptionsApi.getOptions */
  getOptions(scope: Scope) {
    return this.#options.getOptions(scope);
  }
  /** @see OptionsApi.setOptions */
  setOptions(scope: Scope, params: WireParams, opts?: SetOptionsOptions) {
    return this.#options.setOptions(scope, params, opts);
  }

  // ipsets
  /** @see IpSetApi.listIpSets */
  listIpSets(scope: Scope) {
    return this.#ipsets.listIpSets(scope);
  }
  /** @see IpSetApi.createIpSet */
  createIpSet(scope: Scope, name: string, comment?: string) {
    return this.#ipsets.createIpSet(scope, name, comment);
  }
  /** @see IpSetApi.renameIpSet */
  renameIpSet(scope: Scope, from: string, to: string, comment?: string, digest?: string) {
    return this.#ipsets.renameIpSet(scope, from, to, comment, digest);
  }
  /** @see IpSetApi.deleteIpSet */
  deleteIpSet(scope: Scope, name: string, opts?: { force?: boolean }) {
    return this.#ipsets.deleteIpSet(scope, name, opts);
  }
  /** @see IpSetApi.listIpSetEntries */
  listIpSetEntries(scope: Scope, name: string) {
    return this.#ipsets.listIpSetEntries(scope, name);
  }
  /** @see IpSetApi.addIpSetEntry */
  addIpSetEntry(scope: Scope, name: string, entry: IpSetEntryFields) {
    return this.#ipsets.addIpSetEntry(scope, name, entry);
  }
  /** @see IpSetApi.updateIpSetEntry */
  updateIpSetEntry(scope: Scope, name: string, cidr: string, update: IpSetEntryUpdate, digest?: string) {
    return this.#ipsets.updateIpSetEntry(scope, name, cidr, update, digest);
  }
  /** @see IpSetApi.deleteIpSetEntry */
  deleteIpSetEntry(scope: Scope, name: string, cidr: string, digest?: string) {
    return this.#ipsets.deleteIpSetEntry(scope, name, cidr, digest);
  }

  // aliases
  /** @see AliasApi.listAliases */
  listAliases(scope: Scope) {
    return this.#aliases.listAliases(scope);
  }
  /** @see AliasApi.getAlias */
  getAlias(scope: Scope, name: string) {
    return this.#aliases.getAlias(scope, name);
  }
  /** @see AliasApi.createAlias */
  createAlias(scope: Scope, alias: AliasFields) {
    return this.#aliases.createAlias(scope, alias);
  }
  /** @see AliasApi.updateAlias */
  updateAlias(scope: Scope, name: string, update: AliasUpdate, digest?: string) {
    return this.#aliases.updateAlias(scope, name, update, digest);
  }
  /** @see AliasApi.deleteAlias */
  deleteAlias(scope: Scope, name: string, digest?: string) {
    return this.#aliases.deleteAlias(scope, name, digest);
  }

  // security groups
  /** @see GroupApi.listGroups */
  listGroups() {
    return this.#groups.listGroups();
  }
  /** @see GroupApi.createGroup */
  createGroup(name: string, comment?: string) {
    return this.#groups.createGroup(name, comment);
  }
  /** @see GroupApi.renameGroup */
  renameGroup(from: string, to: string, comment?: string, digest?: string) {
    return this.#groups.renameGroup(from, to, comment, digest);
  }
  /** @see GroupApi.deleteGroup */
  deleteGroup(name: string) {
    return this.#groups.deleteGroup(name);
  }

  // inventory
  /** @see InventoryApi.getVersion */
  getVersion() {
    return this.#inventory.getVersion();
  }
  /** @see InventoryApi.probeVersion */
  probeVersion(timeoutMs: number) {
    return this.#inventory.probeVersion(timeoutMs);
  }
  /** @see InventoryApi.listNodes */
  listNodes() {
    return this.#inventory.listNodes();
  }
  /** @see InventoryApi.listGuests */
  listGuests(node: string, type: "qemu" | "lxc") {
    return this.#inventory.listGuests(node, type);
  }
  /** @see InventoryApi.getGuestConfig */
  getGuestConfig(node: string, type: "qemu" | "lxc", vmid: number) {
    return this.#inventory.getGuestConfig(node, type, vmid);
  }
  /** @see InventoryApi.getClusterStatus */
  getClusterStatus() {
    return this.#inventory.getClusterStatus();
  }
  /** @see InventoryApi.listNodeNetwork */
  listNodeNetwork(node: string) {
    return this.#inventory.listNodeNetwork(node);
  }
  /** @see InventoryApi.listVnets */
  listVnets() {
    return this.#inventory.listVnets();
  }
}
