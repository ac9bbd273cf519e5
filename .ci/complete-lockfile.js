#!/usr/bin/env node
// Adds lockfile entries for optional platform packages (e.g. @swc/core-darwin-arm64) that npm left
// out because the registry this machine uses does not serve other platforms' binaries. Without them
// `npm ci` refuses the lockfile ("Missing: ... from lock file"); with them it skips those packages as
// the optional, foreign-platform dependencies they are. Run it after any `npm install` that changes
// package-lock.json: `node .ci/complete-lockfile.js`.
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const path = join(__dirname, "..", "package-lock.json");
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;
let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const prefix = key === "" ? "" : `${key}/`;
    if (packages[`${prefix}node_modules/${name}`] || packages[`node_modules/${name}`]) continue;
    packages[`node_modules/${name}`] = { version, ...(entry.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform package entr${added === 1 ? "y" : "ies"}`);
