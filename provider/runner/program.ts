/**
 * Runs an unmodified Pulumi Node.js program with `@pulumi/pulumi`'s own language runtime (`cmd/run`),
 * pointed at the runner's monitor and engine. A small preload makes error objects print without colors:
 * `cmd/run` formats errors with a colored `util.inspect`, which takes 30-40 s and ~3 GB with source maps.
 */
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";

/** Options of {@link runProgram}. */
export interface ProgramOptions {
  readonly dir: string;
  /** What `cmd/run` loads (a file, or a directory resolved the way `require` does). */
  readonly entry: string;
  readonly project: string;
  readonly stack: string;
  readonly monitorAddress: string;
  readonly engineAddress: string;
  readonly dryRun: boolean;
  readonly typescript: boolean;
  /** Stack config, `ns:key` → value (secrets in plaintext; their keys listed in `secretKeys`). */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  /** Each line the program writes to stdout or stderr. */
  readonly onOutput: (line: string) => void;
}

const preload = [
  "const k=Symbol.for('nodejs.util.inspect.custom');",
  "Object.defineProperty(Error.prototype,k,{configurable:true,writable:true,",
  "value(){return String(this.stack||this.message)}});",
].join("");

/** Starts the program and resolves with its exit code (0 ok, 32 error already logged, else failure). */
export function runProgram(opts: ProgramOptions): Promise<number> {
  const dir = resolve(opts.dir);
  const run = join(dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd", "run");
  const args = [
    `--import=data:text/javascript,${encodeURIComponent(preload)}`,
    run,
    `--monitor=${opts.monitorAddress}`,
    `--engine=${opts.engineAddress}`,
    `--project=${opts.project}`,
    `--stack=${opts.stack}`,
    "--organization=organization",
    `--root-directory=${dir}`,
    `--pwd=${dir}`,
    ...(opts.dryRun ? ["--dry-run"] : []),
    resolve(opts.entry),
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(opts.config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(opts.secretKeys),
    PULUMI_NODEJS_PROJECT: opts.project,
    PULUMI_NODEJS_STACK: opts.stack,
    PULUMI_NODEJS_TYPESCRIPT: opts.typescript ? "true" : "false",
  };
  const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on("line", opts.onOutput);
  return new Promise((resolveExit, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolveExit(code ?? (signal ? 1 : 0)));
  });
}
