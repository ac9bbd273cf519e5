/**
 * Test helpers for the policy simulator: build a simulator from file texts and a topology, and
 * run tables of packet cases, each naming why its verdict is what it is.
 */
import { configsFromTexts } from "../../../provider/policy/configs";
import { createSimulator, type Simulator } from "../../../provider/policy/simulate";
import { readTopology, type TopologyFile } from "../../../provider/policy/topology";
import type { Action, Packet } from "../../../provider/policy/types";

/** Two nodes (pve1 192.0.2.2 with a second ring, pve2 192.0.2.3), VM 100 (two NICs), CT 200, VM 101 on vmbr1, VM 102 without firewall. */
export const TOPOLOGY: TopologyFile = {
  nodes: [
    { name: "pve1", ip: "192.0.2.2", network: "192.0.2.0/24", rings: ["192.0.2.2", "198.51.100.2"] },
    { name: "pve2", ip: "192.0.2.3", network: "192.0.2.0/24", rings: ["192.0.2.3", "198.51.100.3"] },
  ],
  guests: [
    {
      vmid: 100,
      type: "qemu",
      node: "pve1",
      nics: {
        net0: "virtio=BC:24:11:00:00:64,bridge=vmbr0,firewall=1",
        net1: "virtio=BC:24:11:00:01:64,bridge=vmbr0,firewall=1",
        net2: "virtio=BC:24:11:00:02:64,bridge=vmbr0",
      },
    },
    {
      vmid: 101,
      type: "qemu",
      node: "pve1",
      nics: { net0: "virtio=BC:24:11:00:00:65,bridge=vmbr1,firewall=1" },
    },
    { vmid: 102, type: "qemu", node: "pve1", nics: { net0: "virtio=BC:24:11:00:00:66,bridge=vmbr0" } },
    {
      vmid: 200,
      type: "lxc",
      node: "pve1",
      nics: {
        net0: "name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:00:C8,ip=10.0.0.200/24,ip6=2001:db8:5::200/64",
      },
    },
    { vmid: 300, type: "qemu", node: "pve2", nics: { net0: "virtio=BC:24:11:00:01:2C,bridge=vmbr0,firewall=1" } },
  ],
};

/** File texts of one cluster. */
export interface Files {
  readonly cluster?: string;
  readonly hosts?: Readonly<Record<string, string>>;
  readonly guests?: Readonly<Record<string, string>>;
}

/** A simulator for node `pve1` (unless `node` is given) at Unix time `nowSec` (default 1,800,000,000). */
export function simulator(files: Files, options: { topology?: TopologyFile; node?: string; nowSec?: number } = {}) {
  return createSimulator(configsFromTexts(files), readTopology(options.topology ?? TOPOLOGY), {
    nowSec: options.nowSec ?? 1_800_000_000,
    ...(options.node ? { node: options.node } : {}),
  });
}

/** The cluster file with the firewall on and `body` after the options. */
export function clusterOn(body = "", options = ""): string {
  return `[OPTIONS]\nenable: 1\n${options}\n${body}`;
}

/** One packet case: a behaviour sentence saying why, the packet, the verdict and (part of) what decided. */
export interface Case {
  readonly it: string;
  readonly packet: Packet;
  readonly action: Action;
  /** Fields the decider must have (`kind`, `level`, `pos`, ...), matched with `objectContaining`. */
  readonly by?: Readonly<Record<string, unknown>>;
}

/** Registers one `it` per case against `sim` (built lazily, once). */
export function runCases(build: () => Simulator, cases: readonly Case[]): void {
  let sim: Simulator | undefined;
  it.each(cases.map((c) => [c.it, c] as const))("%s", (_name, c) => {
    sim ??= build();
    const v = sim.simulate(c.packet);
    expect({ action: v.action, by: v.decidedBy }).toEqual({
      action: c.action,
      by: c.by ? expect.objectContaining(c.by) : expect.anything(),
    });
  });
}
