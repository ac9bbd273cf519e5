/**
 * Settings of a bench run, from flags or environment variables (flags win), validated with zod:
 *
 * | flag | environment | default | meaning |
 * | --- | --- | --- | --- |
 * | `--latency-ms` | `BENCH_LATENCY_MS` | 5 | delay the emulator adds to every request |
 * | `--write-cost-ms` | `BENCH_WRITE_COST_MS` | 5 | time every write holds the file's lock |
 * | `--rules` | `BENCH_RULES` | `20,200` | rule-list sizes |
 * | `--ipset-entries` | `BENCH_IPSET_ENTRIES` | 10000 | entries of the IPSet create and edits |
 * | `--refresh-entries` | `BENCH_REFRESH_ENTRIES` | 100000 | entries of the IPSet refresh |
 * | `--lock-bound-concurrency` | `BENCH_LOCK_BOUND_CONCURRENCY` | 16 | requests in flight of the lock-bound fill |
 * | `--only` | `BENCH_ONLY` | all | run only scenarios whose name matches this regular expression (needs `--out`) |
 * | `--out` | `BENCH_OUT` | `bench/results.json` | where to write the results |
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";

const ms = z.coerce.number().int().min(0).max(10_000);
const size = z.coerce.number().int().min(2).max(1_000_000);

const settingsSchema = z.object({
  latencyMs: ms.default(5),
  writeCostMs: ms.default(5),
  rules: z
    .string()
    .default("20,200")
    .transform((s) => s.split(",").map((x) => Number(x.trim())))
    .pipe(z.array(z.number().int().min(4).max(10_000)).min(1)),
  ipsetEntries: size.default(10_000),
  refreshEntries: size.default(100_000),
  lockBoundConcurrency: z.coerce.number().int().min(1).max(256).default(16),
  only: z
    .string()
    .min(1)
    .refine(
      (s) => {
        try {
          new RegExp(s);
          return true;
        } catch {
          return false;
        }
      },
      { error: "not a regular expression (JavaScript syntax, e.g. 'lint|simulator')" },
    )
    .optional(),
  out: z.string().min(1).optional(),
});

/** Whether scenario `name` is selected by `only` (a regular expression; every scenario when absent). */
export function selected(name: string, only: string | undefined): boolean {
  return only === undefined || new RegExp(only).test(name);
}

/** A run's settings. */
export type BenchSettings = Omit<z.output<typeof settingsSchema>, "out"> & { readonly out: string };

/** The committed results file, from the build output (`dist/bench`). */
export const DEFAULT_OUT = join(__dirname, "..", "..", "bench", "results.json");

const FLAGS = {
  latencyMs: ["latency-ms", "BENCH_LATENCY_MS"],
  writeCostMs: ["write-cost-ms", "BENCH_WRITE_COST_MS"],
  rules: ["rules", "BENCH_RULES"],
  ipsetEntries: ["ipset-entries", "BENCH_IPSET_ENTRIES"],
  refreshEntries: ["refresh-entries", "BENCH_REFRESH_ENTRIES"],
  lockBoundConcurrency: ["lock-bound-concurrency", "BENCH_LOCK_BOUND_CONCURRENCY"],
  only: ["only", "BENCH_ONLY"],
  out: ["out", "BENCH_OUT"],
} as const;

/**
 * Parses `argv` (without node and script) and `env`.
 *
 * @throws Error naming the flag, the value and what is allowed; or when `--only` is given without
 *   `--out` (a partial run must not overwrite the committed results)
 */
export function parseSettings(argv: readonly string[], env: NodeJS.ProcessEnv): BenchSettings {
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.values(FLAGS).map(([flag]) => [flag, { type: "string" as const }])),
    strict: true,
    allowPositionals: false,
  });
  const raw: Record<string, string | undefined> = {};
  for (const [key, [flag, name]] of Object.entries(FLAGS)) raw[key] = (values[flag] as string | undefined) ?? env[name];
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? "");
    const [flag, name] = FLAGS[key as keyof typeof FLAGS] ?? [key, ""];
    throw new Error(`--${flag} (${name}): ${JSON.stringify(raw[key])}: ${issue?.message ?? "invalid"}`);
  }
  const { out, ...rest } = parsed.data;
  if (rest.only !== undefined && out === undefined)
    throw new Error("--only runs part of the bench: give --out too, so the committed results are not overwritten");
  return { ...rest, out: out ?? DEFAULT_OUT };
}
