/**
 * Errors the emulated API answers with, shaped like Proxmox's `PVE::Exception`:
 * a status code, a message (always ending in a newline on the wire) and optional per-parameter errors.
 */
export class PveHttpError extends Error {
  /** HTTP status code (400 for parameter errors, 500 for a plain `die`). */
  readonly status: number;
  /** Per-parameter errors (`{"source": "no such alias 'x'"}`), present only for 400s. */
  readonly errors: Readonly<Record<string, string>> | undefined;
  constructor(status: number, message: string, errors?: Record<string, string>) {
    super(message);
    this.name = "PveHttpError";
    this.status = status;
    this.errors = errors;
  }
}

/** `raise_param_exc`: 400 "Parameter verification failed." with the given field errors. */
export function paramError(errors: Record<string, string>): PveHttpError {
  return new PveHttpError(400, "Parameter verification failed.", errors);
}

/** A plain Perl `die`: HTTP 500 with the message only. */
export function plainError(message: string): PveHttpError {
  return new PveHttpError(500, message);
}

/**
 * The 500 a real cluster answers for a call it would forward to a node it does not have:
 * pve-manager's `rest_handler` asks `PVE::Cluster::remote_node_ip`, which falls back to a DNS
 * lookup of the name (pve-common `get_ip_from_hostname`), and that fails.
 */
export function unknownNodeError(node: string): PveHttpError {
  return plainError(
    `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`,
  );
}

/** The 500 `assert_if_modified` raises when a supplied digest is stale. */
export const DIGEST_MISMATCH = "detected modified configuration - file changed by other user? Try again.";

/** Throws the digest-mismatch error when `sent` is non-empty and differs from `current` (pve-common Tools.pm). */
export function assertIfModified(current: string, sent: string | undefined): void {
  if (sent !== undefined && sent !== "" && sent !== current) throw plainError(DIGEST_MISMATCH);
}
