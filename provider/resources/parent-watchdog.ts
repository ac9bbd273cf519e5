/**
 * Stops Pulumi's dynamic-provider host when the process that started it goes away. A killed engine
 * (or local runner, `kill -9`) cannot stop its plugins, and a host left running would go on writing
 * to Proxmox with nobody to record what it did. The host's parent is polled every
 * {@link WATCH_INTERVAL_MS}: once it is gone (the host was re-parented), the host exits at once,
 * so no API call starts later than that. Under the Pulumi CLI the host runs below a
 * `pulumi-resource-pulumi-nodejs` shell script, so a shell parent's own parent is watched too.
 */
import { readFileSync } from "node:fs";

/** How often the parent is checked; the host stops at most this long (plus one tick) after it died. */
export const WATCH_INTERVAL_MS = 100;

const STARTED = Symbol.for("pulumi-proxmox-firewall.parent-watchdog");
const SHELLS = new Set(["sh", "dash", "bash", "zsh", "ash", "busybox"]);

/** `/proc/<pid>` facts on Linux; `undefined` where there is no procfs or the process is gone. */
function procInfo(pid: number): { comm: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const ppid = Number.parseInt(stat.slice(close + 2).split(" ")[1] ?? "", 10);
    return Number.isInteger(ppid) ? { comm, ppid } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether this process is Pulumi's dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`). */
export function isProviderHost(argv: readonly string[] = process.argv): boolean {
  return /[\\/]cmd[\\/]dynamic-provider(?:[\\/]index\.js)?$/.test(argv[1] ?? "");
}

/**
 * Starts the watchdog once per process, and only inside the dynamic-provider host (a test or a
 * program that creates a provider in-process is left alone). The timer is unref'd: it never keeps
 * the host alive.
 */
export function watchParent(exit: (code: number) => never = process.exit): void {
  const registry = globalThis as { [STARTED]?: boolean };
  if (registry[STARTED] || !isProviderHost()) return;
  registry[STARTED] = true;
  const parent = process.ppid;
  const parentInfo = procInfo(parent);
  const grandparent = parentInfo && SHELLS.has(parentInfo.comm) ? parentInfo.ppid : undefined;
  const timer = setInterval(() => {
    const gone = process.ppid !== parent || (grandparent !== undefined && procInfo(parent)?.ppid !== grandparent);
    if (gone) exit(1);
  }, WATCH_INTERVAL_MS);
  timer.unref();
}
