/**
 * The bpg strategy for rule lists: the requests the bpg Terraform provider
 * (bpg/terraform-provider-proxmox, `proxmoxtf/resource/firewall/rules.go` `RulesCreate`,
 * `RulesUpdate`, `RulesRead`, with the request bodies of `proxmox/firewall/rules.go`; read at
 * d6bd1ff, v0.111) sends, reproduced from its behaviour:
 *
 * - Read: list the rules (only `pos` is decoded), then GET every position (N + 1 reads).
 * - Create: list the rules and abort unless the list is empty, POST the rules bottom-up (each
 *   lands at index 0) in their final form, enabled ones enabled, then Read.
 * - Update: match desired rules to the rules in state by signature (type, action, source, dest,
 *   sport, dport, proto, macro, iface; a group rule by group and iface), k-th to k-th; POST every
 *   unmatched desired rule (at the top). Then for each target position t: list the rules and GET
 *   positions t, t+1, ... until one has the desired rule's signature, and move it to t if it is
 *   elsewhere. Then PUT every matched rule at its position with its whole desired body, changed or
 *   not, deleting the fields the state had and the desired rule lacks; list again and DELETE the
 *   rules below the desired length bottom-up; then Read.
 *
 * Bodies are encoded as its client encodes them (go-querystring): `comment`, `dest`, `dport`,
 * `macro`, `proto`, `source`, `sport` are always sent, empty when unset (Proxmox then drops the
 * field); `iface` and `log` only when set; `enable` always, as 0/1; no digest.
 */
import type { RuleFields } from "../../provider/model/wire";
import type { RuleOp } from "../../provider/plan/ops";
import { simulateRuleOps } from "../../provider/plan/rules";
import { listStep, type Step } from "./steps";

/** Fields a bpg rule body always carries, empty when unset. */
const ALWAYS = ["comment", "dest", "dport", "macro", "proto", "source", "sport"] as const;
/** Fields a bpg rule body carries only when set. */
const WHEN_SET = ["iface", "log"] as const;
/** Fields bpg deletes on update when the state had them and the desired rule does not. */
const DELETABLE = ["comment", "dport", "dest", "iface", "log", "macro", "proto", "source", "sport"] as const;
/** The same for a security-group rule. */
const GROUP_DELETABLE = ["comment", "iface"] as const;

type Field = keyof RuleFields;

/** bpg's `computeRuleSignature`: the fields that identify a rule to it. */
export function bpgSignature(rule: Readonly<Record<string, unknown>>): string {
  const s = (f: string): string => (rule[f] === undefined || rule[f] === null ? "" : String(rule[f]));
  if (s("type") === "group") return ["group", s("action"), s("iface")].join(":");
  return ["rule", ...["type", "action", "dest", "dport", "source", "sport", "proto", "macro", "iface"].map(s)].join(
    ":",
  );
}

function isGroup(rule: RuleFields): boolean {
  return rule.type === "group";
}

/** bpg's base-rule body (`mapToBaseRule`, or `mapToSecurityGroupBaseRule` for a group rule). */
function baseBody(rule: RuleFields): Record<string, string> {
  const body: Record<string, string> = {};
  const fields: readonly Field[] = isGroup(rule) ? ["comment"] : ALWAYS;
  for (const f of fields) body[f] = rule[f] === undefined ? "" : String(rule[f]);
  body.enable = rule.enable === 0 ? "0" : "1";
  for (const f of isGroup(rule) ? (["iface"] as const) : WHEN_SET) if (rule[f] !== undefined) body[f] = String(rule[f]);
  return body;
}

/** The POST body of a new rule (`mapToRuleCreateRequestBody`). */
function createBody(rule: RuleFields): Record<string, string> {
  return { action: rule.action, type: rule.type, ...baseBody(rule) };
}

/** What a body does to a stored rule: its values set, its empty values and its `delete` list removed. */
function storedEffect(params: Readonly<Record<string, string>>): { set: Partial<RuleFields>; delete: Field[] } {
  const set: Record<string, string | number> = {};
  const del = new Set<Field>();
  for (const [k, v] of Object.entries(params)) {
    if (k === "delete") for (const f of v.split(",")) del.add(f as Field);
    else if (v === "") del.add(k as Field);
    else set[k] = k === "enable" ? Number(v) : v;
  }
  return { set: set as Partial<RuleFields>, delete: [...del] };
}

/** The field-update PUT of a matched rule at `pos`: its body, and its effect on the stored rule. */
function updateRequest(pos: number, want: RuleFields, old: RuleFields): { params: Record<string, string>; op: RuleOp } {
  const params = isGroup(want) ? baseBody(want) : { ...baseBody(want), action: want.action, type: want.type };
  const removed = (isGroup(want) ? GROUP_DELETABLE : DELETABLE).filter(
    (f) => want[f] === undefined && old[f] !== undefined,
  );
  if (removed.length > 0) params.delete = removed.join(",");
  return { params, op: { kind: "updateRule", pos, ...storedEffect(params) } };
}

/** The stored form of a rule POSTed with {@link createBody}. */
function created(rule: RuleFields): RuleFields {
  return storedEffect(createBody(rule)).set as RuleFields;
}

/** GET of one position, expecting the signature the model has there. */
function ruleStep(path: string, pos: number, rule: RuleFields): Step {
  const want = bpgSignature(rule);
  return {
    method: "GET",
    path: `${path}/${pos}`,
    expect: (data) => {
      const got = bpgSignature((data ?? {}) as Record<string, unknown>);
      return got === want ? undefined : `expected signature ${want}, got ${got}`;
    },
  };
}

/** `RulesRead` of a list the model holds as `list`: N + 1 reads. */
export function bpgRulesRead(path: string, list: readonly RuleFields[]): Step[] {
  return [listStep(path, list.length), ...list.map((r, pos) => ruleStep(path, pos, r))];
}

/** `RulesCreate` into an empty list at `path` (e.g. `/nodes/pve1/firewall/rules`). */
export function bpgRulesCreate(path: string, desired: readonly RuleFields[]): Step[] {
  const posts = [...desired].reverse().map((r): Step => ({ method: "POST", path, params: createBody(r) }));
  return [listStep(path, 0), ...posts, ...bpgRulesRead(path, desired.map(created))];
}

/** `RulesUpdate` from the rules in state (`state`, also what the server holds) to `desired`. */
export function bpgRulesUpdate(path: string, state: readonly RuleFields[], desired: readonly RuleFields[]): Step[] {
  const steps: Step[] = [];
  let list: RuleFields[] = [...state];
  const apply = (op: RuleOp): void => {
    list = simulateRuleOps(list, [op]);
  };
  const oldBySig = new Map<string, RuleFields[]>();
  for (const r of state) oldBySig.set(bpgSignature(r), [...(oldBySig.get(bpgSignature(r)) ?? []), r]);
  const consumed = new Map<string, number>();
  const oldFor = new Map<number, RuleFields>();
  for (const [i, r] of desired.entries()) {
    const sig = bpgSignature(r);
    const k = consumed.get(sig) ?? 0;
    consumed.set(sig, k + 1);
    const old = oldBySig.get(sig)?.[k];
    if (old !== undefined) oldFor.set(i, old);
    else {
      steps.push({ method: "POST", path, params: createBody(r) });
      apply({ kind: "createRule", fields: created(r) });
    }
  }
  for (let target = 0; target < desired.length; target++) {
    const sig = bpgSignature(desired[target] as RuleFields);
    steps.push(listStep(path, list.length));
    let found = -1;
    for (let pos = target; pos < list.length && found < 0; pos++) {
      steps.push(ruleStep(path, pos, list[pos] as RuleFields));
      if (bpgSignature(list[pos] as RuleFields) === sig) found = pos;
    }
    if (found < 0) throw new Error(`bpg update: no rule with signature ${sig} at or after position ${target}`);
    if (found !== target) {
      steps.push({ method: "PUT", path: `${path}/${found}`, params: { moveto: String(target) } });
      apply({ kind: "moveRule", pos: found, moveto: target });
    }
  }
  for (const [i, want] of desired.entries()) {
    const old = oldFor.get(i);
    if (old === undefined) continue;
    const { params, op } = updateRequest(i, want, old);
    steps.push({ method: "PUT", path: `${path}/${i}`, params });
    apply(op);
  }
  steps.push(listStep(path, list.length));
  for (let pos = list.length - 1; pos >= desired.length; pos--) {
    steps.push({ method: "DELETE", path: `${path}/${pos}` });
    apply({ kind: "deleteRule", pos });
  }
  return [...steps, ...bpgRulesRead(path, list)];
}
