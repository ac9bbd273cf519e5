/**
 * One resource's whole life through the real dynamic-provider host, as the engine drives it:
 * check → create → read → diff → edit (check, diff, update) → optional replacement → out-of-band
 * drift seen by read → delete, ending with the emulator's files exactly as they were.
 */
import type { ResourceKind } from "../../sdk/shim";
import { type E2eFixture, snapshotFiles, urnOf, withProvider } from "./harness";

/** A property bag in wire form, without the `__provider` key. */
export type Props = Record<string, unknown>;

/** A diff that must report changes, and exactly these replacements. */
export interface ExpectedDiff {
  /** What the diff is about (used in assertion messages). */
  readonly why: string;
  /** Raw user args of the new program. */
  readonly inputs: Props;
  /** Properties reported as needing a replacement (`[]` for an in-place update). */
  readonly replaces: readonly string[];
}

/** One row of the lifecycle table. */
export interface LifecycleCase {
  /** Row title, e.g. `cluster FirewallRules`. */
  readonly title: string;
  readonly kind: ResourceKind;
  /** Raw user args, as the SDK class registers them. */
  readonly inputs: Props;
  /** The exact inputs `check` returns for `inputs` (canonical form, `__provider` left out). */
  readonly canonical: Props;
  /** The documented resource ID. */
  readonly id: string;
  /** Raw args of an in-place edit (`diff` reports changes and no replacement; `update` applies it). */
  readonly edit: Props;
  /** Properties the outputs hold after the edit (a subset; `undefined` means absent). */
  readonly edited: Props;
  /** Further diffs (against the edited outputs) that only check what `diff` reports. */
  readonly diffs?: readonly ExpectedDiff[];
  /** A replacement the engine carries out create-before-delete, with the replacement's ID. */
  readonly replace?: ExpectedDiff & { readonly id: string };
  /** An out-of-band edit: `from` is replaced by `to` in the file at `path`, so `property` reads as `value`. */
  readonly drift: {
    readonly path: string;
    readonly from: string;
    readonly to: string;
    readonly property: string;
    readonly value: unknown;
  };
}

/** `props` without the serialized provider. */
export function bare(props: Props | undefined): Props {
  const { __provider: _provider, ...rest } = props ?? {};
  return rest;
}

/** `props` holds every defined member of `expected` and none of its `undefined` ones. */
export function expectHolds(props: Props, expected: Props): void {
  const present = Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined));
  expect(props).toEqual(expect.objectContaining(present));
  for (const [k, v] of Object.entries(expected)) if (v === undefined) expect(props).not.toHaveProperty(k);
}

const NO_CHANGES = { changes: false, replaces: [], deleteBeforeReplace: false };

/** Runs the whole lifecycle of `c` through the host of `fx`, asserting every step. */
export async function runLifecycle(fx: E2eFixture, c: LifecycleCase): Promise<void> {
  const { host, emu } = fx.env();
  const urn = urnOf(c.kind, c.title.replace(/\W+/g, "-"));
  const args = (p: Props) => withProvider(fx, c.kind, p);
  const before = await snapshotFiles(emu.dataDir);

  // check: canonical inputs, no failures; a new resource's check reads what exists at its target
  // (one GET: the set, alias or group list, the rule list, the options), and writes nothing
  emu.calls.reset();
  const checked = await host.check(urn, {}, await args(c.inputs));
  expect(checked.failures).toEqual([]);
  expect(bare(checked.inputs)).toEqual(c.canonical);
  expect(Object.entries(emu.calls.snapshot())).toEqual([[expect.stringMatching(/^GET /), 1]]);

  // create, read back, diff clean
  const created = await host.create(urn, checked.inputs);
  expect(created.id).toBe(c.id);
  const read = await host.read(created.id, urn, created.props, checked.inputs);
  expect(read.id).toBe(c.id);
  expect(read.props).toEqual(created.props);
  expect(read.inputs).toEqual(checked.inputs);
  expect(await host.diff(created.id, urn, created.props, checked.inputs)).toEqual(NO_CHANGES);

  // an in-place edit
  const edit = await host.check(urn, checked.inputs, await args(c.edit));
  expect(edit.failures).toEqual([]);
  expect(await host.diff(created.id, urn, created.props, edit.inputs)).toEqual({
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
  const updated = await host.update(created.id, urn, created.props, edit.inputs);
  expectHolds(updated.props, c.edited);
  const reread = await host.read(created.id, urn, updated.props, edit.inputs);
  expect(reread.props).toEqual(updated.props);
  expect(await host.diff(created.id, urn, updated.props, edit.inputs)).toEqual(NO_CHANGES);

  for (const d of c.diffs ?? []) {
    const next = await host.check(urn, edit.inputs, await args(d.inputs));
    expect({ why: d.why, failures: next.failures }).toEqual({ why: d.why, failures: [] });
    const diff = await host.diff(created.id, urn, updated.props, next.inputs);
    expect({ why: d.why, ...diff }).toEqual({
      why: d.why,
      changes: true,
      replaces: d.replaces,
      deleteBeforeReplace: false,
    });
  }

  // out-of-band drift: read sees it, diff against the program reports it
  const file = await emu.readFile(c.drift.path);
  const drifted = file?.replace(c.drift.from, c.drift.to);
  expect(drifted).not.toBe(file);
  await emu.editFile(c.drift.path, drifted ?? "");
  const refreshed = await host.read(created.id, urn, updated.props, edit.inputs);
  expect(refreshed.id).toBe(c.id);
  expect(refreshed.props[c.drift.property]).toEqual(c.drift.value);
  expect(refreshed.props[c.drift.property]).not.toEqual(updated.props[c.drift.property]);
  expect(refreshed.inputs?.[c.drift.property]).toEqual(c.drift.value);
  expect((await host.diff(created.id, urn, refreshed.props, edit.inputs)).changes).toBe(true);

  let last = { id: created.id, props: refreshed.props };
  if (c.replace) {
    const next = await host.check(urn, edit.inputs, await args(c.replace.inputs));
    expect(next.failures).toEqual([]);
    expect(await host.diff(created.id, urn, refreshed.props, next.inputs)).toEqual({
      changes: true,
      replaces: c.replace.replaces,
      deleteBeforeReplace: false,
    });
    const replacement = await host.create(urn, next.inputs);
    expect(replacement.id).toBe(c.replace.id);
    await host.delete(created.id, urn, refreshed.props);
    expect((await host.read(replacement.id, urn, replacement.props, next.inputs)).props).toEqual(replacement.props);
    last = replacement;
  }

  await host.delete(last.id, urn, last.props);
  expect(await snapshotFiles(emu.dataDir)).toEqual(before);
}
