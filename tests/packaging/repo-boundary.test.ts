/**
 * A fresh clone alone in an empty folder must pass `npm ci && npm test`: no test and no product
 * code may read a file outside the repository (e.g. a reference folder that happens to sit beside
 * the clone on a developer's machine). This scans every source file for paths that leave it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const repoRoot = resolve(__dirname, "..", "..");
const scanned = ["provider", "sdk", "emulator", "bench", "tests", "examples", ".ci"];
/** Folders compiled to `dist/` (see tsconfig.build.json). */
const BUILT = ["provider", "sdk", "emulator", "bench"];
const sourceFile = /\.(ts|js|mjs|cjs)$|^run$/;

/**
 * Whether a path resolved from `fromDir` leaves the repository. Product code also runs from its
 * build output (`dist/<same folder>`), so a path is fine when either location keeps it inside.
 */
function landsOutside(fromDir: string, parts: readonly string[]): boolean {
  const outside = (dir: string) => {
    const rel = relative(repoRoot, resolve(dir, ...parts));
    return rel === ".." || rel.startsWith(`..${sep}`);
  };
  const folder = relative(repoRoot, fromDir);
  const built = BUILT.some((b) => folder === b || folder.startsWith(`${b}${sep}`));
  return outside(fromDir) && (!built || outside(join(repoRoot, "dist", folder)));
}

/** Absolute locations of this workplace that a repository file must never name. */
const FORBIDDEN = [["", "work", ""].join("/"), ["shared", "pve-api"].join("/")];

/**
 * Every path in `text` (the content of `file`) that leaves the repository: a relative string
 * literal (`"../x"`, also as an import) resolved from the file's folder, the string arguments of
 * `join(__dirname, ...)` / `resolve(__dirname, ...)` resolved together, and any forbidden
 * absolute location.
 */
function escapingPaths(file: string, text: string): string[] {
  const dir = dirname(file);
  const found: string[] = [];
  for (const m of text.matchAll(/["'`](\.\.?\/[^"'`\s]*)["'`]/g)) {
    const literal = m[1] ?? "";
    if (landsOutside(dir, [literal])) found.push(literal);
  }
  for (const m of text.matchAll(/\b(?:join|resolve)\(\s*__dirname\s*((?:,\s*["'`][^"'`]*["'`]\s*)+)/g)) {
    const parts = [...(m[1] ?? "").matchAll(/["'`]([^"'`]*)["'`]/g)].map((p) => p[1] ?? "");
    if (landsOutside(dir, parts)) found.push(`__dirname/${parts.join("/")}`);
  }
  for (const bad of FORBIDDEN) if (text.includes(bad)) found.push(bad);
  return found;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name === ".pulumi-local") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (sourceFile.test(entry.name)) out.push(path);
  }
  return out;
}

describe("repository boundary", () => {
  it("finds the paths that leave the repository in a sample", () => {
    const file = join(repoRoot, "tests", "unit", "model", "sample.test.ts");
    const outside = ["..", "..", "..", "..", "shared", "x.json"];
    expect(escapingPaths(file, `join(__dirname, "${outside.join("/")}")`)).not.toEqual([]);
    expect(escapingPaths(file, `join(__dirname, ${outside.map((p) => `"${p}"`).join(", ")})`)).not.toEqual([]);
    expect(escapingPaths(file, `import x from "${outside.join("/")}";`)).not.toEqual([]);
    expect(escapingPaths(file, `join(__dirname, "../../../emulator/schema/firewall-api.json")`)).toEqual([]);
    expect(escapingPaths(file, `import { x } from "../../../provider/model/rule";`)).toEqual([]);
  });

  it("has no test or product source that reads outside the repository", () => {
    const files = scanned.flatMap((d) => sourceFiles(join(repoRoot, d))).filter((f) => f !== __filename);
    expect(files.length).toBeGreaterThan(100);
    const offenders = files
      .map((f) => ({ file: relative(repoRoot, f), paths: escapingPaths(f, readFileSync(f, "utf8")) }))
      .filter((o) => o.paths.length > 0);
    expect(offenders).toEqual([]);
  });
});
