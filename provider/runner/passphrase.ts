/**
 * Pulumi's passphrase secrets provider: AES-256-GCM with a key from PBKDF2-SHA256 (1 000 000 rounds) of
 * `PULUMI_CONFIG_PASSPHRASE` and the stack's `encryptionsalt` (`v1:<salt>:v1:<nonce>:<ciphertext>`, the
 * second half being "pulumi" encrypted, to verify the passphrase). Values are `v1:<nonce>:<ciphertext+tag>`.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import { ConfigError } from "../errors";

const rounds = 1_000_000;
const tagBytes = 16;

/** Encrypts and decrypts single values with one derived key. */
export interface Crypter {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
  /** The `encryptionsalt` this crypter was derived from (stack-file format). */
  readonly encryptionSalt: string;
}

function encryptWith(key: Buffer, plaintext: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${body.toString("base64")}`;
}

function decryptWith(key: Buffer, value: string): string {
  const parts = value.split(":");
  if (parts.length !== 3 || parts[0] !== "v1") throw new ConfigError(`secret value: unknown ciphertext format`);
  const nonce = Buffer.from(parts[1] ?? "", "base64");
  const body = Buffer.from(parts[2] ?? "", "base64");
  if (nonce.length !== 12 || body.length < tagBytes) throw new ConfigError("secret value: bad ciphertext");
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAuthTag(body.subarray(body.length - tagBytes));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - tagBytes)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new ConfigError("secret value: decryption failed (wrong PULUMI_CONFIG_PASSPHRASE?)");
  }
}

/** Derives the key from a passphrase and an `encryptionsalt`, verifying the passphrase against it. */
export function passphraseCrypter(passphrase: string, encryptionSalt: string): Crypter {
  const m = /^v1:([^:]+):(v1:[^:]+:[^:]+)$/.exec(encryptionSalt);
  if (!m?.[1] || !m[2]) throw new ConfigError("encryptionsalt: not in Pulumi's v1 format");
  const key = pbkdf2Sync(passphrase, Buffer.from(m[1], "base64"), rounds, 32, "sha256");
  let check: string;
  try {
    check = decryptWith(key, m[2]);
  } catch {
    check = "";
  }
  if (check !== "pulumi") throw new ConfigError("PULUMI_CONFIG_PASSPHRASE: incorrect passphrase for this stack");
  return {
    encryptionSalt,
    encrypt: (plaintext) => encryptWith(key, plaintext),
    decrypt: (ciphertext) => decryptWith(key, ciphertext),
  };
}

/** Creates a fresh `encryptionsalt` for a passphrase (as `pulumi stack init` does). */
export function newEncryptionSalt(passphrase: string): string {
  const salt = randomBytes(8);
  const key = pbkdf2Sync(passphrase, salt, rounds, 32, "sha256");
  return `v1:${salt.toString("base64")}:${encryptWith(key, "pulumi")}`;
}
