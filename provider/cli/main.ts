#!/usr/bin/env node
import { runCli } from "./index";

runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`pve-firewall: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
