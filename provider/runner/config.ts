/**
 * Reads a Pulumi project (`Pulumi.yaml`) and its stack config (`Pulumi.<stack>.yaml`) the way the Pulumi
 * CLI does: keys without a namespace belong to the project, `secure:` values are decrypted with the
 * passphrase secrets provider, and `--config` / `--secret` flags win over the file.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { load as parseYaml } from "js-yaml";
import { ConfigError } from "../errors";
import { type Crypter, passphraseCrypter } from "./passphrase";

/** The parts of `Pulumi.yaml` the runner uses. */
export interface Project {
  readonly name: string;
  /** Whether the program is TypeScript (an `index.ts` entry or `runtime.options.typescript: true`). */
  readonly typescript: boolean;
  /** Absolute path `cmd/run` loads: `Pulumi.yaml`'s `main` (relative to the project), else the directory. */
  readonly entry: string;
  /** `options.refresh: always` in `Pulumi.yaml`: every up, preview and destroy refreshes first. */
  readonly refreshAlways: boolean;
}

/** Resolved stack config: `ns:key` → string value, the secret keys, and the stack's crypter if any. */
export interface StackConfig {
  readonly values: Record<string, string>;
  readonly secretKeys: readonly string[];
  /** Crypter from the stack's `encryptionsalt`, when `secure:` values needed it (key derivation is slow). */
  readonly crypter: Crypter | undefined;
  /** The stack file's `encryptionsalt`, if any. */
  readonly encryptionSalt: string | undefined;
}

/** Config given on the command line (`key=value`, key with or without namespace). */
export interface ConfigFlags {
  readonly config: readonly string[];
  readonly secret: readonly string[];
}

/** Parses YAML (`Pulumi.yaml`, `Pulumi.<stack>.yaml`) with js-yaml. */
function loadYaml(text: string, file: string): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
  }
}

function asRecord(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Reads `Pulumi.yaml` in a program directory. */
export function loadProject(programDir: string): Project {
  const dir = resolve(programDir);
  const file = join(dir, "Pulumi.yaml");
  if (!existsSync(file)) throw new ConfigError(`${file}: no Pulumi.yaml in the program directory`);
  const doc = asRecord(loadYaml(readFileSync(file, "utf8"), file));
  if (typeof doc.name !== "string" || !doc.name) throw new ConfigError(`${file}: name: missing`);
  const runtime = typeof doc.runtime === "string" ? { name: doc.runtime } : asRecord(doc.runtime);
  if (runtime.name !== "nodejs") {
    throw new ConfigError(`${file}: runtime: ${JSON.stringify(runtime.name)} is not supported; use nodejs`);
  }
  const options = asRecord(runtime.options);
  let main = "index.js";
  try {
    const pkg = asRecord(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")));
    if (typeof pkg.main === "string") main = pkg.main;
  } catch {
    if (existsSync(join(dir, "index.ts"))) main = "index.ts";
  }
  const entry = typeof doc.main === "string" ? join(dir, doc.main) : dir;
  const refresh = asRecord(doc.options).refresh;
  if (refresh !== undefined && refresh !== "always") {
    throw new ConfigError(
      `${file}: options.refresh: ${JSON.stringify(refresh)} is not supported; use always or leave it out`,
    );
  }
  return {
    name: doc.name,
    typescript: options.typescript === true || main.endsWith(".ts"),
    entry,
    refreshAlways: refresh === "always",
  };
}

function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function splitFlag(flag: string, kind: string): [string, string] {
  const i = flag.indexOf("=");
  if (i <= 0) throw new ConfigError(`--${kind} ${JSON.stringify(flag)}: expected key=value`);
  return [flag.slice(0, i), flag.slice(i + 1)];
}

/**
 * Loads `Pulumi.<stack>.yaml` (missing file = no config) and applies the flags.
 * `passphrase` is needed only when the file holds `secure:` values.
 */
export function loadStackConfig(
  dir: string,
  project: string,
  stack: string,
  flags: ConfigFlags,
  passphrase: string | undefined,
): StackConfig {
  const file = join(dir, `Pulumi.${stack}.yaml`);
  const doc = existsSync(file) ? asRecord(loadYaml(readFileSync(file, "utf8"), file)) : {};
  const salt = typeof doc.encryptionsalt === "string" ? doc.encryptionsalt : undefined;
  let crypter: Crypter | undefined;
  const needCrypter = (key: string): Crypter => {
    if (!salt) throw new ConfigError(`${file}: config.${key}: secure value but no encryptionsalt in the stack file`);
    if (passphrase === undefined) {
      throw new ConfigError(`config.${key}: secure value needs PULUMI_CONFIG_PASSPHRASE (it may be empty)`);
    }
    crypter ??= passphraseCrypter(passphrase, salt);
    return crypter;
  };
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [rawKey, v] of Object.entries(asRecord(doc.config))) {
    const key = qualify(project, rawKey);
    const secure = asRecord(v).secure;
    if (typeof secure === "string") {
      values[key] = needCrypter(key).decrypt(secure);
      secretKeys.add(key);
    } else {
      values[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
  }
  for (const f of flags.config) {
    const [k, v] = splitFlag(f, "config");
    values[qualify(project, k)] = v;
    secretKeys.delete(qualify(project, k));
  }
  for (const f of flags.secret) {
    const [k, v] = splitFlag(f, "secret");
    values[qualify(project, k)] = v;
    secretKeys.add(qualify(project, k));
  }
  return { values, secretKeys: [...secretKeys].sort(), crypter, encryptionSalt: salt };
}
