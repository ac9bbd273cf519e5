import { z } from "zod";
import { CLUSTER, fileKey } from "../model/scope";
import { type WireGroup, wireGroupSchema } from "../model/wire";
import { pathSegment } from "./encode";
import type { PveHttpClient } from "./http";

const GROUPS_PATH = "/cluster/firewall/groups";
const CLUSTER_FILE = fileKey(CLUSTER);

function subject(name: string): string {
  return `security group cluster/group/${name}`;
}

/**
 * Security groups (in `cluster.fw`). Their rules go through `RulesApi` with a
 * `{ kind: 'group', group }` scope.
 */
export class GroupApi {
  readonly #http: PveHttpClient;
  constructor(http: PveHttpClient) {
    this.#http = http;
  }

  /** All groups (names and comments), sorted by name. One GET. */
  async listGroups(): Promise<WireGroup[]> {
    return this.#http.request("GET", GROUPS_PATH, undefined, {
      subject: "security groups",
      schema: z.array(wireGroupSchema),
    });
  }

  /** Creates an empty group. */
  async createGroup(name: string, comment?: string): Promise<void> {
    await this.#http.request(
      "POST",
      GROUPS_PATH,
      { group: name, comment },
      { subject: subject(name), lockKey: CLUSTER_FILE },
    );
  }

  /** Renames group `from` to `to`; Proxmox rewrites `GROUP from` references in host and guest rules. */
  async renameGroup(from: string, to: string, comment?: string, digest?: string): Promise<void> {
    await this.#http.request(
      "POST",
      GROUPS_PATH,
      { group: to, rename: from, comment, digest },
      { subject: subject(from), lockKey: CLUSTER_FILE },
    );
  }

  /** Deletes an empty group. */
  async deleteGroup(name: string): Promise<void> {
    await this.#http.request("DELETE", `${GROUPS_PATH}/${pathSegment(name)}`, undefined, {
      subject: subject(name),
      lockKey: CLUSTER_FILE,
    });
  }
}
