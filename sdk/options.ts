import type * as pulumi from "@pulumi/pulumi";

/** Protocols Proxmox can load a conntrack helper for (node option `nf_conntrack_helpers`). */
export type ConntrackHelper = "amanda" | "ftp" | "irc" | "netbios-ns" | "pptp" | "sane" | "sip" | "snmp" | "tftp";

/** A default policy: what happens to a packet no rule matched. */
export type Policy = "ACCEPT" | "REJECT" | "DROP";

/**
 * What every options resource outputs besides its options.
 *
 * Options resources are authoritative for their scope's `[OPTIONS]`: an option you leave out is
 * removed from the file (Proxmox `delete=`), which returns it to Proxmox's default. Deleting the
 * resource removes every option it set. Only changed options are sent, in one call.
 *
 * An option of another scope (`policyIn` on a node) or any other unknown property is an error
 * naming the resource that has it; an output (`digest`, `enforced`) given as input is an error;
 * `null` means the option is left out. Booleans are `true`/`false` (not Proxmox's 0/1).
 *
 * Each option is also an output with the same name: the value set in the scope's `[OPTIONS]`
 * (after `get()`, as read from the server), or `undefined` while the option is not set, so that
 * Proxmox applies its default (the output's `@default`).
 */
export interface OptionsOutputs {
  /** SHA-1 digest of the options as last read (Proxmox's optimistic-concurrency token). */
  readonly digest: pulumi.Output<string>;
  /** The `proxmox:clusters` key given as `cluster`; `undefined` for the default cluster (and after `get()`). */
  readonly cluster: pulumi.Output<string | undefined>;
}
