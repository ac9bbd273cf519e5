/**
 * The runner's stack state: one JSON file per stack, written atomically (temp file + rename) after every
 * step. Secret values are stored as Pulumi stores them, `{ <sig>: <secret sig>, ciphertext }`, encrypted
 * with the passphrase secrets provider; in memory they are secret-wrapped plaintext (`props.ts`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { z } from "zod";
import { ConfigError } from "../errors";
import { type Crypter, newEncryptionSalt, passphraseCrypter } from "./passphrase";
import { isSecret, secret } from "./props";

const props = z.record(z.string(), z.unknown());

/** One resource in state. */
export const resourceStateSchema = z.object({
  urn: z.string(),
  type: z.string(),
  /** Custom resources are managed by a provider; components only group. */
  custom: z.boolean(),
  id: z.string().default(""),
  parent: z.string().default(""),
  inputs: props.default({}),
  outputs: props.default({}),
  /** URNs this resource depends on (`dependsOn` plus every input's dependencies). */
  dependencies: z.array(z.string()).default([]),
  /** Reasons of a partial create/update; the next `up` updates the resource. */
  initErrors: z.array(z.string()).default([]),
  /** An old copy kept while its replacement exists (create-before-delete); deleted at the end. */
  pendingDelete: z.boolean().default(false),
  /** The resources each input property came from (`dependencies` holds them too). */
  propertyDependencies: z.record(z.string(), z.array(z.string())).default({}),
  /** `protect`: deleting (or replacing) the resource fails. */
  protect: z.boolean().default(false),
  /** `retainOnDelete`: deleting it only removes it from the stack, the object stays. */
  retainOnDelete: z.boolean().default(false),
  /** Read with `Resource.get`: the stack records it but never creates, updates or deletes it. */
  external: z.boolean().default(false),
  /** `ignoreChanges` and `replaceOnChanges` paths of its last registration (used to diff dependents). */
  ignoreChanges: z.array(z.string()).default([]),
  replaceOnChanges: z.array(z.string()).default([]),
});

/** A resource in state. */
export type ResourceState = z.output<typeof resourceStateSchema>;

/** What an interrupted run was doing to a resource, as the engine's checkpoint records it. */
export const pendingOperationSchema = z.object({
  type: z.enum(["creating", "updating", "deleting"]),
  resource: resourceStateSchema,
});

/** A pending operation: written before a provider call that changes something, removed after it. */
export type PendingOperation = z.output<typeof pendingOperationSchema>;

/** The whole state file. */
export const stackStateSchema = z.object({
  version: z.literal(1),
  project: z.string(),
  stack: z.string(),
  /** `encryptionsalt` (Pulumi's format) of the key secret values are encrypted with. */
  secretsSalt: z.string().optional(),
  /** Stack outputs, as the program exported them. */
  outputs: props.default({}),
  /** Resources in dependency order (a resource comes after everything it depends on). */
  resources: z.array(resourceStateSchema).default([]),
  /**
   * Operations started but never finished (the runner was killed). The next `up` warns and goes on;
   * pending creates stay listed until `refresh --clear-pending-creates`, as the engine keeps them.
   */
  pendingOperations: z.array(pendingOperationSchema).default([]),
});

/** The state of one stack. */
export type StackState = z.output<typeof stackStateSchema>;

/** Lazily derives the state crypter (PBKDF2 is slow, so only when a secret is read or written). */
export class SecretBox {
  #crypter: Crypter | undefined;
  constructor(
    private readonly passphrase: string | undefined,
    private readonly salt: string | undefined,
    crypter?: Crypter,
  ) {
    this.#crypter = crypter && (!salt || crypter.encryptionSalt === salt) ? crypter : undefined;
  }
  /** The crypter, deriving it on first use. */
  get(): Crypter {
    if (!this.#crypter) {
      if (this.passphrase === undefined) {
        throw new ConfigError("state: secrets need PULUMI_CONFIG_PASSPHRASE to be set (it may be empty)");
      }
      this.#crypter = passphraseCrypter(this.passphrase, this.salt ?? newEncryptionSalt(this.passphrase));
    }
    return this.#crypter;
  }
  /** The salt in use, if a crypter was needed. */
  saltInUse(): string | undefined {
    return this.#crypter?.encryptionSalt ?? this.salt;
  }
}

function mapSecrets(v: unknown, f: (s: Record<string, unknown>) => unknown): unknown {
  if (v !== null && typeof v === "object" && rpc.specialSigKey in v) {
    const sig = (v as Record<string, unknown>)[rpc.specialSigKey];
    if (sig === rpc.specialSecretSig) return f(v as Record<string, unknown>);
  }
  if (Array.isArray(v)) return v.map((x) => mapSecrets(x, f));
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapSecrets(x, f)]));
  }
  return v;
}

/** The state of a stack that has never been deployed. */
export function emptyState(project: string, stack: string): StackState {
  return { version: 1, project, stack, outputs: {}, resources: [], pendingOperations: [] };
}

/** Reads a state file; a missing file is an empty state. */
export function readState(file: string, project: string, stack: string, box: (salt?: string) => SecretBox): StackState {
  if (!existsSync(file)) return emptyState(project, stack);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = stackStateSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${file}: not a runner state file (${parsed.error.issues[0]?.message})`);
  const secrets = box(parsed.data.secretsSalt);
  const decrypt = (s: Record<string, unknown>) =>
    secret(JSON.parse(secrets.get().decrypt(String(s.ciphertext))) as unknown);
  return mapSecrets(parsed.data, decrypt) as StackState;
}

/** Writes a state file atomically, encrypting every secret value. */
export function writeState(file: string, state: StackState, box: SecretBox): void {
  const encrypt = (s: Record<string, unknown>) => ({
    [rpc.specialSigKey]: rpc.specialSecretSig,
    ciphertext: box.get().encrypt(JSON.stringify(isSecret(s) ? s.value : null)),
  });
  const body = mapSecrets({ ...state, secretsSalt: undefined }, encrypt) as StackState;
  const out = { ...body, secretsSalt: box.saltInUse() };
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(out, null, 2)}\n`);
  renameSync(tmp, file);
}
