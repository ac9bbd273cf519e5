import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The package's root directory (where its package.json is), from source (`provider/cli`) or `dist/provider/cli`. */
export function packageRoot(): string {
  for (const up of ["../..", "../../.."]) {
    const dir = join(__dirname, up);
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "pulumi-proxmox-firewall") return dir;
    } catch {
      // not at this level; try the next
    }
  }
  throw new Error(`cannot find the pulumi-proxmox-firewall package root above ${__dirname}`);
}

/** The package version, read from its package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}
