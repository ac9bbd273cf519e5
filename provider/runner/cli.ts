/**
 * `pve-firewall up | preview | refresh | destroy <program-dir>`: runs an unmodified Pulumi program against
 * Pulumi's own language runtime and dynamic-provider host, keeping state in `<dir>/.pulumi-local/<stack>.json`.
 *
 * Exit codes: 0 success, 1 error, 2 `--expect-no-changes` was given and there were changes (or drift).
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { loadProject, loadStackConfig, type Project } from "./config";
import { type DeployContext, Deployment, destroyState, refreshState, type Step } from "./deploy";
import { formatOutputs, formatStep, formatSummary, hasChanges, redactSecrets } from "./display";
import { addEngineService, bindServer, type LogEntry } from "./engine-service";
import { addMonitorService, makeUrn, stackType } from "./monitor";
import { runProgram } from "./program";
import { secret } from "./props";
import { startProviderHost } from "./provider-host";
import { readState, SecretBox, type StackState, writeState } from "./state";

/** A runner command. */
export type RunnerCommand = "up" | "preview" | "refresh" | "destroy";

/** Exit code when `--expect-no-changes` is violated. */
export const exitChanges = 2;

const usage = `usage: pve-firewall <up|preview|refresh|destroy> [program-dir] [options]
  -s, --stack <name>        stack name (default: dev)
      --state-dir <dir>     where state files live (default: <program-dir>/.pulumi-local)
  -c, --config <k=v>        set a config value (repeatable)
      --secret <k=v>        set a secret config value (repeatable)
  -r, --refresh             refresh state before planning (up, preview)
      --expect-no-changes   exit ${exitChanges} if there are changes or drift
  -j, --json                print the plan/result as JSON
  -y, --yes                 accepted for compatibility; the runner never prompts
`;

function write(stream: NodeJS.WritableStream, line: string): void {
  stream.write(`${line}\n`);
}

/** Runs one runner command; returns the process exit code. Never calls `process.exit`. */
export async function runRunnerCli(
  command: RunnerCommand,
  argv: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    write(err, `error: ${(e as Error).message}\n${usage}`);
    return 1;
  }
  if (args.values.help) {
    out.write(usage);
    return 0;
  }
  try {
    return await execute(command, args, out, err);
  } catch (e) {
    write(err, `error: ${(e as Error).message}`);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stack: { type: "string", short: "s", default: "dev" },
      "state-dir": { type: "string" },
      config: { type: "string", short: "c", multiple: true, default: [] },
      secret: { type: "string", multiple: true, default: [] },
      refresh: { type: "boolean", short: "r", default: false },
      "expect-no-changes": { type: "boolean", default: false },
      json: { type: "boolean", short: "j", default: false },
      yes: { type: "boolean", short: "y", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

async function execute(
  command: RunnerCommand,
  args: ReturnType<typeof parse>,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const o = args.values;
  if (args.positionals.length > 1) throw new Error(`expected one program directory, got ${args.positionals.length}`);
  const dir = resolve(args.positionals[0] ?? ".");
  const stack = o.stack;
  const project = loadProject(dir);
  const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE;
  const cfg = loadStackConfig(dir, project.name, stack, { config: o.config, secret: o.secret }, passphrase);
  const stateFile = resolve(o["state-dir"] ?? resolve(dir, ".pulumi-local"), `${stack}.json`);
  let box = new SecretBox(passphrase, cfg.encryptionSalt, cfg.crypter);
  const old = readState(stateFile, project.name, stack, (salt) => {
    box = new SecretBox(passphrase, salt ?? cfg.encryptionSalt, cfg.crypter);
    return box;
  });
  const dryRun = command === "preview";
  const json = o.json;
  const say = (line: string) => {
    if (!json) write(out, line);
  };
  const errors: string[] = [];
  const onLog = (e: LogEntry) => {
    if (e.severity === "error") errors.push(e.message);
    if (e.severity !== "debug") write(err, `${e.severity === "info" ? "" : `${e.severity}: `}${e.message.trimEnd()}`);
  };
  const save = (s: StackState) => writeState(stateFile, s, box);
  const config: Record<string, unknown> = { ...cfg.values };
  for (const k of cfg.secretKeys) config[k] = secret(cfg.values[k]);

  const host = await startProviderHost({ project: project.name, stack, cwd: dir, onLog });
  let steps: Step[] = [];
  let outputs = old.outputs;
  let failed = false;
  try {
    await host.configure(config);
    const ctx = (persist: boolean): DeployContext => ({
      host,
      report: { step: (s, phase) => (s.op === "same" && phase !== "done" ? undefined : say(formatStep(s, phase))) },
      save: persist ? save : undefined,
    });
    say(
      `${dryRun ? "Previewing" : command === "up" ? "Updating" : command === "refresh" ? "Refreshing" : "Destroying"} (${stack}):`,
    );
    let state = old;
    if (command === "refresh" || o.refresh) {
      const r = await refreshState(ctx(!dryRun), old);
      state = r.state;
      steps = r.steps;
    }
    if (command === "destroy") {
      steps = await destroyState(ctx(true), state);
      outputs = {};
    } else if (command !== "refresh") {
      const run = await deployProgram(dir, project, stack, cfg, state, ctx(!dryRun), dryRun, onLog, say);
      // `up --refresh` also reports the drift it read; a preview shows drift as the updates it plans.
      steps = [...(command === "up" ? steps.filter((s) => s.op === "refresh") : []), ...run.steps];
      outputs = run.outputs;
      failed = run.failed;
    }
  } catch (e) {
    failed = true;
    errors.push((e as Error).message);
    write(err, `error: ${(e as Error).message}`);
  } finally {
    await host.close();
  }
  const changed = hasChanges(steps);
  const code = failed ? 1 : o["expect-no-changes"] && changed ? exitChanges : 0;
  if (json) {
    const result = {
      command,
      stack,
      dryRun,
      steps,
      summary: formatSummary(steps, !dryRun),
      outputs: redactSecrets(outputs),
      errors,
      exitCode: code,
    };
    write(out, JSON.stringify(result, null, 2));
  } else {
    say(formatSummary(steps, !dryRun && command !== "refresh"));
    for (const line of formatOutputs(outputs)) say(line);
    if (code === exitChanges) write(err, "error: no changes were expected but changes were found");
  }
  return code;
}

async function deployProgram(
  dir: string,
  project: Project,
  stack: string,
  cfg: { values: Record<string, string>; secretKeys: readonly string[] },
  state: StackState,
  ctx: DeployContext,
  dryRun: boolean,
  onLog: (e: LogEntry) => void,
  say: (line: string) => void,
): Promise<{ steps: Step[]; outputs: StackState["outputs"]; failed: boolean }> {
  const deployment = new Deployment(ctx, state);
  const server = new grpc.Server();
  addEngineService(server, onLog);
  let stepFailed = false;
  addMonitorService(server, stack, project.name, {
    register: (reg) =>
      deployment.register(reg).catch((e: unknown) => {
        stepFailed = true;
        onLog({ severity: "error", message: `${reg.name}: ${(e as Error).message}`, urn: reg.urn });
        throw e;
      }),
    registerOutputs: (urn, outputs) => deployment.registerOutputs(urn, outputs),
  });
  const endpoint = await bindServer(server);
  let exit: number;
  try {
    exit = await runProgram({
      dir,
      entry: project.entry,
      project: project.name,
      stack,
      monitorAddress: endpoint.address,
      engineAddress: endpoint.address,
      dryRun,
      typescript: project.typescript,
      config: cfg.values,
      secretKeys: cfg.secretKeys,
      onOutput: say,
    });
  } finally {
    await endpoint.close();
  }
  const failed = exit !== 0 || stepFailed;
  if (!failed) await deployment.finish();
  else if (exit === 0)
    onLog({
      severity: "error",
      message: "update failed",
      urn: makeUrn(stack, project.name, "", stackType, `${project.name}-${stack}`),
    });
  return { steps: deployment.steps, outputs: deployment.stackOutputs(), failed };
}
