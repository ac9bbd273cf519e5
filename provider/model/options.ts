/**
 * Firewall options of each scope (cluster, node, vm, vnet): input schemas with camelCase Proxmox
 * names, the wire codec (booleans as 0/1, `log_ratelimit` as a property string) and the canonical
 * form. An omitted option means "Proxmox default": it is not set in the file.
 *
 * @module
 */
import { z } from "zod";
import type { Validation } from "./common";
import { flag, logLevelSchema } from "./fields";
import { expecting, renderIssue, show, unknownKeyReason, withoutNulls, zodIssues } from "./input";
import { CONNTRACK_HELPERS } from "./pve-tables";
import type { WireOptions } from "./wire";

const bool = (doc: string) => flag().optional().describe(doc);
const level = (doc: string) => logLevelSchema.optional().describe(`${doc} @default 'nolog'`);
const policy = (doc: string) =>
  z
    .enum(["ACCEPT", "REJECT", "DROP"], { error: expecting("a policy: ACCEPT, REJECT or DROP") })
    .optional()
    .describe(doc);
const forwardPolicy = (doc: string) =>
  z
    .enum(["ACCEPT", "DROP"], { error: expecting("a forward policy: ACCEPT or DROP (REJECT is not allowed)") })
    .optional()
    .describe(doc);
/** A whole number in `[min, max]`; Proxmox's file parser reads only digits, so negative numbers never load. */
const int = (min: number, max: number | undefined, doc: string) => {
  let schema = z
    .number({ error: expecting("a whole number") })
    .int({ error: (i) => `${show(i.input)} is not a whole number` })
    .min(min, { error: (i) => `${show(i.input)} is below the minimum ${min}` });
  if (max !== undefined) schema = schema.max(max, { error: (i) => `${show(i.input)} is above the maximum ${max}` });
  return schema.optional().describe(doc);
};

/** `log_ratelimit` of the cluster: log rate limiting. */
export const logRatelimitSchema = z.strictObject(
  {
    enable: flag().default(true).describe("Enable log rate limiting. Sub-key `enable`. @default true"),
    rate: z
      .string({ error: expecting("a rate such as 1/second") })
      .regex(/^[1-9][0-9]*\/(second|minute|hour|day)$/, {
        error: (i) => `${show(i.input)} is not a rate: write N/second, N/minute, N/hour or N/day with N of at least 1`,
      })
      .optional()
      .describe("Refill frequency of the burst bucket. Sub-key `rate`. @default '1/second' @example '10/minute'"),
    burst: z
      .number({ error: expecting("a whole number") })
      .int({ error: (i) => `${show(i.input)} is not a whole number` })
      .min(0, { error: (i) => `${show(i.input)} is below the minimum 0` })
      .optional()
      .describe("Packets always logged before the rate applies. Sub-key `burst`. @default 5"),
  },
  { error: expecting("an object { enable?, rate?, burst? }") },
);

/** Cluster (datacenter) options, `cluster.fw` `[OPTIONS]`. */
export const clusterOptionsSchema = z.strictObject({
  enable: bool("Enable the firewall cluster wide. Proxmox field `enable` (sent as 0/1). @default false"),
  ebtables: bool("Enable ebtables rules cluster wide. Proxmox field `ebtables`. @default true"),
  policyIn: policy("Input policy. Proxmox field `policy_in`. @default 'DROP'"),
  policyOut: policy("Output policy. Proxmox field `policy_out`. @default 'ACCEPT'"),
  policyForward: forwardPolicy("Forward policy (nftables backend). Proxmox field `policy_forward`. @default 'ACCEPT'"),
  logRatelimit: logRatelimitSchema
    .optional()
    .describe(
      "Log rate limiting. Proxmox field `log_ratelimit`. @default { enable: true, rate: '1/second', burst: 5 }",
    ),
});

/** Node (host) options, `host.fw` `[OPTIONS]`. */
export const nodeOptionsSchema = z.strictObject({
  enable: bool("Enable host firewall rules. Proxmox field `enable`. @default true"),
  logLevelIn: level("Log level for incoming traffic. Proxmox field `log_level_in`."),
  logLevelOut: level("Log level for outgoing traffic. Proxmox field `log_level_out`."),
  logLevelForward: level("Log level for forwarded traffic. Proxmox field `log_level_forward`."),
  smurfLogLevel: level("Log level for the SMURFS filter. Proxmox field `smurf_log_level`."),
  tcpFlagsLogLevel: level("Log level for the illegal TCP flags filter. Proxmox field `tcp_flags_log_level`."),
  logNfConntrack: bool("Log conntrack information. Proxmox field `log_nf_conntrack`. @default false"),
  ndp: bool("Allow NDP. Proxmox field `ndp`. @default true"),
  nfConntrackAllowInvalid: bool("Allow invalid packets. Proxmox field `nf_conntrack_allow_invalid`. @default false"),
  nfConntrackHelpers: z
    .array(z.enum(CONNTRACK_HELPERS, { error: expecting(`a conntrack helper (${CONNTRACK_HELPERS.join(", ")})`) }), {
      error: expecting("a list of conntrack helpers"),
    })
    .optional()
    .describe(
      "Conntrack helpers to enable. Proxmox field `nf_conntrack_helpers`; an empty list is the default (none). @default [] @example ['ftp']",
    ),
  nfConntrackMax: int(32768, undefined, "Max tracked connections. Proxmox field `nf_conntrack_max`. @default 262144"),
  nfConntrackTcpTimeoutEstablished: int(
    7875,
    undefined,
    "Established timeout in seconds. Proxmox field `nf_conntrack_tcp_timeout_established`. @default 432000",
  ),
  nfConntrackTcpTimeoutSynRecv: int(
    30,
    60,
    "SYN_RECV timeout in seconds. Proxmox field `nf_conntrack_tcp_timeout_syn_recv`. @default 60",
  ),
  nftables: bool("Use the nftables firewall (tech preview). Proxmox field `nftables`. @default false"),
  nosmurfs: bool("SMURFS filter. Proxmox field `nosmurfs`. @default true (on unless set to false)"),
  protectionSynflood: bool("SYN flood protection. Proxmox field `protection_synflood`. @default false"),
  protectionSynfloodRate: int(0, undefined, "SYN/s per source. Proxmox field `protection_synflood_rate`. @default 200"),
  protectionSynfloodBurst: int(
    0,
    undefined,
    "SYN burst per source. Proxmox field `protection_synflood_burst`. @default 1000",
  ),
  tcpflags: bool("Filter illegal TCP flag combinations. Proxmox field `tcpflags`. @default false"),
});

/** Guest (VM/CT) options, `<vmid>.fw` `[OPTIONS]`. */
export const vmOptionsSchema = z.strictObject({
  enable: bool("Enable the guest's firewall. Proxmox field `enable`. @default false"),
  dhcp: bool("Allow DHCP. Proxmox field `dhcp`. @default true (allowed unless set to false)"),
  ipfilter: bool("Default IP filters. Proxmox field `ipfilter`. @default false"),
  macfilter: bool("MAC address filter. Proxmox field `macfilter`. @default true"),
  ndp: bool("Allow NDP. Proxmox field `ndp`. @default true"),
  radv: bool("Allow sending router advertisements. Proxmox field `radv`. @default false"),
  policyIn: policy("Input policy. Proxmox field `policy_in`. @default 'DROP'"),
  policyOut: policy("Output policy. Proxmox field `policy_out`. @default 'ACCEPT'"),
  logLevelIn: level("Log level for incoming traffic. Proxmox field `log_level_in`."),
  logLevelOut: level("Log level for outgoing traffic. Proxmox field `log_level_out`."),
});

/** SDN VNet options, `sdn/firewall/<vnet>.fw` `[OPTIONS]`. */
export const vnetOptionsSchema = z.strictObject({
  enable: bool("Enable the VNet's firewall rules. Proxmox field `enable`. @default false"),
  policyForward: forwardPolicy("Forward policy. Proxmox field `policy_forward`. @default 'ACCEPT'"),
  logLevelForward: level("Log level for forwarded traffic. Proxmox field `log_level_forward`."),
});

/** The option schema of each scope kind. */
export const OPTIONS_SCHEMAS = {
  cluster: clusterOptionsSchema,
  node: nodeOptionsSchema,
  vm: vmOptionsSchema,
  vnet: vnetOptionsSchema,
} as const;
/** Scope kinds that have options. */
export type OptionsScopeKind = keyof typeof OPTIONS_SCHEMAS;
/** Options input of one scope kind. */
export type OptionsInput<K extends OptionsScopeKind> = z.input<(typeof OPTIONS_SCHEMAS)[K]>;
/** Options input of any scope kind (the union of all fields). */
export type AnyOptionsInput = Partial<
  z.input<typeof clusterOptionsSchema> &
    z.input<typeof nodeOptionsSchema> &
    z.input<typeof vmOptionsSchema> &
    z.input<typeof vnetOptionsSchema>
>;
/** `log_ratelimit` in its structured form. */
export type LogRatelimit = z.output<typeof logRatelimitSchema>;

/** Proxmox's snake_case name of a camelCase option (`nfConntrackMax` → `nf_conntrack_max`). */
export function optionWireName(inputName: string): string {
  return inputName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** camelCase input name of a Proxmox option (`policy_in` → `policyIn`). */
export function optionInputName(wireName: string): string {
  return wireName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Encodes `log_ratelimit` as Proxmox's property string: `enable=1[,burst=N][,rate=R]`. */
export function encodeLogRatelimit(value: LogRatelimit): string {
  const parts = [`enable=${value.enable ? 1 : 0}`];
  if (value.burst !== undefined) parts.push(`burst=${value.burst}`);
  if (value.rate !== undefined) parts.push(`rate=${value.rate}`);
  return parts.join(",");
}

/** Decodes a `log_ratelimit` property string (`[enable=]<0|1>,burst=N,rate=R`); undefined when malformed. */
export function decodeLogRatelimit(text: string): LogRatelimit | undefined {
  const out: Record<string, unknown> = {};
  for (const [index, part] of text.split(",").entries()) {
    const eq = part.indexOf("=");
    const key = eq === -1 && index === 0 ? "enable" : part.slice(0, eq);
    const raw = eq === -1 ? part : part.slice(eq + 1);
    if (key === "enable" && (raw === "0" || raw === "1")) out.enable = raw === "1";
    else if (key === "burst" && /^\d+$/.test(raw)) out.burst = Number(raw);
    else if (key === "rate") out.rate = raw;
    else return undefined;
  }
  if (out.enable === undefined) out.enable = true;
  const parsed = logRatelimitSchema.safeParse(out);
  return parsed.success ? parsed.data : undefined;
}

/** Converts options input of `kind` to wire form: booleans as 0/1, helpers joined, `log_ratelimit` encoded. */
export function optionsToWire(kind: OptionsScopeKind, input: AnyOptionsInput): Record<string, string | number> {
  const allowed = Object.keys(OPTIONS_SCHEMAS[kind].shape);
  const wire: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || !allowed.includes(key)) continue;
    const name = optionWireName(key);
    if (typeof value === "boolean") wire[name] = value ? 1 : 0;
    else if (Array.isArray(value)) wire[name] = value.join(",");
    else if (typeof value === "object") wire[name] = encodeLogRatelimit({ ...value, enable: value.enable ?? true });
    else wire[name] = value;
  }
  return sortKeys(wire);
}

const BOOLEAN_OPTIONS: ReadonlySet<string> = new Set(
  Object.values(OPTIONS_SCHEMAS).flatMap((schema) =>
    Object.entries(schema.shape)
      .filter(([, field]) => field.unwrap() instanceof z.ZodBoolean)
      .map(([name]) => name),
  ),
);

/** Converts wire options of `kind` to input form; `digest` and keys unknown to the scope are ignored. */
export function optionsFromWire(kind: OptionsScopeKind, wire: WireOptions): AnyOptionsInput {
  const allowed = Object.keys(OPTIONS_SCHEMAS[kind].shape);
  const out: Record<string, unknown> = {};
  for (const [wireName, value] of Object.entries(canonicalOptions(kind, wire))) {
    const name = optionInputName(wireName);
    if (!allowed.includes(name)) continue;
    if (BOOLEAN_OPTIONS.has(name)) out[name] = Number(value) >= 1;
    else if (name === "nfConntrackHelpers") out[name] = value === "" ? [] : String(value).split(",");
    else if (name === "logRatelimit") out[name] = decodeLogRatelimit(String(value)) ?? value;
    else out[name] = value;
  }
  return out as AnyOptionsInput;
}

/**
 * Canonical wire options of `kind`: keys sorted, `digest` dropped, numbers as numbers (the cluster
 * `enable` timestamp handshake values are kept as read), log levels lower case and policies upper
 * case (as Proxmox's parser stores them), helpers lower case (an empty list dropped: it is the
 * default), `log_ratelimit` re-encoded in the
 * fixed `enable=…,burst=…,rate=…` order when it parses (an equivalent spelling is not a diff).
 */
export function canonicalOptions(kind: OptionsScopeKind, wire: WireOptions): Record<string, string | number> {
  const allowed = new Set(Object.keys(OPTIONS_SCHEMAS[kind].shape).map(optionWireName));
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(wire)) {
    if (!allowed.has(key)) continue;
    const text = String(value);
    if (key.startsWith("policy_")) out[key] = text.toUpperCase();
    else if (key === "nf_conntrack_helpers") {
      // An empty list is Proxmox's default (no helpers), and an empty value does not load from the file.
      if (text !== "") out[key] = text.toLowerCase();
    } else if (key.includes("log_level")) out[key] = text.toLowerCase();
    else if (key === "log_ratelimit") {
      const decoded = decodeLogRatelimit(text);
      out[key] = decoded ? encodeLogRatelimit(decoded) : text;
    } else out[key] = /^\d+$/.test(text) ? Number(text) : text;
  }
  return sortKeys(out);
}

/** The resource class of each options kind, as messages name it. */
export const OPTIONS_RESOURCE: Readonly<Record<OptionsScopeKind, string>> = {
  cluster: "ClusterFirewallOptions",
  node: "NodeFirewallOptions",
  vm: "GuestFirewallOptions",
  vnet: "VnetFirewallOptions",
};

/**
 * Why `key` is not an option of `kind`: when it is an option of another kind, which resource has
 * it (`policyIn` on a node: the datacenter's policy is the nodes' policy); else a misspelling or
 * the list of options the kind has.
 */
export function optionKeyReason(kind: OptionsScopeKind, key: string): string {
  const own = Object.keys(OPTIONS_SCHEMAS[kind].shape);
  const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, "");
  if (own.some((k) => norm(k) === norm(key))) return unknownKeyReason(key, own, OPTIONS_RESOURCE[kind]);
  const kinds = Object.keys(OPTIONS_SCHEMAS) as OptionsScopeKind[];
  const name = kinds.flatMap((other) => Object.keys(OPTIONS_SCHEMAS[other].shape)).find((k) => norm(k) === norm(key));
  const elsewhere = kinds.filter((other) => name !== undefined && Object.hasOwn(OPTIONS_SCHEMAS[other].shape, name));
  if (name === undefined) return unknownKeyReason(key, own, OPTIONS_RESOURCE[kind]);
  const spelling = name === key ? "" : `(${name}) `;
  return `unknown property; ${key} ${spelling}is an option of ${elsewhere.map((k) => OPTIONS_RESOURCE[k]).join(" and ")}, not of ${OPTIONS_RESOURCE[kind]}`;
}

/**
 * Validates options input for a scope kind (`null` means "left out"); on success returns the
 * canonical wire options. An unknown option names the resource that has it, if any.
 */
export function validateOptions(kind: OptionsScopeKind, input: unknown): Validation<Record<string, string | number>> {
  const parsed = OPTIONS_SCHEMAS[kind].safeParse(withoutNulls(input), { error: renderIssue });
  if (!parsed.success)
    return {
      ok: false,
      issues: zodIssues(parsed.error, "", (key, path) =>
        path.length === 0
          ? optionKeyReason(kind, key)
          : unknownKeyReason(key, Object.keys(logRatelimitSchema.shape), "logRatelimit"),
      ),
    };
  return { ok: true, value: canonicalOptions(kind, optionsToWire(kind, parsed.data)), warnings: [] };
}

function sortKeys(record: Record<string, string | number>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
