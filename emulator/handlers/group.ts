/**
 * Security group endpoints (Groups.pm): list, create, rename (rewriting `GROUP old` references
 * in cluster rules, every node's host.fw and every topology guest's .fw, but not VNet files),
 * delete (empty groups only).
 */

import type { RuleFields } from "../../provider/model/wire";
import { compact, digestOf, type Handler, writeLocked } from "../context";
import { assertIfModified, paramError, plainError } from "../http-error";
import type { ConfigData, FileRef } from "../store";

const CLUSTER: FileRef = { kind: "cluster" };

function sortedGroups(config: ConfigData) {
  return [...config.groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function groupsDigest(config: ConfigData): string {
  return digestOf(sortedGroups(config).map((g) => ({ group: g.name, comment: g.comment })));
}

function rewrite(rules: RuleFields[], from: string, to: string): void {
  rules.forEach((r, i) => {
    if (r.type === "group" && r.action === from) rules[i] = { ...r, action: to };
  });
}

/** Handlers of `/cluster/firewall/groups` (list, create, rename). */
export function groupListHandlers(): Record<string, Handler> {
  return {
    GET: async (ctx) => {
      const { config } = await ctx.store.load(CLUSTER);
      const digest = groupsDigest(config);
      return sortedGroups(config).map((g) => compact({ group: g.name, comment: g.comment, digest }));
    },
    POST: async (ctx, params) => {
      const name = params.group ?? "";
      const rename = params.rename;
      await writeLocked(ctx, CLUSTER, async (config) => {
        if (rename !== undefined && rename !== "") {
          assertIfModified(groupsDigest(config), params.digest);
          const old = config.groups.find((g) => g.name === rename);
          if (!old) throw paramError({ group: `Security group '${rename}' does not exist` });
          if (name !== rename && config.groups.some((g) => g.name === name)) {
            throw paramError({ group: `Security group '${name}' does already exist` });
          }
          if (params.comment !== undefined) old.comment = params.comment;
          if (name === rename) return;
          config.groups.push({ ...old, name, rules: old.rules });
          await ctx.store.save(CLUSTER, config);
          const refs: FileRef[] = [
            ...ctx.topology.nodes.map((node): FileRef => ({ kind: "host", node })),
            ...ctx.topology.guests.map((g): FileRef => ({ kind: "guest", vmid: String(g.vmid) })),
          ];
          for (const ref of refs) {
            const { exists } = await ctx.store.load(ref);
            if (!exists) continue;
            await writeLocked(ctx, ref, (other) => rewrite(other.rules, rename, name));
          }
          rewrite(config.rules, rename, name);
          config.groups = config.groups.filter((g) => g !== old);
          return;
        }
        if (config.groups.some((g) => g.name === name)) {
          throw paramError({ group: `Security group '${name}' already exists` });
        }
        config.groups.push({ name, ...(params.comment !== undefined ? { comment: params.comment } : {}), rules: [] });
      });
      return null;
    },
  };
}

/** `DELETE /cluster/firewall/groups/{group}`. */
export function deleteGroupHandler(): Handler {
  return async (ctx, params) => {
    await writeLocked(ctx, CLUSTER, (config) => {
      const group = config.groups.find((g) => g.name === params.group);
      if (!group) throw plainError(`no such security group '${params.group ?? ""}'`);
      if (group.rules.length > 0) throw plainError(`Security group '${group.name}' is not empty`);
      config.groups = config.groups.filter((g) => g !== group);
    });
    return null;
  };
}
