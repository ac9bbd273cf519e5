import { runEmulatorCli } from "../../emulator/cli";
import { type RunnerCommand, runRunnerCli } from "../runner/cli";
import { DEMO_USAGE, runDemo } from "./demo";
import { exportCommand } from "./export";
import { importCommand } from "./import";
import { lintCommand } from "./lint";
import { packageVersion } from "./package";
import { simulateCommand } from "./simulate";

export { packageRoot, packageVersion } from "./package";

/** Where a command writes; injected so commands are testable without touching process streams. */
export interface CliIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

/** One `pve-firewall` subcommand. Actions return an exit code; only the bin entry exits. */
export interface CliCommand {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

const versionCommand: CliCommand = {
  name: "version",
  usage: "pve-firewall version",
  summary: "print the package version",
  async run(_argv, io) {
    io.out.write(`${packageVersion()}\n`);
    return 0;
  },
};

const emulatorCommand: CliCommand = {
  name: "emulator",
  usage: "pve-firewall emulator [--listen HOST:PORT] [--data DIR] ...",
  summary: "run the embedded Proxmox VE firewall API emulator",
  run: (argv, io) => runEmulatorCli(argv, io.out, { err: io.err }),
};

const RUNNER_SUMMARIES: Readonly<Record<RunnerCommand, string>> = {
  up: "apply a Pulumi program locally (test and demo harness; use pulumi up in production)",
  preview: "show what up would change (--refresh --expect-no-changes for drift checks)",
  refresh: "read every resource of a local stack and record drift",
  destroy: "delete every resource of a local stack",
};

function runnerCommand(name: RunnerCommand): CliCommand {
  return {
    name,
    usage: `pve-firewall ${name} [program-dir] [--stack NAME] ...`,
    summary: RUNNER_SUMMARIES[name],
    run: (argv, io) => runRunnerCli(name, argv, io.out, io.err),
  };
}

const demoCommand: CliCommand = {
  name: "demo",
  usage: DEMO_USAGE,
  summary: "emulator + quickstart end to end: apply, drift, detect, repair (npm start)",
  run: runDemo,
};

/** Every subcommand, in the order `--help` lists them. */
export function commands(): readonly CliCommand[] {
  return [
    demoCommand,
    emulatorCommand,
    runnerCommand("up"),
    runnerCommand("preview"),
    runnerCommand("refresh"),
    runnerCommand("destroy"),
    importCommand,
    exportCommand,
    simulateCommand,
    lintCommand,
    versionCommand,
  ];
}

function helpText(): string {
  const list = commands()
    .map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`)
    .join("\n");
  return [
    "pve-firewall: manage the Proxmox VE firewall as code (pulumi-proxmox-firewall)",
    "",
    "usage: pve-firewall <command> [options]",
    "",
    "commands:",
    list,
    "",
    "options:",
    "  -h, --help                                                 show this help",
    "  -v, --version                                              print the package version",
    "",
    "Run 'pve-firewall <command> --help' for a command's options.",
    "",
  ].join("\n");
}

/** Dispatch `argv` (without node and script) to a subcommand; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    io.out.write(helpText());
    return first === undefined ? 2 : 0;
  }
  if (first === "-v" || first === "--version") return versionCommand.run(rest, io);
  const command = commands().find((c) => c.name === first);
  if (!command) {
    io.err.write(`pve-firewall: unknown command '${first}'\n\n${helpText()}`);
    return 2;
  }
  return command.run(rest, io);
}
