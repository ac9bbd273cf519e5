import { z } from "zod";
import { fileKey, type Scope, scopeId } from "../model/scope";
import { type WireParams, type WireRule, wireRuleSchema } from "../model/wire";
import { pathSegment } from "./encode";
import type { PveHttpClient } from "./http";
import { rulesPath } from "./scope";

/** Options of {@link RulesApi.updateRule}. */
export interface UpdateRuleOptions {
  /** List digest from the last read; Proxmox refuses the write when the list changed since. */
  readonly digest?: string;
  /** Fields to remove (applied after the sent values, so `delete` wins). */
  readonly delete?: readonly string[];
}

/** Ordered rules of any scope, group scope included (BEHAVIOR.md §1). */
export class RulesApi {
  readonly #http: PveHttpClient;
  constructor(http: PveHttpClient) {
    this.#http = http;
  }

  /** All rules of `scope` in order, with the list digest (absent for an empty list). One GET. */
  async listRules(scope: Scope): Promise<{ rules: WireRule[]; digest?: string }> {
    const rules = await this.#http.request("GET", rulesPath(scope), undefined, {
      subject: `rules of ${scopeId(scope)}`,
      schema: z.array(wireRuleSchema),
    });
    const digest = rules[0]?.digest;
    return digest === undefined ? { rules } : { rules, digest };
  }

  /** The rule at `pos`. @throws NotFoundError when there is none */
  async getRule(scope: Scope, pos: number): Promise<WireRule> {
    return this.#http.request("GET", `${rulesPath(scope)}/${pathSegment(pos)}`, undefined, {
      subject: `rule ${pos} at ${scopeId(scope)}`,
      schema: wireRuleSchema,
    });
  }

  /** Creates a rule; Proxmox always inserts it at position 0 and disables it unless `enable=1` is sent. */
  async createRule(scope: Scope, fields: WireParams): Promise<void> {
    await this.#http.request("POST", rulesPath(scope), fields, {
      subject: `new rule at ${scopeId(scope)}`,
      lockKey: fileKey(scope),
    });
  }

  /** Overwrites the sent fields of the rule at `pos`, then removes `delete`. */
  async updateRule(scope: Scope, pos: number, params: WireParams, opts: UpdateRuleOptions = {}): Promise<void> {
    await this.#http.request(
      "PUT",
      `${rulesPath(scope)}/${pathSegment(pos)}`,
      { ...params, delete: opts.delete?.length ? opts.delete : undefined, digest: opts.digest },
      { subject: `rule ${pos} at ${scopeId(scope)}`, lockKey: fileKey(scope) },
    );
  }

  /** Moves the rule at `pos` in front of the rule that had index `moveto` (BEHAVIOR.md §1). */
  async moveRule(scope: Scope, pos: number, moveto: number, digest?: string): Promise<void> {
    await this.#http.request(
      "PUT",
      `${rulesPath(scope)}/${pathSegment(pos)}`,
      { moveto, digest },
      { subject: `rule ${pos} at ${scopeId(scope)}`, lockKey: fileKey(scope) },
    );
  }

  /** Deletes the rule at `pos`; later rules move up by one. */
  async deleteRule(scope: Scope, pos: number, digest?: string): Promise<void> {
    await this.#http.request(
      "DELETE",
      `${rulesPath(scope)}/${pathSegment(pos)}`,
      { digest },
      { subject: `rule ${pos} at ${scopeId(scope)}`, lockKey: fileKey(scope) },
    );
  }
}
