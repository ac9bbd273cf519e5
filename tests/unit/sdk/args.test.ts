/**
 * The SDK's documented arg interfaces and the provider's zod schemas must describe the same inputs.
 * The assertions below are checked by the compiler (`npm test` type-checks the tests before jest
 * runs): a field added, renamed or retyped on one side only fails the build.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { aliasSchema } from "../../../provider/model/alias";
import type { groupSchema } from "../../../provider/model/group";
import type { ipSetEntrySchema, ipSetSchema } from "../../../provider/model/ipset";
import type { OptionsInput } from "../../../provider/model/options";
import type { RuleInput } from "../../../provider/model/rule";
import type { ScopeArgs } from "../../../provider/model/scope";
import type {
  AliasArgs,
  ClusterFirewallOptionsArgs,
  FirewallScopeArgs,
  GuestFirewallOptionsArgs,
  IpSetArgs,
  IpSetEntryArgs,
  NodeFirewallOptionsArgs,
  RuleArgs,
  SecurityGroupArgs,
  VnetFirewallOptionsArgs,
} from "../../../sdk/index";

/** `true` only when A and B are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;
type Options<T> = Omit<pulumi.Unwrap<T>, "scope" | "cluster">;

type Ties = [
  Expect<Same<pulumi.Unwrap<RuleArgs>, RuleInput>>,
  Expect<Same<pulumi.Unwrap<FirewallScopeArgs>, ScopeArgs>>,
  Expect<Same<pulumi.Unwrap<IpSetEntryArgs>, z.input<typeof ipSetEntrySchema>>>,
  Expect<
    Same<Omit<pulumi.Unwrap<IpSetArgs>, "scope" | "cluster" | "entries">, Omit<z.input<typeof ipSetSchema>, "entries">>
  >,
  Expect<Same<Omit<pulumi.Unwrap<AliasArgs>, "scope" | "cluster">, z.input<typeof aliasSchema>>>,
  Expect<Same<Omit<pulumi.Unwrap<SecurityGroupArgs>, "cluster">, z.input<typeof groupSchema>>>,
  Expect<Same<Options<ClusterFirewallOptionsArgs>, OptionsInput<"cluster">>>,
  Expect<Same<Options<NodeFirewallOptionsArgs>, OptionsInput<"node">>>,
  Expect<Same<Options<GuestFirewallOptionsArgs>, OptionsInput<"vm">>>,
  Expect<Same<Options<VnetFirewallOptionsArgs>, OptionsInput<"vnet">>>,
];

describe("sdk args", () => {
  it("accept plain values where the schemas do (the type ties above are checked at build time)", () => {
    const ties: Ties["length"] = 10;
    expect(ties).toBe(10);
    const rule: RuleArgs = { action: "ACCEPT", macro: "SSH", dport: 22, enable: true };
    const input: RuleInput = rule as pulumi.Unwrap<RuleArgs>;
    expect(input.action).toBe("ACCEPT");
  });
});
