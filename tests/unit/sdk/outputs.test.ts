/**
 * Every resource class declares each of its args as an output of the same name (plus what the
 * provider computes), and passes every output key to Pulumi, so each one is set after `get()` too.
 * The type assertions below are checked by the compiler (`npm test` type-checks the tests before
 * jest runs): an option added to an args interface but not to its class's outputs fails the build.
 */
import type * as pulumi from "@pulumi/pulumi";
import type {
  Alias,
  AliasArgs,
  ClusterFirewallOptions,
  ClusterFirewallOptionsArgs,
  FirewallRules,
  FirewallRulesArgs,
  GuestFirewallOptions,
  GuestFirewallOptionsArgs,
  IpSet,
  IpSetArgs,
  NodeFirewallOptions,
  NodeFirewallOptionsArgs,
  SecurityGroup,
  SecurityGroupArgs,
  VnetFirewallOptions,
  VnetFirewallOptionsArgs,
} from "../../../sdk/index";
import { GET_MARKER, getArgs, type OutputKey, type OutputSpec, resourceProps } from "../../../sdk/shim";

/** `true` only when A and B are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;
/** The args a user gives that describe the object (not the create-time switches). */
type Described<A> = Exclude<keyof A, "adopt" | "allowLockout">;
/** The plain values of a class's outputs. */
type Values<R> = { [K in OutputKey<R>]: R[K] extends pulumi.OutputInstance<infer T> ? T : never };
/** Each option arg as an output: unwrapped, `undefined` while not set. */
type OptionValues<A> = { [K in Exclude<Described<A>, "cluster" | "scope">]-?: pulumi.Unwrap<A[K]> | undefined };
/** The option outputs of a class (its outputs without the common ones). */
type Options<R, Extra extends string = never> = Omit<Values<R>, "digest" | "cluster" | "scope" | Extra>;

type Ties = [
  Expect<Same<OutputKey<Alias>, Described<AliasArgs> | "ref">>,
  Expect<Same<OutputKey<IpSet>, Described<IpSetArgs> | "ref" | "digest">>,
  Expect<Same<OutputKey<FirewallRules>, Described<FirewallRulesArgs> | "digest">>,
  Expect<Same<OutputKey<SecurityGroup>, Described<SecurityGroupArgs> | "digest">>,
  Expect<Same<OutputKey<ClusterFirewallOptions>, Described<ClusterFirewallOptionsArgs> | "digest">>,
  Expect<Same<OutputKey<NodeFirewallOptions>, Described<NodeFirewallOptionsArgs> | "digest">>,
  Expect<
    Same<
      OutputKey<GuestFirewallOptions>,
      Described<GuestFirewallOptionsArgs> | "digest" | "enforced" | "enforcementReasons"
    >
  >,
  Expect<Same<OutputKey<VnetFirewallOptions>, Described<VnetFirewallOptionsArgs> | "digest">>,
  Expect<Same<Options<NodeFirewallOptions>, OptionValues<NodeFirewallOptionsArgs>>>,
  Expect<
    Same<Options<GuestFirewallOptions, "enforced" | "enforcementReasons">, OptionValues<GuestFirewallOptionsArgs>>
  >,
  Expect<Same<Options<VnetFirewallOptions>, OptionValues<VnetFirewallOptionsArgs>>>,
  Expect<
    Same<
      Options<ClusterFirewallOptions, "logRatelimit">,
      Omit<OptionValues<ClusterFirewallOptionsArgs>, "logRatelimit">
    >
  >,
];

/** A class with one input output `name` and one computed output `ref`, as the SDK's classes declare them. */
interface Example {
  readonly name: pulumi.Output<string>;
  readonly comment: pulumi.Output<string | undefined>;
  readonly ref: pulumi.Output<string>;
}
const spec: OutputSpec<Example> = { name: "input", comment: "input", ref: "output" };

describe("resource props", () => {
  it("tie every class's outputs to its args (the type ties above are checked at build time)", () => {
    const ties: Ties["length"] = 12;
    expect(ties).toBe(12);
  });

  it("carry every output key for get(), with only the marker set and no defaults", () => {
    const props = resourceProps(spec, getArgs(), { rules: [] });
    expect(props).toEqual({ [GET_MARKER]: true });
    expect(Object.keys(props).sort()).toEqual([GET_MARKER, "comment", "name", "ref"].sort());
  });

  it("carry the args and defaults for a new resource, with computed outputs left to the provider", () => {
    const props = resourceProps(spec, { name: "office", ref: "dc/other" }, { rules: [] });
    expect(props).toEqual({ name: "office", comment: undefined, ref: undefined, rules: [] });
    expect(Object.keys(props)).toEqual(expect.arrayContaining(["name", "comment", "ref", "rules"]));
  });
});
