/** Raw HTTP calls for emulator-only tests (status line, headers and body as sent on the wire). */
import { request as httpRequest } from "node:http";

/** A raw answer. */
export interface RawReply {
  readonly status: number;
  readonly reason: string;
  readonly body: { data?: unknown; message?: string; errors?: Record<string, string> };
}

/** Sends one request with node:http (so the reason phrase is visible); rejects on a dropped connection. */
export function rawCall(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
    const req = httpRequest(`${base}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? "", body: text ? JSON.parse(text) : {} });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Form-encodes parameters. */
export function form(params: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

/** Headers for a form POST/PUT with a token. */
export function formHeaders(authorization: string): Record<string, string> {
  return { authorization, "content-type": "application/x-www-form-urlencoded" };
}
