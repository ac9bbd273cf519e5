/**
 * The topology file `simulate` and `lint` take with `--topology` (the emulator's format). Their
 * configs come from the readers `import` and `export` use too: `data-dir.ts` for a data directory,
 * `live.ts` for a live endpoint.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { readTopology } from "../policy/topology";
import type { PolicyTopology } from "../policy/types";

/**
 * Reads a topology file (the emulator's format, nodes as names or `{ name, ip, network, rings }`).
 *
 * @throws Error naming the file and the problem
 */
export async function readTopologyFile(path: string): Promise<PolicyTopology> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new Error(`topology file '${path}': ${(err as Error).message}`);
  }
  try {
    return readTopology(json);
  } catch (err) {
    throw new Error(`topology file '${path}': ${(err as Error).message}`);
  }
}
