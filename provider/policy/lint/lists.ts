/**
 * The rule lists lint walks: each file's `[RULES]` and each security group, with what Proxmox
 * resolves their references against.
 *
 * @module
 */
import { KernelSet } from "../address";
import { expandMacro, type GenContext, GenError, ruleConds } from "../generate";
import type { LoadedConfigs, LoadedFile, LoadedRule } from "../load";
import { ruleEnabled } from "../verify";
import type { Place } from "./findings";

/** One rule list and its context. */
export interface RuleList {
  /** `cluster`, `host/pve1`, `guest/100`, `group/web`. */
  readonly scope: string;
  readonly level: "cluster" | "host" | "guest" | "group";
  readonly file?: string;
  readonly node?: string;
  readonly vmid?: number;
  readonly group?: string;
  /** The file that holds the list (the cluster file for groups). */
  readonly owner: LoadedFile;
  /** What the rules' references resolve against when compiled (`fw_conf`); absent for groups. */
  readonly local?: LoadedFile;
}

/** Every rule list of `loaded`: cluster, groups, hosts, guests. */
export function ruleLists(loaded: LoadedConfigs): RuleList[] {
  const c = loaded.cluster;
  const lists: RuleList[] = [{ scope: "cluster", level: "cluster", ...file(c), owner: c }];
  for (const g of c.groups.values()) {
    lists.push({ scope: `group/${g.name}`, level: "group", group: g.name, ...file(c), owner: c });
  }
  for (const [node, h] of Object.entries(loaded.hosts)) {
    lists.push({ scope: `host/${node}`, level: "host", node, ...file(h), owner: h, local: h });
  }
  for (const [vmid, f] of Object.entries(loaded.guests)) {
    lists.push({ scope: `guest/${vmid}`, level: "guest", vmid: Number(vmid), ...file(f), owner: f, local: f });
  }
  return lists;
}

function file(f: LoadedFile): { file?: string } {
  return f.file !== undefined ? { file: f.file } : {};
}

/** The loaded rules of a list. */
export function rulesOf(list: RuleList): readonly LoadedRule[] {
  return list.group !== undefined ? (list.owner.groups.get(list.group)?.rules ?? []) : list.owner.rules;
}

/** Where rule `lr` of `list` is. */
export function rulePlace(list: RuleList, lr: { pos?: number; line?: number }): Place {
  return {
    ...(list.file !== undefined ? { file: list.file } : {}),
    ...(lr.line !== undefined ? { line: lr.line } : {}),
    scope: lr.pos !== undefined ? `${list.scope} rules[${lr.pos}]` : list.scope,
  };
}

/** Whether Proxmox compiles a rule at all: enabled and without errors. */
export function active(lr: LoadedRule): boolean {
  return ruleEnabled(lr.rule) && Object.keys(lr.errors).length === 0;
}

const EMPTY_SET = new KernelSet([]);

/**
 * Whether compiling `lr` fails in Proxmox's generator for some IP version it applies to; returns
 * the generator's message. Cluster rules compile with the host file as `fw_conf` (which has no
 * aliases or IPSets), so they are checked without a local file.
 */
export function compileFailure(lr: LoadedRule, list: RuleList, loaded: LoadedConfigs): string | undefined {
  if (lr.rule.type === "group") return undefined;
  for (const version of [4, 6] as const) {
    if (lr.ipversion && lr.ipversion !== version) continue;
    const ctx: GenContext = {
      version,
      cluster: loaded.cluster,
      ...(list.local ? { local: list.local } : {}),
      vmid: list.vmid ?? 0,
      set: () => EMPTY_SET,
    };
    try {
      for (const r of expandMacro(lr, lr.rule, version)) ruleConds(r, ctx);
    } catch (err) {
      if (err instanceof GenError) return err.message;
      throw err;
    }
  }
  return undefined;
}
