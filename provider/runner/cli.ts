/**
 * `pve-firewall up | preview | refresh | destroy <program-dir>`: runs an unmodified Pulumi program
 * against Pulumi's own language runtime and dynamic-provider host, keeping state in
 * `<dir>/.pulumi-local/<stack>.json` (locked while a command runs). Like `pulumi up`, `up` previews
 * first and writes nothing when the preview fails; `destroy` checks its plan (protect) first.
 *
 * Exit codes: 0 success, 1 error, 2 `--expect-no-changes` was given and there were changes (or drift).
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadProject, loadStackConfig } from "./config";
import type { DeployContext, Step } from "./deploy";
import { formatDiff, formatOutputs, formatStep, formatSummary, hasChanges, redactSecrets } from "./display";
import type { LogEntry } from "./engine-service";
import { destroyState, refreshState } from "./lifecycle";
import { lockStack } from "./lock";
import { deployProgram, Failures, type ProgramRun } from "./operation";
import { secret } from "./props";
import { type ProviderHost, startProviderHost } from "./provider-host";
import { readState, SecretBox, type StackState, writeState } from "./state";

/** A runner command. */
export type RunnerCommand = "up" | "preview" | "refresh" | "destroy";

/** Exit code when `--expect-no-changes` is violated. */
export const exitChanges = 2;

const usage = `usage: pve-firewall <up|preview|refresh|destroy> [program-dir] [options]
  -s, --stack <name>          stack name (default: dev)
      --state-dir <dir>       where state files live (default: <program-dir>/.pulumi-local)
  -c, --config <k=v>          set a config value (repeatable)
      --secret <k=v>          set a secret config value (repeatable)
  -r, --refresh               refresh state first (up, preview, destroy; Pulumi.yaml options.refresh: always)
      --expect-no-changes     exit ${exitChanges} if there are changes or drift (up, preview, refresh)
      --diff                  show old => new values of every change
      --skip-preview          up, destroy: apply without previewing first
      --clear-pending-creates refresh: drop creates an interrupted run left pending
  -j, --json                  print the plan/result as JSON
      --debug                 print stack traces and the provider host's own output
  -y, --yes                   accepted for compatibility; the runner never prompts
`;

/** Flags that only some commands take. */
const ONLY: Readonly<Record<string, readonly RunnerCommand[]>> = {
  refresh: ["up", "preview", "destroy"],
  "expect-no-changes": ["up", "preview", "refresh"],
  "skip-preview": ["up", "destroy"],
  "clear-pending-creates": ["refresh"],
};

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
    for (const [flag, commands] of Object.entries(ONLY)) {
      if ((args.values as Record<string, unknown>)[flag] === true && !commands.includes(command)) {
        throw new Error(`--${flag} is not supported by ${command} (only ${commands.join(", ")})`);
      }
    }
    if (args.positionals.length > 1) throw new Error(`expected one program directory, got ${args.positionals.length}`);
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
    if (args.values.debug && e instanceof Error && e.stack) write(err, e.stack);
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
      diff: { type: "boolean", default: false },
      "skip-preview": { type: "boolean", default: false },
      "clear-pending-creates": { type: "boolean", default: false },
      json: { type: "boolean", short: "j", default: false },
      debug: { type: "boolean", default: false },
      yes: { type: "boolean", short: "y", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

/**
 * Whether a line of the provider host's stderr belongs to the dump it prints for a failed call
 * (`${error}: ${error.stack}`: a doubled first line, then stack frames). The failure itself reaches
 * the runner through gRPC and is shown once, as one line; the dump only with `--debug`.
 */
export function isErrorDump(line: string): boolean {
  if (/^\s+at\s/.test(line)) return true;
  const head = /^([^\s:]*Error[^\s:]*): /.exec(line)?.[1];
  return head !== undefined && line.includes(`: ${head}: `);
}

/** The engine's warning for operations an interrupted run left pending (`printPendingOperationsWarning`). */
function pendingWarning(state: StackState): string {
  const ops = state.pendingOperations.map((op) => `  * ${op.resource.urn}, interrupted while ${op.type}`);
  return [
    `Attempting to deploy or update resources with ${ops.length} pending operations from previous deployment.`,
    ...ops,
    "These resources are in an unknown state because the runner was interrupted while waiting for changes to " +
      "them to complete; check them on the server. `pve-firewall refresh` reads the state back and clears pending " +
      "updates and deletes; `--clear-pending-creates` drops pending creates.",
  ].join("\n");
}

async function execute(
  command: RunnerCommand,
  args: ReturnType<typeof parse>,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const o = args.values;
  const dir = resolve(args.positionals[0] ?? ".");
  const stack = o.stack;
  const project = loadProject(dir);
  const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE;
  const cfg = loadStackConfig(dir, project.name, stack, { config: o.config, secret: o.secret }, passphrase);
  const stateFile = resolve(o["state-dir"] ?? resolve(dir, ".pulumi-local"), `${stack}.json`);
  const json = o.json;
  const say = (line: string) => {
    if (!json) write(out, line);
  };
  const failures = new Failures((line) => write(err, line), o.debug);
  const warned = new Set<string>();
  const warn = (urn: string, message: string) => {
    if (warned.has(`${urn}\n${message}`)) return;
    warned.add(`${urn}\n${message}`);
    write(err, `warning: ${urn ? `${urn.slice(urn.lastIndexOf("::") + 2)}: ` : ""}${message}`);
  };
  const onLog = (e: LogEntry) => {
    if (e.severity === "error") failures.logged(e);
    else if (e.severity === "warning") warn(e.urn, e.message.trimEnd());
    else if (e.severity === "info") write(err, e.message.trimEnd());
    else if (o.debug) write(err, `debug: ${e.message.trimEnd()}`);
  };
  const release = await lockStack(stateFile, stack, (m) => warn("", m));
  let host: ProviderHost | undefined;
  let steps: Step[] = [];
  let outputs: StackState["outputs"] = {};
  let failed = false;
  try {
    let box = new SecretBox(passphrase, cfg.encryptionSalt, cfg.crypter);
    const old = readState(stateFile, project.name, stack, (salt) => {
      box = new SecretBox(passphrase, salt ?? cfg.encryptionSalt, cfg.crypter);
      return box;
    });
    outputs = old.outputs;
    const save = (s: StackState) => writeState(stateFile, s, box);
    const config: Record<string, unknown> = { ...cfg.values };
    for (const k of cfg.secretKeys) config[k] = secret(cfg.values[k]);
    host = await startProviderHost({
      project: project.name,
      stack,
      cwd: dir,
      onLog,
      onStderr: (line) => {
        if (o.debug || !isErrorDump(line)) write(err, line);
      },
    });
    await host.configure(config);
    const ctx = (persist: boolean): DeployContext => ({
      host: host as ProviderHost,
      report: {
        step: (s, phase) => {
          if (s.op === "same" && phase !== "done") return;
          say(formatStep(s, phase));
          if (o.diff && phase !== "start") for (const line of formatDiff(s)) say(line);
        },
      },
      save: persist ? save : undefined,
      warn,
    });
    const run: ProgramRun = { dir, project, stack, cfg, onLog, say, failures };
    const refresh = o.refresh || project.refreshAlways;
    const heading = (verb: string) => say(`${verb} (${stack}):`);

    /** One pass: optional refresh, then the program (or the destroy); `persist` writes state. */
    const pass = async (persist: boolean) => {
      let state = old;
      let refreshed: Step[] = [];
      if (refresh || command === "refresh") {
        const r = await refreshState(ctx(persist), old, o["clear-pending-creates"]);
        state = r.state;
        refreshed = r.steps;
      }
      if (command === "refresh") return { steps: refreshed, outputs: state.outputs, failed: false };
      if (command === "destroy") return { steps: await destroyState(ctx(persist), state), outputs: {}, failed: false };
      const result = await deployProgram(run, state, ctx(persist));
      // `up --refresh` also reports the drift it read; a preview shows drift as the updates it plans.
      return { ...result, steps: [...(persist ? refreshed.filter((s) => s.op === "refresh") : []), ...result.steps] };
    };

    if (command === "preview" || command === "refresh") {
      heading(command === "preview" ? "Previewing update" : "Refreshing");
      ({ steps, outputs, failed } = await pass(command === "refresh"));
    } else {
      const kind = command === "up" ? "update" : "destroy";
      if (!o["skip-preview"]) {
        heading(`Previewing ${kind}`);
        const preview = await pass(false);
        if (preview.failed || failures.any) {
          steps = preview.steps;
          failures.followUp(`${kind} not applied: the preview failed, nothing was changed`);
          return finish(true, false);
        }
        say(formatSummary(preview.steps, false, failures.counts()));
      }
      if (old.pendingOperations.length > 0) warn("", pendingWarning(old));
      heading(command === "up" ? "Updating" : "Destroying");
      ({ steps, outputs, failed } = await pass(true));
    }
  } catch (e) {
    failures.run((e as Error).message);
    if (o.debug && e instanceof Error && e.stack) write(err, e.stack);
    failed = true;
  } finally {
    await host?.close();
    await release();
  }
  return finish(failed || failures.any, command === "up" || command === "destroy");

  function finish(anyFailed: boolean, applied: boolean): number {
    const changed = hasChanges(steps);
    const code = anyFailed ? 1 : o["expect-no-changes"] && changed ? exitChanges : 0;
    const summary = formatSummary(steps, applied, failures.counts());
    if (json) {
      const result = {
        command,
        stack,
        dryRun: !applied,
        steps: o.diff ? steps : steps.map(({ olds: _o, news: _n, ...s }) => s),
        summary,
        outputs: redactSecrets(outputs),
        errors: failures.list.map((f) => (f.resource ? `${f.resource}: ${f.message}` : f.message)),
        exitCode: code,
      };
      write(out, JSON.stringify(redactSecrets(result), null, 2));
    } else {
      say(summary);
      for (const line of formatOutputs(outputs)) say(line);
      if (code === exitChanges) write(err, "error: no changes were expected but changes were found");
    }
    return code;
  }
}
