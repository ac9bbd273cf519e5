/**
 * Deterministic fault injection: rules select requests by method, path template, probability
 * (drawn from a seeded PRNG) and count, and inject latency, a hold until released, a 500, a lock
 * timeout, or a dropped connection before or after the write is applied.
 */

/**
 * What a fault does to a matching request. `hold` keeps it waiting until the fault is released
 * ({@link FaultInjector.release}) or the faults are cleared: a test decides when it goes on (an
 * admin's edit lands meanwhile, the client is killed meanwhile) instead of racing a fixed delay.
 * Only in-process (`startEmulator().faults`), as nothing else could release it.
 */
export type FaultKind = "latency" | "hold" | "error500" | "lockTimeout" | "dropBefore" | "dropAfter";

/** One fault rule. */
export interface FaultSpec {
  readonly kind: FaultKind;
  /** HTTP method to match; any method when absent. */
  readonly method?: string;
  /** Path template to match (`/cluster/firewall/rules/{pos}`); any path when absent. */
  readonly path?: string;
  /** Chance that a matching request is hit, 0..1. @default 1 */
  readonly probability?: number;
  /** How many requests to hit at most; unlimited when absent. */
  readonly count?: number;
  /** Added delay for `latency` faults. */
  readonly latencyMs?: number;
  /** Message of an `error500` fault. @default "injected fault" */
  readonly message?: string;
}

/** A fault rule with its remaining count. */
export interface ActiveFault extends FaultSpec {
  readonly id: number;
  remaining: number | undefined;
  hits: number;
}

/** The kinds `--faults` and the control endpoint take (a `hold` needs the in-process `release`). */
const KINDS: readonly FaultKind[] = ["latency", "error500", "lockTimeout", "dropBefore", "dropAfter"];

/** The requests a `hold` fault keeps waiting, and whether it was released. */
interface Gate {
  open: boolean;
  readonly waiting: (() => void)[];
}

/**
 * A seeded PRNG (mulberry32): the same `seed` gives the same numbers in [0, 1) on every run. The
 * faults draw from it; the bench's generated fixtures too.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Validates an untrusted fault description (CLI or control endpoint). */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== "object" || input === null) throw new Error("fault: must be an object");
  const o = input as Record<string, unknown>;
  if (!KINDS.includes(o.kind as FaultKind)) throw new Error(`fault.kind: must be one of ${KINDS.join(", ")}`);
  const num = (k: string, min: number, max: number): number | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !(v >= min && v <= max))
      throw new Error(`fault.${k}: must be a number ${min}..${max}`);
    return v;
  };
  const str = (k: string): string | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw new Error(`fault.${k}: must be a string`);
    return v;
  };
  const spec: Record<string, unknown> = { kind: o.kind };
  for (const [k, v] of Object.entries({
    method: str("method")?.toUpperCase(),
    path: str("path"),
    message: str("message"),
    probability: num("probability", 0, 1),
    count: num("count", 0, Number.MAX_SAFE_INTEGER),
    latencyMs: num("latencyMs", 0, 600000),
  })) {
    if (v !== undefined) spec[k] = v;
  }
  return spec as unknown as FaultSpec;
}

/** The fault table of one emulator instance. */
export class FaultInjector {
  private faults: ActiveFault[] = [];
  private readonly gates = new Map<number, Gate>();
  private nextId = 1;
  private random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  /** Re-seeds the PRNG. */
  reseed(seed: number): void {
    this.random = mulberry32(seed);
  }

  /** Adds a fault; returns its id. */
  add(spec: FaultSpec): number {
    const id = this.nextId++;
    this.faults.push({ ...spec, id, remaining: spec.count, hits: 0 });
    if (spec.kind === "hold") this.gates.set(id, { open: false, waiting: [] });
    return id;
  }

  /**
   * Releases `hold` fault `id`: the requests it holds go on, and those it hits from now on pass at
   * once (a released hold with a `count` lets that many requests through without another fault of
   * its kind holding them). Unknown ids are ignored.
   */
  release(id: number): void {
    const gate = this.gates.get(id);
    if (!gate) return;
    gate.open = true;
    for (const go of gate.waiting.splice(0)) go();
  }

  /** Resolves once the `hold` fault that hit a request is released (at once when it is, or is gone). */
  held(fault: ActiveFault): Promise<void> {
    const gate = this.gates.get(fault.id);
    if (!gate || gate.open) return Promise.resolve();
    return new Promise((resolve) => gate.waiting.push(resolve));
  }

  /** Removes every fault; the requests held are released. */
  clear(): void {
    for (const id of [...this.gates.keys()]) this.release(id);
    this.gates.clear();
    this.faults = [];
  }

  /** The active faults with their remaining counts and hits. */
  list(): readonly ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The faults that hit this request (at most one of each kind), consuming their counts. */
  select(method: string, template: string): ActiveFault[] {
    const hit: ActiveFault[] = [];
    const kinds = new Set<FaultKind>();
    for (const f of this.faults) {
      if (f.method !== undefined && f.method !== method) continue;
      if (f.path !== undefined && f.path !== template) continue;
      if (f.remaining !== undefined && f.remaining <= 0) continue;
      if (kinds.has(f.kind)) continue;
      if (this.random() >= (f.probability ?? 1)) continue;
      if (f.remaining !== undefined) f.remaining--;
      f.hits++;
      kinds.add(f.kind);
      hit.push(f);
    }
    return hit;
  }
}
