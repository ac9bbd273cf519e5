import { z } from "zod";
import { fileKey, type Scope, scopeId } from "../model/scope";
import {
  type AliasFields,
  type WireAlias,
  type WireAliasItem,
  wireAliasItemSchema,
  wireAliasSchema,
} from "../model/wire";
import { pathSegment } from "./encode";
import type { PveHttpClient } from "./http";
import { assertScopeKind, firewallPath } from "./scope";

/** Body of {@link AliasApi.updateAlias}: `cidr` is required by Proxmox on every update. */
export interface AliasUpdate {
  readonly cidr: string;
  /** Omitted clears the comment (Proxmox rebuilds the alias from the parameters). */
  readonly comment?: string;
  /** New name; references in rules are not rewritten. */
  readonly rename?: string;
}

function aliasesPath(scope: Scope): string {
  assertScopeKind(scope, ["cluster", "vm"], "aliases");
  return `${firewallPath(scope)}/aliases`;
}

function subject(scope: Scope, name: string): string {
  return `alias ${scopeId(scope)}/alias/${name}`;
}

/** Aliases (named addresses), at cluster or guest scope. Names are case-insensitive. */
export class AliasApi {
  readonly #http: PveHttpClient;
  constructor(http: PveHttpClient) {
    this.#http = http;
  }

  /**
   * All aliases of `scope`, sorted by lower-cased name, each with the list digest. One GET. The list
   * may hold the nameless alias of an `[ALIASES]` line Proxmox could not parse (BEHAVIOR.md §11):
   * {@link isNamedAlias} tells it apart.
   */
  async listAliases(scope: Scope): Promise<WireAliasItem[]> {
    return this.#http.request("GET", aliasesPath(scope), undefined, {
      subject: `aliases of ${scopeId(scope)}`,
      schema: z.array(wireAliasItemSchema),
    });
  }

  /** One alias (no digest in this answer). @throws NotFoundError when there is none */
  async getAlias(scope: Scope, name: string): Promise<WireAlias> {
    return this.#http.request("GET", `${aliasesPath(scope)}/${pathSegment(name)}`, undefined, {
      subject: subject(scope, name),
      schema: wireAliasSchema,
    });
  }

  /** Creates an alias. */
  async createAlias(scope: Scope, alias: AliasFields): Promise<void> {
    await this.#http.request(
      "POST",
      aliasesPath(scope),
      { name: alias.name, cidr: alias.cidr, comment: alias.comment },
      { subject: subject(scope, alias.name), lockKey: fileKey(scope) },
    );
  }

  /** Replaces cidr and comment of alias `name`, optionally renaming it. */
  async updateAlias(scope: Scope, name: string, update: AliasUpdate, digest?: string): Promise<void> {
    await this.#http.request(
      "PUT",
      `${aliasesPath(scope)}/${pathSegment(name)}`,
      { cidr: update.cidr, comment: update.comment, rename: update.rename, digest },
      { subject: subject(scope, name), lockKey: fileKey(scope) },
    );
  }

  /** Deletes alias `name`; a missing alias is not an error. */
  async deleteAlias(scope: Scope, name: string, digest?: string): Promise<void> {
    await this.#http.request(
      "DELETE",
      `${aliasesPath(scope)}/${pathSegment(name)}`,
      { digest },
      { subject: subject(scope, name), lockKey: fileKey(scope) },
    );
  }
}
