/**
 * Human-readable text for verdicts: what decided (`host pve1 rule 2 (host.fw:7) \`IN DROP ...\``),
 * for the CLI and for error messages.
 *
 * @module
 */
import type { DecidedBy, GroupCaller, Verdict } from "./types";

function callerText(v: GroupCaller): string {
  const where =
    v.level === "host" ? `host ${v.node ?? ""} ` : v.level === "guest" ? `guest ${v.vmid ?? ""} ` : "cluster ";
  return `${where}rule ${v.pos}${v.line !== undefined ? ` (line ${v.line})` : ""}`;
}

/** One line naming what decided, e.g. `cluster rule 3 (line 12) \`IN DROP -p tcp -dport 22\``. */
export function describeDecision(d: DecidedBy): string {
  switch (d.kind) {
    case "rule": {
      const level =
        d.level === "group"
          ? `security group ${d.group ?? ""}`
          : d.level === "host"
            ? `host ${d.node ?? ""}`
            : d.level === "guest"
              ? `guest ${d.vmid ?? ""}`
              : "cluster";
      const line = d.line !== undefined ? ` (line ${d.line})` : "";
      const expansion = d.expansion !== undefined ? ` (macro line ${d.expansion})` : "";
      const via = d.via ? `, inserted by ${callerText(d.via)}` : "";
      const note = d.note ? `; ${d.note}` : "";
      return `${level} rule ${d.pos}${line} \`${d.rule}\`${expansion}${via} in ${d.chain}${note}`;
    }
    case "policy": {
      const owner = d.level === "guest" ? `guest ${d.vmid ?? ""}` : "cluster";
      const note = d.note ? `; ${d.note}` : "";
      return `${owner} ${d.option} ${d.value} (policy) in ${d.chain}${note}`;
    }
    case "implicit":
      return `built-in ${d.name} rule in ${d.chain}: ${d.detail}`;
    case "gate":
      return d.detail;
    case "unfiltered":
      return d.detail;
  }
}

/** A multi-line verdict: the action, what decided, then every hop. */
export function describeVerdict(v: Verdict): string {
  const lines = [`${v.action}`, `decided by: ${describeDecision(v.decidedBy)}`, "path:"];
  for (const h of v.hops) lines.push(`  ${h.at}: ${h.action}, ${describeDecision(h.decidedBy)}`);
  for (const w of v.warnings) lines.push(`warning: ${w}`);
  return `${lines.join("\n")}\n`;
}
