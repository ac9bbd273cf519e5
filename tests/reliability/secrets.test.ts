/**
 * The 0-secret scan: a program run through the local runner (`pve-firewall up --debug`, so every log
 * line of the runner, the program and the provider host is printed) against two clusters, one reached
 * with a secret API token (`proxmox:apiToken`) and one with a password login (`proxmox:clusters`, a
 * secret), with failures forced: bad input, a write Proxmox refuses, a run killed mid-way. Then the
 * state directory (state file included, with the serialized provider of every resource), everything
 * each run printed (every error message among it) are searched for the token secret, the password,
 * the ticket and the CSRF token (whole, their signatures alone, and URL-encoded). Unit coverage of
 * the client's error paths: tests/unit/client/redaction.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useEmulator } from "../helpers/emulator";
import { until, useRunnerProcesses } from "../helpers/runner-process";
import { expectNoSecret } from "../helpers/secrets";
import { type FixtureResource, firewallFixture } from "../runner/helpers";

const USER = "admin@pve";
const PASSWORD = "p@ss w0rd/&=+%~x";
/** The ticket cluster's clock stands still, so every login gets the same ticket and CSRF token. */
const NOW = Math.floor(Date.now() / 1000);

const tokenCluster = useEmulator();
const ticketCluster = useEmulator({ users: [{ user: USER, password: PASSWORD }], nowSec: () => NOW });
const runner = useRunnerProcesses(tokenCluster.handle);
const stateDir = mkdtempSync(join(tmpdir(), "reliability-secrets-"));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** `pve-firewall up --debug <flags>` of `resources`, credentials in secret stack config only. */
function up(resources: readonly FixtureResource[], ...flags: string[]) {
  const token = tokenCluster.handle().tokens[0]!;
  const clusters = { ticket: { endpoint: ticketCluster.handle().endpoint, username: USER, password: PASSWORD } };
  return runner.start(
    "up",
    firewallFixture,
    stateDir,
    [
      "--debug",
      "-c",
      `resources=${JSON.stringify(resources)}`,
      "-c",
      `proxmox:endpoint=${tokenCluster.handle().endpoint}`,
      "--secret",
      `proxmox:apiToken=${token.id}=${token.secret}`,
      "--secret",
      `proxmox:clusters=${JSON.stringify(clusters)}`,
      ...flags,
    ],
    { PULUMI_CONFIG_PASSPHRASE: "reliability" },
  );
}

const entries = (n: number, third: number) => Array.from({ length: n }, (_, i) => `198.18.${third}.${i}`);

/** The ticket and CSRF token the ticket cluster gives `USER` (the same for every login, see NOW). */
async function ticketOf(): Promise<{ ticket: string; csrf: string }> {
  const res = await fetch(`${ticketCluster.handle().endpoint}/api2/json/access/ticket`, {
    method: "POST",
    body: new URLSearchParams({ username: USER, password: PASSWORD }),
  });
  const { data } = (await res.json()) as { data: { ticket: string; CSRFPreventionToken: string } };
  return { ticket: data.ticket, csrf: data.CSRFPreventionToken };
}

/** Every `__provider` string in a state file (resources and pending operations). */
function serializedProviders(state: unknown): string[] {
  if (Array.isArray(state)) return state.flatMap(serializedProviders);
  if (state === null || typeof state !== "object") return [];
  return Object.entries(state).flatMap(([k, v]) =>
    k === "__provider" && typeof v === "string" ? [v] : serializedProviders(v),
  );
}

describe("the 0-secret scan", () => {
  it("finds no credential, ticket or CSRF token in state, logs, errors or serialized providers", async () => {
    const outputs: string[] = [];
    const office = { kind: "Alias", name: "office", args: { name: "office", cidr: "192.0.2.1" } };
    const ticketSet = (list: string[]) => ({
      kind: "IpSet",
      name: "partners",
      args: { cluster: "ticket", name: "partners", entries: list },
    });

    // a write Proxmox refuses (an entry naming a missing alias), next to writes that succeed
    const refused = await up([office, ticketSet([...entries(20, 1), "dc/nosuchalias"])], "--skip-preview").done;
    outputs.push(refused.output);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("no such alias 'nosuchalias'");

    // bad input, refused by the preview before any API call
    const bad = await up([{ ...office, args: { name: "office", cidr: "10.0.0.300" } }, ticketSet(["10.0.0.1/40"])])
      .done;
    outputs.push(bad.output);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('"10.0.0.300"');

    // killed while both clusters are being written
    const big = { kind: "IpSet", name: "big", args: { name: "big", entries: entries(200, 2) } };
    ticketCluster.handle().calls.reset();
    const run = up([office, big, ticketSet(entries(200, 3))], "--skip-preview");
    const entryAdds = () => ticketCluster.handle().calls.get("POST /cluster/firewall/ipset/{name}");
    await until("the ticket cluster is being written", () => entryAdds() >= 40);
    runner.killGroup(run);
    const killed = await run.done;
    outputs.push(killed.output);
    expect(killed.code).toBeNull();

    // both credentials were used: each cluster served the runs
    expect(tokenCluster.handle().calls.total()).toBeGreaterThan(0);
    expect(entryAdds()).toBeGreaterThanOrEqual(40);

    const token = tokenCluster.handle().tokens[0]!.secret;
    const { ticket, csrf } = await ticketOf();
    const signatures = [ticket.slice(ticket.lastIndexOf("::") + 2), csrf.slice(csrf.indexOf(":") + 1)];
    const secrets = [token, PASSWORD, ticket, csrf, ...signatures];
    expect(secrets.every((s) => s.length >= 16)).toBe(true);

    const files = readdirSync(stateDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    const texts = files.map((f) => readFileSync(join(f.parentPath, f.name), "utf8"));
    const state = JSON.parse(readFileSync(join(stateDir, "dev.json"), "utf8")) as unknown;
    const providers = serializedProviders(state);
    // office (token cluster) and the half-made sets (one per cluster, pending or recorded)
    expect(providers.length).toBeGreaterThanOrEqual(3);
    expect(texts.join("\n")).toContain("partners");
    for (const text of [...outputs, ...texts, ...providers]) expectNoSecret(text, secrets);
  }, 120_000);
});
