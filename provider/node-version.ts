/**
 * The Node.js version this package needs (`engines.node` in package.json), checked by every entry
 * point before anything else loads: on an older Node, undici (all HTTP) fails deep inside with
 * `createZstdDecompress ... undefined`, which says nothing about the cause.
 */

/** The lowest supported Node.js version, as `engines.node` in package.json says (`>=22.19`). */
export const MIN_NODE_VERSION = "22.19";

/**
 * The one-line message for an unsupported Node.js `version` (`process.versions.node` form, e.g.
 * `20.20.2`), or `undefined` when it is supported.
 */
export function unsupportedNodeMessage(version: string = process.versions.node): string | undefined {
  const have = version.split(".").map((n) => Number.parseInt(n, 10));
  const need = MIN_NODE_VERSION.split(".").map((n) => Number.parseInt(n, 10));
  for (let i = 0; i < need.length; i++) {
    const h = have[i] ?? 0;
    const n = need[i] ?? 0;
    if (h > n) return undefined;
    if (h < n) return `pulumi-proxmox-firewall needs Node.js >= ${MIN_NODE_VERSION}; this is v${version}`;
  }
  return undefined;
}
