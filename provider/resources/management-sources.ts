/**
 * Where the operators manage the cluster from: the sources the lockout guard keeps able to reach
 * every node. From stack config `proxmox:managementSources` (or a named cluster's
 * `managementSources`), else env `PROXMOX_VE_MANAGEMENT_SOURCES`, else the address this provider
 * itself connects from.
 *
 * @module
 */
import { ConfigError } from "../errors";
import { formatIp, parseCidr, parseIp } from "../model/ip";

/** The environment variable that lists management sources (comma-separated). */
export const MANAGEMENT_SOURCES_ENV = "PROXMOX_VE_MANAGEMENT_SOURCES";

function items(key: string, raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (typeof raw !== "string") throw new ConfigError(`${key}: expected a list of IP addresses or CIDRs`);
  const text = raw.trim();
  if (text.startsWith("[")) {
    // Pulumi passes a YAML list of stack config to providers as JSON text.
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // not JSON: read as a comma-separated list below, which reports the bad item
    }
  }
  return text.split(",");
}

/**
 * Parses a management source list: an array, the JSON text of one (how Pulumi hands a YAML list of
 * stack config to a provider), or a comma-separated string. Blank items are ignored; an empty list
 * means "not set".
 *
 * @param key - how messages name the setting, e.g. `proxmox:managementSources`
 * @returns the sources as given (trimmed), or `undefined` when none are given
 * @throws ConfigError naming the setting and the item that is not an IP address or CIDR
 */
export function parseManagementSources(key: string, raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const out: string[] = [];
  for (const item of items(key, raw)) {
    const text = typeof item === "string" ? item.trim() : item;
    if (text === "") continue;
    if (typeof text !== "string" || parseCidr(text) === undefined)
      throw new ConfigError(
        `${key}: ${JSON.stringify(text)} is not an IP address or CIDR; list the addresses you manage the cluster from, e.g. 203.0.113.7 or 203.0.113.0/24`,
      );
    out.push(text);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * A socket's local address in plain form: an IPv4-mapped IPv6 address (`::ffff:192.0.2.10`, how a
 * dual-stack socket reports IPv4) becomes the IPv4 address; `undefined` when it is not an address.
 */
export function plainAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = parseIp(mapped ? mapped[1]! : address);
  return ip ? formatIp(ip) : undefined;
}

/** Whether `address` is a loopback address (127.0.0.0/8 or ::1), which Proxmox never filters (`-i lo` is accepted first). */
export function isLoopback(address: string): boolean {
  const ip = parseIp(address);
  if (!ip) return false;
  return ip.version === 4 ? ip.value >> 24n === 127n : ip.value === 1n;
}

/**
 * The address a connection to endpoint `host` comes from when that is known without connecting:
 * a connection to a loopback address (`127.0.0.0/8`, `::1`, or `localhost`, which resolves to one
 * of them) always comes from loopback. `undefined` for any other host.
 */
export function loopbackEndpoint(host: string): string | undefined {
  if (host.toLowerCase() === "localhost") return "127.0.0.1";
  const ip = plainAddress(host);
  return ip !== undefined && isLoopback(ip) ? ip : undefined;
}
