import { z } from "zod";
import { fileKey, type Scope, scopeId } from "../model/scope";
import {
  type IpSetEntryFields,
  type WireIpSet,
  type WireIpSetEntryItem,
  wireIpSetEntryItemSchema,
  wireIpSetSchema,
} from "../model/wire";
import { pathSegment } from "./encode";
import type { PveHttpClient } from "./http";
import { assertScopeKind, firewallPath } from "./scope";

const IPSET_SCOPES = ["cluster", "vm"] as const;

function setsPath(scope: Scope): string {
  assertScopeKind(scope, IPSET_SCOPES, "IPSets");
  return `${firewallPath(scope)}/ipset`;
}

function setPath(scope: Scope, name: string): string {
  return `${setsPath(scope)}/${pathSegment(name)}`;
}

function setSubject(scope: Scope, name: string): string {
  return `ipset ${scopeId(scope)}/ipset/${name}`;
}

function entrySubject(scope: Scope, name: string, cidr: string): string {
  return `ipset entry ${scopeId(scope)}/ipset/${name}/${cidr}`;
}

/** Options of {@link IpSetApi.updateIpSetEntry}: Proxmox replaces both, so send both. */
export interface IpSetEntryUpdate {
  readonly comment?: string;
  readonly nomatch?: boolean;
}

/** IPSets and their entries, at cluster or guest scope (BEHAVIOR.md §5, §6). */
export class IpSetApi {
  readonly #http: PveHttpClient;
  constructor(http: PveHttpClient) {
    this.#http = http;
  }

  /** The sets of `scope` (names and comments, without entries). */
  async listIpSets(scope: Scope): Promise<WireIpSet[]> {
    return this.#http.request("GET", setsPath(scope), undefined, {
      subject: `ipsets of ${scopeId(scope)}`,
      schema: z.array(wireIpSetSchema),
    });
  }

  /** Creates an empty set. */
  async createIpSet(scope: Scope, name: string, comment?: string): Promise<void> {
    await this.#http.request(
      "POST",
      setsPath(scope),
      { name, comment },
      { subject: setSubject(scope, name), lockKey: fileKey(scope) },
    );
  }

  /** Renames set `from` to `to` in place (Proxmox posts `name=to&rename=from`); references are not rewritten. */
  async renameIpSet(scope: Scope, from: string, to: string, comment?: string, digest?: string): Promise<void> {
    await this.#http.request(
      "POST",
      setsPath(scope),
      { name: to, rename: from, comment, digest },
      { subject: setSubject(scope, from), lockKey: fileKey(scope) },
    );
  }

  /** Deletes a set; a non-empty set needs `force`. */
  async deleteIpSet(scope: Scope, name: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.#http.request(
      "DELETE",
      setPath(scope, name),
      { force: opts.force ? true : undefined },
      { subject: setSubject(scope, name), lockKey: fileKey(scope) },
    );
  }

  /**
   * The entries of one set, in Proxmox's order (the file's: sorted by cidr text once Proxmox wrote
   * it), and their digest (absent when empty). One GET. Entries Proxmox flags (lines it could not
   * parse, duplicates, missing aliases, zero prefixes; BEHAVIOR.md §11) are listed too, with their
   * `errors` and possibly without `cidr`: {@link isFlaggedEntry} tells them apart.
   */
  async listIpSetEntries(scope: Scope, name: string): Promise<{ entries: WireIpSetEntryItem[]; digest?: string }> {
    const entries = await this.#http.request("GET", setPath(scope, name), undefined, {
      subject: setSubject(scope, name),
      schema: z.array(wireIpSetEntryItemSchema),
    });
    const digest = entries[0]?.digest;
    return digest === undefined ? { entries } : { entries, digest };
  }

  /**
   * Adds one entry (Proxmox normalises the cidr; see BEHAVIOR.md §6). The POST takes no digest, so
   * it is `pipelined`: up to `ipsetWriteConcurrency` adds and digest-less removes of one file are
   * in flight at once.
   */
  async addIpSetEntry(scope: Scope, name: string, entry: IpSetEntryFields): Promise<void> {
    await this.#http.request(
      "POST",
      setPath(scope, name),
      { cidr: entry.cidr, comment: entry.comment, nomatch: entry.nomatch ? true : undefined },
      { subject: entrySubject(scope, name, entry.cidr), lockKey: fileKey(scope), pipelined: true },
    );
  }

  /** Replaces comment and nomatch of the entry `cidr` (its normalised text). */
  async updateIpSetEntry(
    scope: Scope,
    name: string,
    cidr: string,
    update: IpSetEntryUpdate,
    digest?: string,
  ): Promise<void> {
    await this.#http.request(
      "PUT",
      `${setPath(scope, name)}/${pathSegment(cidr)}`,
      { comment: update.comment, nomatch: update.nomatch, digest },
      { subject: entrySubject(scope, name, cidr), lockKey: fileKey(scope) },
    );
  }

  /**
   * Removes the entry `cidr`; a missing entry is not an error. Without a `digest` the remove is
   * `pipelined` like an add; with one it keeps the file's FIFO order (the digest must meet the set
   * exactly as the writes before it left it).
   */
  async deleteIpSetEntry(scope: Scope, name: string, cidr: string, digest?: string): Promise<void> {
    await this.#http.request(
      "DELETE",
      `${setPath(scope, name)}/${pathSegment(cidr)}`,
      { digest },
      { subject: entrySubject(scope, name, cidr), lockKey: fileKey(scope), pipelined: digest === undefined },
    );
  }
}
