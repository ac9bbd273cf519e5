import { createHash } from "node:crypto";
import { ownerId } from "../../../sdk/shim";

describe("ownerId", () => {
  it("is the first 16 hex characters of sha256(project/stack/type token/name)", () => {
    const expected = createHash("sha256")
      .update("infra/prod/pulumi-nodejs:dynamic/proxmox-firewall:FirewallRules/db-rules")
      .digest("hex")
      .slice(0, 16);
    expect(ownerId("infra", "prod", "FirewallRules", "db-rules")).toBe(expected);
  });

  it("differs between stacks, kinds and names", () => {
    const ids = new Set([
      ownerId("infra", "prod", "FirewallRules", "db-rules"),
      ownerId("infra", "dev", "FirewallRules", "db-rules"),
      ownerId("infra", "prod", "SecurityGroup", "db-rules"),
      ownerId("infra", "prod", "FirewallRules", "web-rules"),
    ]);
    expect(ids.size).toBe(4);
  });
});
