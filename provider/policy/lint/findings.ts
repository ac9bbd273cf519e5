/**
 * Lint findings: a stable code per kind of problem, its severity, where it is, what is wrong and
 * a one-line fix. The codes are a contract (scripts filter on them); never renumber one.
 *
 * @module
 */

/** How bad a finding is: `error` = Proxmox ignores or breaks something you wrote. */
export type Severity = "error" | "warning" | "info";

/** One lint finding. */
export interface Finding {
  /** Stable code, e.g. `PVEFW020`. */
  readonly code: string;
  /** Stable kebab-case name of the code, e.g. `undefined-ipset`. */
  readonly name: string;
  readonly severity: Severity;
  /** The file, as given on the command line or `/etc/pve`-relative. */
  readonly file?: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** Where in Proxmox's terms: `cluster`, `host/pve1`, `guest/100`, `group/web`, with `rules[3]` or `ipset/x`. */
  readonly scope: string;
  readonly message: string;
  /** One line: what to do about it. */
  readonly fix: string;
}

/** Every code: name and severity. */
export const CODES = {
  PVEFW001: { name: "skipped-line", severity: "error" },
  PVEFW002: { name: "crlf-line-ends", severity: "error" },
  PVEFW003: { name: "repeated-section", severity: "warning" },
  PVEFW004: { name: "unreadable-file", severity: "error" },
  PVEFW005: { name: "unknown-file-kind", severity: "info" },
  PVEFW010: { name: "invalid-rule", severity: "error" },
  PVEFW011: { name: "dropped-rule", severity: "error" },
  PVEFW012: { name: "rule-fails-to-compile", severity: "error" },
  PVEFW020: { name: "undefined-ipset", severity: "error" },
  PVEFW021: { name: "undefined-alias", severity: "error" },
  PVEFW022: { name: "undefined-group", severity: "error" },
  PVEFW023: { name: "defined-after-use", severity: "error" },
  PVEFW030: { name: "macro-conflict", severity: "error" },
  PVEFW031: { name: "macro-redundant-field", severity: "info" },
  PVEFW040: { name: "shadowed-rule", severity: "warning" },
  PVEFW041: { name: "duplicate-rule", severity: "warning" },
  PVEFW042: { name: "rule-after-catch-all", severity: "warning" },
  PVEFW050: { name: "not-enforced", severity: "warning" },
  PVEFW051: { name: "forward-rule-unused", severity: "info" },
  PVEFW052: { name: "iface-never-matches", severity: "warning" },
  PVEFW060: { name: "mixed-ip-versions", severity: "error" },
  PVEFW061: { name: "redundant-ipset-entry", severity: "warning" },
  PVEFW062: { name: "invalid-ipset-entry", severity: "error" },
  PVEFW070: { name: "management-shadowed", severity: "warning" },
  PVEFW071: { name: "broken-group", severity: "error" },
  PVEFW080: { name: "enable-timestamp", severity: "warning" },
} as const satisfies Record<string, { name: string; severity: Severity }>;

/** One of {@link CODES}. */
export type Code = keyof typeof CODES;

/** Where a finding is. */
export interface Place {
  readonly file?: string;
  readonly line?: number;
  readonly scope: string;
}

/** Builds a finding of `code` at `place`. */
export function finding(code: Code, place: Place, message: string, fix: string, severity?: Severity): Finding {
  const c = CODES[code];
  return {
    code,
    name: c.name,
    severity: severity ?? c.severity,
    ...(place.file !== undefined ? { file: place.file } : {}),
    ...(place.line !== undefined ? { line: place.line } : {}),
    scope: place.scope,
    message,
    fix,
  };
}

/** The exit code for findings: 2 with any error, 1 with any warning, else 0. */
export function exitCodeFor(findings: readonly Finding[]): 0 | 1 | 2 {
  if (findings.some((f) => f.severity === "error")) return 2;
  if (findings.some((f) => f.severity === "warning")) return 1;
  return 0;
}

/** `file:line: severity CODE name: message (fix: ...)`, one line per finding. */
export function formatFinding(f: Finding): string {
  const where = f.file !== undefined ? `${f.file}${f.line !== undefined ? `:${f.line}` : ""}` : f.scope;
  const scope = f.file !== undefined ? ` [${f.scope}]` : "";
  return `${where}: ${f.severity} ${f.code} ${f.name}: ${f.message}${scope}\n  fix: ${f.fix}`;
}

/** Orders findings by file, line, then code, so output is stable. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.scope.localeCompare(b.scope) ||
      a.code.localeCompare(b.code),
  );
}
