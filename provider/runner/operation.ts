/**
 * One run of the program against the runner's engine (a preview or an update), and the error
 * bookkeeping of a whole command: one line per failing resource, the program's own errors without
 * their stack traces (unless `--debug`), and the count for the summary.
 */
import type { Project, StackConfig } from "./config";
import { type DeployContext, Deployment, type Step } from "./deploy";
import { addEngineService, bindServer, type LogEntry, newServer } from "./engine-service";
import { addMonitorService } from "./monitor";
import { runProgram } from "./program";
import type { Props } from "./props";
import type { StackState } from "./state";

/** One failure of a command: a resource (type and name) or the whole run (`resource` empty). */
export interface Failure {
  readonly resource: string;
  readonly message: string;
}

/** Prints errors once each and counts the failing resources. */
export class Failures {
  readonly list: Failure[] = [];
  constructor(
    private readonly print: (line: string) => void,
    private readonly debug: boolean,
  ) {}

  /** A resource (`type name`) failed: one line, now. */
  resource(type: string, name: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    const resource = `${type} ${name}`;
    if (this.list.some((f) => f.resource === resource && f.message === message)) return;
    this.list.push({ resource, message });
    this.print(`error: ${resource}: ${message}${this.debug && e instanceof Error && e.stack ? `\n${e.stack}` : ""}`);
  }

  /** The run failed as a whole (not one resource's fault). */
  run(message: string): void {
    this.list.push({ resource: "", message });
    this.print(`error: ${message}`);
  }

  /**
   * A consequence of failures already reported (e.g. "update not applied"): printed as an error
   * line, but counted only when nothing else was, so the summary does not count one fault twice.
   */
  followUp(message: string): void {
    if (this.any) this.print(`error: ${message}`);
    else this.run(message);
  }

  /**
   * An error the program (or the provider host) logged. Without `--debug`, stack frames and the
   * runtime's "Running program ... failed" header are dropped, and an error that only repeats a
   * resource failure already shown (the SDK's "failed to register new resource ...") is not shown
   * again; with `--debug` everything is printed as it came.
   */
  logged(entry: LogEntry): void {
    if (this.debug) {
      this.print(`error: ${entry.message.trimEnd()}`);
      if (!this.list.some((f) => f.message === entry.message)) this.list.push({ resource: "", message: entry.message });
      return;
    }
    const lines = entry.message
      .split("\n")
      .map((l) => l.trimEnd())
      .filter((l) => l.trim() !== "" && !/^\s+at\s/.test(l) && !/^Running program '.*' failed/.test(l));
    const text = lines.join(" ").replace(/^Error: /, "");
    if (text === "") return;
    const repeats =
      /failed to (register new|read) resource/.test(text) ||
      this.list.some((f) => f.message && text.includes(f.message));
    if (repeats && this.list.length > 0) return;
    this.run(text);
  }

  /** Whether anything failed. */
  get any(): boolean {
    return this.list.length > 0;
  }

  /** How many resources failed, and how many failures were not one resource's. */
  counts(): { resources: number; other: number } {
    const resources = new Set(this.list.filter((f) => f.resource).map((f) => f.resource)).size;
    return { resources, other: this.list.filter((f) => !f.resource).length };
  }
}

/** What one program run needs. */
export interface ProgramRun {
  readonly dir: string;
  readonly project: Project;
  readonly stack: string;
  readonly cfg: Pick<StackConfig, "values" | "secretKeys">;
  readonly onLog: (e: LogEntry) => void;
  readonly say: (line: string) => void;
  readonly failures: Failures;
}

/** Runs the program once (preview when `ctx.save` is absent) and settles the deployment. */
export async function deployProgram(
  run: ProgramRun,
  state: StackState,
  ctx: DeployContext,
): Promise<{ steps: Step[]; outputs: Props; failed: boolean }> {
  const { project, stack, failures } = run;
  const deployment = new Deployment(ctx, state, stack, project.name);
  const server = newServer();
  addEngineService(server, run.onLog);
  let stepFailed = false;
  const guard = <T>(type: string, name: string, p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      stepFailed = true;
      failures.resource(type, name, e);
      throw e;
    });
  addMonitorService(server, stack, project.name, {
    register: (reg) => guard(reg.type, reg.name, deployment.register(reg)),
    read: (read) => guard(read.type, read.name, deployment.read(read)),
    registerOutputs: (urn, outputs) => deployment.registerOutputs(urn, outputs),
    refused: (type, name, error) => {
      stepFailed = true;
      failures.resource(type, name, error);
    },
  });
  const endpoint = await bindServer(server);
  let exit: number;
  try {
    exit = await runProgram({
      dir: run.dir,
      entry: project.entry,
      project: project.name,
      stack,
      monitorAddress: endpoint.address,
      engineAddress: endpoint.address,
      dryRun: !ctx.save,
      typescript: project.typescript,
      config: run.cfg.values,
      secretKeys: run.cfg.secretKeys,
      onOutput: run.say,
    });
  } finally {
    await endpoint.close();
  }
  let failed = exit !== 0 || stepFailed;
  if (!failed) {
    try {
      await deployment.finish();
    } catch (e) {
      failed = true;
      failures.run((e as Error).message);
    }
  } else if (!failures.any) {
    failures.run(`the program exited with code ${exit}`);
  }
  return { steps: deployment.steps, outputs: deployment.stackOutputs(), failed };
}
