import type * as pulumi from "@pulumi/pulumi";
import { type EmulatorHandle, tokenHeader } from "../../emulator/index";
import { GuardSession } from "../../provider/resources/guard-session";
import { createProvider, type ResourceKind } from "../../provider/resources/index";

/** The environment a provider uses to reach `emu` (the emulator's first token, plain HTTP). */
export function emulatorEnv(emu: EmulatorHandle): Record<string, string> {
  const token = emu.tokens[0]!;
  return {
    PROXMOX_VE_ENDPOINT: emu.endpoint,
    PROXMOX_VE_API_TOKEN: tokenHeader(token).replace(/^PVEAPIToken=/, ""),
  };
}

/** Options of {@link providerFor}. */
export interface ProviderForOptions {
  /** Stack config the provider is configured with (`proxmox:managementSources`, ...). @default none */
  readonly config?: Readonly<Record<string, unknown>>;
  /** The lockout guard's session, to share between providers of one simulated run. @default a new one */
  readonly session?: GuardSession;
}

/**
 * A configured provider of `kind` talking to `emu`; its messages to the user (what it would write
 * to stderr) are appended to `messages`. Each provider has its own lockout-guard session unless
 * one is given, so tests do not share what a provider process would keep for its run.
 */
export async function providerFor(
  kind: ResourceKind,
  emu: EmulatorHandle,
  messages: string[] = [],
  options: ProviderForOptions = {},
): Promise<Required<pulumi.dynamic.ResourceProvider>> {
  const provider = createProvider(kind, emulatorEnv(emu), {
    notify: (line) => messages.push(line),
    session: options.session ?? new GuardSession(),
  }) as Required<pulumi.dynamic.ResourceProvider>;
  const config = options.config ?? {};
  await provider.configure({ config: { get: (key: string) => config[key], require: () => "" } as never });
  return provider;
}

/** The provider's messages without the lockout guard's one-time notes (`lockout guard: ...`). */
export function withoutGuardNotes(messages: readonly string[]): string[] {
  return messages.filter((line) => !line.startsWith("lockout guard: "));
}

/** The number of writes (non-GET requests) the emulator served since the last reset. */
export function writes(emu: EmulatorHandle): number {
  return Object.entries(emu.calls.snapshot())
    .filter(([key]) => !key.startsWith("GET "))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Zod's own wordings, which must never reach a user in a check failure. */
export const ZOD_DEFAULT_PHRASES: readonly RegExp[] = [
  /invalid input/i,
  /expected \w+, received/i,
  /\bRequired\b/,
  /unrecognized key/i,
  /invalid option/i,
  /invalid string/i,
  /invalid discriminator/i,
  /too (big|small): expected/i,
  /invalid (element|key) in/i,
];
