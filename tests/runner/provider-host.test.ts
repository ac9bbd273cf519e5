import { isSecret, secret, unknownValue } from "../../provider/runner/props";
import { ProviderCallError, providerKey, serializeProvider } from "../../provider/runner/provider-host";
import { useProviderHost } from "../helpers/provider-host";

/** A self-contained dynamic provider: everything it needs lives in its method bodies. */
const counterProvider = {
  async configure(req: { config: { get(k: string): string | undefined } }) {
    (globalThis as Record<string, unknown>).__label = req.config.get("label") ?? "none";
  },
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    if (typeof news.size === "number" && news.size < 0) {
      return { inputs: news, failures: [{ property: "size", reason: "must not be negative" }] };
    }
    return { inputs: news };
  },
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const replaces = olds.zone !== news.zone ? ["zone"] : [];
    return {
      changes: olds.size !== news.size || replaces.length > 0,
      replaces,
      deleteBeforeReplace: news.dbr === true,
    };
  },
  async create(inputs: Record<string, unknown>) {
    if (inputs.size === 13) {
      const e = new Error("size 13 is unlucky") as Error & Record<string, unknown>;
      e.id = "half";
      e.properties = { size: 12 };
      e.reasons = ["stopped at 12"];
      throw e;
    }
    if (inputs.size === 99) throw new Error("quota exceeded for size 99");
    return { id: `c-${inputs.size}`, outs: { ...inputs, label: (globalThis as Record<string, unknown>).__label } };
  },
  async read(id: string, props: Record<string, unknown>) {
    return id === "gone" ? { id: "", props: {} } : { id, props: { ...props, read: true } };
  },
  async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { outs: { ...news, updated: true } };
  },
  async delete() {},
};

describe("startProviderHost", () => {
  const handle = useProviderHost({ config: { "test:label": secret("blue") } });
  let code = "";
  beforeAll(async () => {
    code = await serializeProvider(counterProvider);
  });

  it("serializes the provider into a module the host can load", () => {
    expect(code).toContain("exports.handler");
  });

  it("runs check and reports failures with property and reason", async () => {
    const ok = await handle.host().check("urn:a", {}, { [providerKey]: code, size: 1 });
    expect(ok).toEqual({ inputs: { [providerKey]: code, size: 1 }, failures: [] });
    const bad = await handle.host().check("urn:a", {}, { [providerKey]: code, size: -1 });
    expect(bad.failures).toEqual([{ property: "size", reason: "must not be negative" }]);
  });

  it("creates, reads, updates and deletes with configured state", async () => {
    const h = handle.host();
    const created = await h.create("urn:a", { [providerKey]: code, size: 2 });
    expect(created.id).toBe("c-2");
    expect(created.props).toMatchObject({ size: 2, label: "blue" });
    const read = await h.read("c-2", "urn:a", created.props);
    expect(read).toMatchObject({ id: "c-2", props: { read: true }, inputs: undefined });
    expect((await h.read("gone", "urn:a", created.props)).id).toBe("");
    const updated = await h.update("c-2", "urn:a", created.props, { [providerKey]: code, size: 3 });
    expect(updated.props).toMatchObject({ size: 3, updated: true });
    await expect(h.delete("c-2", "urn:a", updated.props)).resolves.toBeUndefined();
  });

  it("reports diff changes, replaces and delete-before-replace", async () => {
    const h = handle.host();
    const olds = { [providerKey]: code, size: 1, zone: "a" };
    expect(await h.diff("x", "urn:a", olds, { ...olds })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await h.diff("x", "urn:a", olds, { ...olds, zone: "b", dbr: true })).toEqual({
      changes: true,
      replaces: ["zone"],
      deleteBeforeReplace: true,
    });
  });

  it("reveals secrets for the host and marks the same outputs secret", async () => {
    const created = await handle.host().create("urn:a", { [providerKey]: code, size: 4, token: secret("s3cr3t") });
    expect(isSecret(created.props.token)).toBe(true);
    expect(created.props.size).toBe(4);
  });

  it("passes unknowns through during preview", async () => {
    const res = await handle.host().check("urn:a", {}, { [providerKey]: code, size: unknownValue });
    expect(res.inputs.size).toBe(unknownValue);
  });

  it("fails with the provider's message", async () => {
    await expect(handle.host().create("urn:a", { [providerKey]: code, size: 99 })).rejects.toThrow(
      "quota exceeded for size 99",
    );
  });

  it("fails with the partial-failure id, properties and reasons", async () => {
    const err = await handle
      .host()
      .create("urn:a", { [providerKey]: code, size: 13 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err).toMatchObject({
      message: "size 13 is unlucky",
      id: "half",
      properties: { size: 12 },
      reasons: ["stopped at 12"],
    });
  });
});
