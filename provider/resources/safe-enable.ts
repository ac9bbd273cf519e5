/**
 * Safe enable: Proxmox's own two-step anti-lockout for turning the cluster firewall on, as its GUI
 * does it (BEHAVIOR.md §7 and §11, OBSERVED.md k; pve-firewall `API2/Firewall/Cluster.pm`
 * `set_options` and `Firewall.pm` `parse_clusterfw_option`).
 *
 * 1. PUT the options with `enable` above 1: Proxmox stores its own current Unix time instead, and
 *    reads `enable: <time>` as on only while it is at most 60 s old, then as 0.
 * 2. Confirm that a new client can still reach the API: `GET /version` over a new connection (the
 *    pooled ones are established, and conntrack lets those through whatever the rules say).
 * 3. PUT `enable=1`, which keeps the firewall on for good.
 *
 * When step 2 fails, nothing more is sent: the firewall switches itself off within a minute.
 *
 * @module
 */
import type { FirewallApi } from "../client/firewall";
import { hasCode, LockoutRefusedError } from "../errors";
import { CLUSTER } from "../model/scope";
import type { OptionsOp } from "../plan/ops";
import type { WriteJournal } from "./journal";

/** How long step 2 waits for an answer: well inside the 60 s Proxmox gives the timestamp. */
export const CONFIRM_TIMEOUT_MS = 15_000;

/** How often step 3 re-reads the options after a concurrent edit before giving up. */
const MAX_CONFIRM_ATTEMPTS = 3;

/**
 * The cluster options as they will stay: an `enable` timestamp (above 1; GET reports it only while
 * fresh) is an enable nobody has confirmed yet, which Proxmox turns into 0 within a minute, so it
 * reads as 0. Other scopes' options are returned as they are.
 */
export function durableOptions(
  kind: string,
  options: Record<string, string | number>,
): Record<string, string | number> {
  if (kind !== "cluster" || !(Number(options["enable"] ?? 0) > 1)) return options;
  return { ...options, enable: 0 };
}

/** Whether `op` turns the cluster firewall on: it sets `enable` to 1, and the (durable) options say 0. */
export function enablesFirewall(current: Readonly<Record<string, string | number>>, op: OptionsOp): boolean {
  return op.set["enable"] === 1 && current["enable"] !== 1;
}

/** Step 1: `op` with `enable` set to the current Unix time (which Proxmox replaces with its own). */
export function tentativeEnable(op: OptionsOp, nowMs: number = Date.now()): OptionsOp {
  return { ...op, set: { ...op.set, enable: Math.floor(nowMs / 1000) } };
}

/** How the journal names step 1's `enable` value. */
export const TENTATIVE_NOTE = " (anti-lockout: on for 60 s unless confirmed)";

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Steps 2 and 3, after step 1 was written: confirms over a new connection that the API is still
 * reachable, then writes `enable=1` (guarded by the options digest, re-read on a concurrent edit).
 *
 * @throws LockoutRefusedError `LOCKOUT_ENABLE_UNCONFIRMED` when the new connection fails (the
 *   firewall then switches itself off within a minute) or the 60 s have passed before step 3
 */
export async function confirmEnable(api: FirewallApi, journal: WriteJournal): Promise<void> {
  try {
    await api.probeVersion(CONFIRM_TIMEOUT_MS);
  } catch (e) {
    const from = api.http.localAddress;
    throw new LockoutRefusedError(
      "LOCKOUT_ENABLE_UNCONFIRMED",
      `enable the cluster firewall: the API did not answer a new connection after the firewall was switched on (${messageOf(e)}), ` +
        "so the enable was not confirmed: Proxmox switches the firewall off again within a minute; " +
        `the new rules or policy probably drop new connections${from ? ` from ${from}` : ""} to port 8006: ` +
        "accept them (an ACCEPT rule in the cluster's FirewallRules, with dependsOn so that it exists first, or the address in the cluster IPSet 'management'), then run again",
    );
  }
  for (let attempt = 1; ; attempt++) {
    const now = await api.getOptions(CLUSTER);
    const enable = Number(now.options["enable"] ?? 0);
    if (enable === 1) return;
    if (enable === 0)
      throw new LockoutRefusedError(
        "LOCKOUT_ENABLE_UNCONFIRMED",
        "enable the cluster firewall: more than 60 s passed between switching it on and confirming it, so Proxmox has switched it off again; run again",
      );
    try {
      await journal.write("confirmed enable=1", () =>
        api.setOptions(CLUSTER, { enable: 1 }, { delete: [], digest: now.digest }),
      );
      return;
    } catch (e) {
      if (!(hasCode(e, "FW_DIGEST_MISMATCH") && attempt < MAX_CONFIRM_ATTEMPTS)) throw e;
    }
  }
}
