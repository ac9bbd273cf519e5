import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { runRunnerCli } from "../../provider/runner/cli";
import { newEncryptionSalt, passphraseCrypter } from "../../provider/runner/passphrase";

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (d: Buffer) => {
    text += d.toString();
  });
  return { stream, text: () => text };
}

describe("passphraseCrypter", () => {
  it("decrypts what it encrypted with the same passphrase and salt", () => {
    const salt = newEncryptionSalt("pw");
    const value = passphraseCrypter("pw", salt).encrypt("s3cret");
    expect(value).toMatch(/^v1:[^:]+:[^:]+$/);
    expect(passphraseCrypter("pw", salt).decrypt(value)).toBe("s3cret");
  });

  it("fails with a wrong passphrase", () => {
    expect(() => passphraseCrypter("other", newEncryptionSalt("pw"))).toThrow("incorrect passphrase");
  });
});

describe("runRunnerCli programs", () => {
  const dir = mkdtempSync(join(tmpdir(), "runner-prog-"));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("previews a TypeScript program with unknown outputs flowing into another resource", async () => {
    const out = sink();
    const err = sink();
    const argv = [join(__dirname, "fixtures", "ts-program"), "--state-dir", dir, "--json"];
    const code = await runRunnerCli("preview", argv, out.stream, err.stream);
    expect(err.text()).not.toContain("error");
    expect(code).toBe(0);
    const plan = JSON.parse(out.text()) as { steps: { op: string; name: string }[]; outputs: Record<string, unknown> };
    expect(plan.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["create first", "create second"]);
    expect(plan.outputs).toEqual({ secondId: "[unknown]" });
  });

  it("decrypts secure config from the stack file and keeps it secret", async () => {
    const out = sink();
    const err = sink();
    const cloudFile = join(dir, "cloud.json");
    const argv = [
      join(__dirname, "fixtures", "cloud"),
      "-s",
      "secure",
      "--state-dir",
      dir,
      "-c",
      `cloudFile=${cloudFile}`,
    ];
    process.env.PULUMI_CONFIG_PASSPHRASE = "correct horse";
    const code = await runRunnerCli("up", argv, out.stream, err.stream);
    expect(code).toBe(0);
    const cloud = JSON.parse(readFileSync(cloudFile, "utf8")) as {
      items: Record<string, { size: number; token?: string }>;
    };
    const items = Object.values(cloud.items);
    expect(items.find((i) => i.token)?.token).toBe("hunter2-from-yaml");
    expect(items.some((i) => i.size === 7)).toBe(true);
    expect(out.text() + err.text() + readFileSync(join(dir, "secure.json"), "utf8")).not.toContain("hunter2");
  });
});
