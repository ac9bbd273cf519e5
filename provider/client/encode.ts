/** A parameter value as callers give it; see {@link encodeParams}. */
export type ParamValue = string | number | boolean | readonly (string | number)[] | undefined;

/** Request parameters by Proxmox name (`icmp-type`, `policy_in`, `delete`, `digest`). */
export type RequestParams = Readonly<Record<string, ParamValue>>;

/**
 * Encodes parameters the way Proxmox parses them (BEHAVIOR.md §10), for a query string or an
 * `application/x-www-form-urlencoded` body: booleans as `0`/`1` (Proxmox rejects `true`), arrays
 * joined with commas (the `*-list` formats such as `delete`), `undefined` dropped, empty strings
 * kept (they clear a rule field), keys in the given order, spaces as `%20`.
 */
export function encodeParams(params: RequestParams | undefined): string {
  if (params === undefined) return "";
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const text =
      typeof value === "boolean" ? (value ? "1" : "0") : Array.isArray(value) ? value.join(",") : String(value);
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
  }
  return parts.join("&");
}

/**
 * Encodes one path segment: every reserved character is escaped, so an IPSet entry cidr
 * `10.0.0.0/8` becomes `10.0.0.0%2F8` and stays one segment.
 */
export function pathSegment(value: string | number): string {
  return encodeURIComponent(String(value));
}
