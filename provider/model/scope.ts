import { z } from "zod";
import { joinPath } from "./common";
import { groupNameSchema } from "./fields";
import { expecting, renderIssue, show, unknownKeyReason, withoutNulls } from "./input";

/**
 * Where a firewall object lives. One value, used the same way by every resource, the client
 * (which turns it into a path prefix) and the emulator.
 *
 * - `cluster`: the datacenter (`cluster.fw`): options, rules, aliases, IPSets, security groups.
 * - `node`: one node's `host.fw`: options and rules.
 * - `vm`: one guest's `<vmid>.fw`; `guestType` picks the API path (`qemu` or `lxc`), both share the file.
 * - `vnet`: one SDN VNet's `sdn/firewall/<vnet>.fw`: options and forward rules.
 * - `group`: the rule list of one security group (inside `cluster.fw`).
 */
export const nodeNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/, "must be a node name (letters, digits and '-')");
export const vmidSchema = z
  .number()
  .int("must be an integer")
  .min(100, "must be a guest ID of at least 100")
  .max(999999999, "must be a guest ID of at most 999999999");
export const vnetNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]{0,7}$/, "must be a VNet ID (1-8 lower-case letters/digits)");

export const scopeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cluster") }),
  z.object({ kind: z.literal("node"), node: nodeNameSchema }),
  z.object({ kind: z.literal("vm"), node: nodeNameSchema, vmid: vmidSchema, guestType: z.enum(["qemu", "lxc"]) }),
  z.object({ kind: z.literal("vnet"), vnet: vnetNameSchema }),
  z.object({ kind: z.literal("group"), group: groupNameSchema }),
]);
export type Scope = z.output<typeof scopeSchema>;
export type ScopeKind = Scope["kind"];

export const CLUSTER: Scope = { kind: "cluster" };

/** Stable, human-readable ID of a scope: `cluster`, `node/pve1`, `qemu/pve1/100`, `lxc/pve1/101`, `vnet/v1`, `cluster/group/web`. */
export function scopeId(scope: Scope): string {
  switch (scope.kind) {
    case "cluster":
      return "cluster";
    case "node":
      return `node/${scope.node}`;
    case "vm":
      return `${scope.guestType}/${scope.node}/${scope.vmid}`;
    case "vnet":
      return `vnet/${scope.vnet}`;
    case "group":
      return `cluster/group/${scope.group}`;
  }
}

/** Inverse of {@link scopeId}; `undefined` when `id` is not a scope ID. */
export function parseScopeId(id: string): Scope | undefined {
  const parts = id.split("/");
  const [head, a, b, c] = parts;
  let candidate: unknown;
  if (id === "cluster") candidate = { kind: "cluster" };
  else if (head === "node" && parts.length === 2) candidate = { kind: "node", node: a };
  else if ((head === "qemu" || head === "lxc") && parts.length === 3)
    candidate = { kind: "vm", guestType: head, node: a, vmid: Number(b) };
  else if (head === "vnet" && parts.length === 2) candidate = { kind: "vnet", vnet: a };
  else if (head === "cluster" && a === "group" && parts.length === 3 && c === undefined)
    candidate = { kind: "group", group: b };
  const parsed = scopeSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The config file a scope's objects are stored in, named like Proxmox's pmxcfs lock
 * (`firewall-cluster`, `firewall-host-<node>`, `firewall-vm-<vmid>`, `firewall-vnet-<vnet>`).
 * Writes with the same key must be serialized; different keys may run concurrently.
 */
export function fileKey(scope: Scope): string {
  switch (scope.kind) {
    case "cluster":
    case "group":
      return "firewall-cluster";
    case "node":
      return `firewall-host-${scope.node}`;
    case "vm":
      return `firewall-vm-${scope.vmid}`;
    case "vnet":
      return `firewall-vnet-${scope.vnet}`;
  }
}

/** Which rule types a scope accepts (BEHAVIOR.md §1). */
export function allowedRuleTypes(scope: Scope): readonly ("in" | "out" | "forward" | "group")[] {
  switch (scope.kind) {
    case "cluster":
    case "node":
      return ["in", "out", "forward", "group"];
    case "vm":
      return ["in", "out", "group"];
    case "vnet":
      return ["forward", "group"];
    case "group":
      return ["in", "out", "forward"];
  }
}

/** A problem with user input: `path` is a dot path such as `scope.vmid` or `rules[2].dport`. */
export interface InputIssue {
  readonly path: string;
  readonly reason: string;
}

/** The `scope` input every resource takes (see `sdk/scope.ts` for its documentation). */
export const scopeArgsSchema = z.strictObject(
  {
    node: z.string({ error: expecting("a node name such as pve1") }).optional(),
    vmid: z.number({ error: expecting("a guest ID (a number of at least 100)") }).optional(),
    guestType: z.enum(["qemu", "lxc"], { error: expecting('"qemu" or "lxc"') }).optional(),
    vnet: z.string({ error: expecting("a VNet ID such as v1") }).optional(),
  },
  {
    error: expecting("a scope object: { node }, { node, vmid, guestType? } or { vnet }, or nothing for the datacenter"),
  },
);
export type ScopeArgs = z.input<typeof scopeArgsSchema>;

const SCOPE_KEYS = Object.keys(scopeArgsSchema.shape);

/**
 * Resolve the user's `scope` input to a {@link Scope}: omitted → cluster, `{node}` → node,
 * `{node, vmid}` → guest, `{vnet}` → VNet. Contradictions are issues under `path`.
 */
export function scopeFromArgs(
  args: unknown,
  path = "scope",
): { ok: true; scope: Scope } | { ok: false; issues: InputIssue[] } {
  const shape = scopeArgsSchema.safeParse(withoutNulls(args) ?? {}, { error: renderIssue });
  if (!shape.success) {
    return {
      ok: false,
      issues: shape.error.issues.flatMap((i) =>
        i.code === "unrecognized_keys"
          ? i.keys.map((key) => ({
              path: joinPath(path, key),
              reason: unknownKeyReason(key, SCOPE_KEYS, "scope"),
            }))
          : [{ path: [path, ...i.path.map(String)].join("."), reason: i.message }],
      ),
    };
  }
  const { node, vmid, guestType, vnet } = shape.data;
  if (vnet !== undefined && (node !== undefined || vmid !== undefined))
    return { ok: false, issues: [{ path, reason: "a VNet scope takes only 'vnet', not 'node' or 'vmid'" }] };
  if (vmid !== undefined && node === undefined)
    return { ok: false, issues: [{ path: `${path}.node`, reason: "a guest scope needs the node name with 'vmid'" }] };
  if (guestType !== undefined && vmid === undefined)
    return { ok: false, issues: [{ path: `${path}.guestType`, reason: "'guestType' needs 'vmid'" }] };
  const candidate =
    vnet !== undefined
      ? { kind: "vnet", vnet }
      : vmid !== undefined
        ? { kind: "vm", node, vmid, guestType: guestType ?? "qemu" }
        : node !== undefined
          ? { kind: "node", node }
          : { kind: "cluster" };
  const parsed = scopeSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, scope: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({
      path: [path, ...i.path.filter((p) => p !== "kind").map(String)].join("."),
      reason: `${show(fieldValue(candidate, i.path))} ${i.message}`,
    })),
  };
}

function fieldValue(obj: object, path: readonly PropertyKey[]): unknown {
  const key = path[0];
  return key === undefined ? obj : (obj as Record<PropertyKey, unknown>)[key];
}
