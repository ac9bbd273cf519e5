/**
 * Packets to, from and between guests: the per-NIC chains (`tap<vmid>i<N>-IN/OUT`), their
 * built-in rules (DHCP, MAC/IP filter, NDP, RA) and policies (Firewall.pm `ruleset_create_vm_chain`,
 * `generate_tap_rules_direction`), and the bridge path of SIMULATOR.md §2.
 */
import { PacketError } from "../../../provider/policy/route";
import { clusterOn, runCases, simulator } from "./helpers";

const CLUSTER = clusterOn(`
[RULES]
IN ACCEPT -p tcp -dport 7000
`);

const VM100 = `[OPTIONS]
enable: 1

[IPSET ipfilter-net1]
10.1.1.0/24

[RULES]
IN ACCEPT -p tcp -dport 443
IN ACCEPT -i net1 -p tcp -dport 8443
IN REJECT -p tcp -dport 444
OUT DROP -p tcp -dport 25
OUT REJECT -dest 203.0.113.53 -p udp -dport 53
IN ACCEPT -source 10.0.0.200 -p tcp -dport 5432
`;

const VM101 = `[OPTIONS]
enable: 1
policy_in: ACCEPT

[RULES]
OUT DROP -p tcp -dport 9999
`;

const CT200 = `[OPTIONS]
enable: 1
ipfilter: 1
policy_in: REJECT

[RULES]
IN ACCEPT -p tcp -dport 22
`;

const build = () =>
  simulator({
    cluster: CLUSTER,
    guests: { "100": VM100, "101": VM101, "200": CT200, "102": "[OPTIONS]\nenable: 1\n" },
  });
const guestRule = (vmid: number, pos: number) => ({ kind: "rule", level: "guest", vmid, pos });
const guestPolicy = (vmid: number, option: string, value: string) => ({
  kind: "policy",
  level: "guest",
  vmid,
  option,
  value,
});

describe("guest rules and policies", () => {
  runCases(build, [
    {
      it: "accepts by a guest IN rule",
      packet: { from: "outside", to: "vm100", dport: 443 },
      action: "ACCEPT",
      by: { ...guestRule(100, 0), chain: "tap100i0-IN" },
    },
    {
      it: "drops at the guest's default policy_in DROP",
      packet: { from: "outside", to: "vm100", dport: 80 },
      action: "DROP",
      by: guestPolicy(100, "policy_in", "DROP"),
    },
    {
      it: "applies a -i net1 rule on net1 (vm100i1)",
      packet: { from: "outside", to: "vm100i1", dport: 8443 },
      action: "ACCEPT",
      by: { ...guestRule(100, 1), chain: "tap100i1-IN" },
    },
    {
      it: "leaves a -i net1 rule out of net0's chain",
      packet: { from: "outside", to: "vm100", dport: 8443 },
      action: "DROP",
      by: guestPolicy(100, "policy_in", "DROP"),
    },
    {
      it: "rejects TCP by a guest REJECT rule",
      packet: { from: "outside", to: "vm100", dport: 444 },
      action: "REJECT",
      by: guestRule(100, 2),
    },
    {
      it: "never applies cluster rules to guests (they live in the host chains only)",
      packet: { from: "outside", to: "vm100", dport: 7000 },
      action: "DROP",
      by: guestPolicy(100, "policy_in", "DROP"),
    },
    {
      it: "drops by a guest OUT rule",
      packet: { from: "vm100", to: "outside", dport: 25 },
      action: "DROP",
      by: { ...guestRule(100, 3), chain: "tap100i0-OUT" },
    },
    {
      it: "accepts outbound at the guest's default policy_out ACCEPT",
      packet: { from: "vm100", to: "outside", dport: 80 },
      action: "ACCEPT",
      by: guestPolicy(100, "policy_out", "ACCEPT"),
    },
    {
      it: "rejects by an OUT rule that names a destination",
      packet: { from: "vm100", to: "outside", dest: "203.0.113.53", proto: "udp", dport: 53 },
      action: "REJECT",
      by: guestRule(100, 4),
    },
    {
      it: "accepts at policy_in ACCEPT of guest 101",
      packet: { from: "outside", to: "vm101", dport: 80 },
      action: "ACCEPT",
      by: guestPolicy(101, "policy_in", "ACCEPT"),
    },
    {
      it: "drops by guest 101's OUT rule",
      packet: { from: "vm101", to: "outside", dport: 9999 },
      action: "DROP",
      by: guestRule(101, 0),
    },
    {
      it: "checks net1's OUT chain and then net0's IN chain between two NICs of one guest",
      packet: { from: "vm100i1", to: "vm100", source: "10.1.1.9", dport: 443 },
      action: "ACCEPT",
      by: guestRule(100, 0),
    },
  ]);
});

describe("guest paths", () => {
  runCases(build, [
    {
      it: "checks guest OUT and then HOST-IN for guest -> host (the cluster policy drops it)",
      packet: { from: "vm100", to: "host", dport: 22 },
      action: "DROP",
      by: { kind: "policy", level: "cluster", option: "policy_in" },
    },
    {
      it: "lets cluster rules decide guest -> host traffic (HOST-IN applies to it)",
      packet: { from: "vm100", to: "host", dport: 7000 },
      action: "ACCEPT",
      by: { kind: "rule", level: "cluster", pos: 0 },
    },
    {
      it: "checks HOST-OUT and then the guest IN chain for host -> guest",
      packet: { from: "host", to: "vm100", dport: 443 },
      action: "ACCEPT",
      by: guestRule(100, 0),
    },
    {
      it: "drops host -> guest at the guest's policy although HOST-OUT accepts",
      packet: { from: "host", to: "vm100", dport: 80 },
      action: "DROP",
      by: guestPolicy(100, "policy_in", "DROP"),
    },
    {
      it: "checks the sender's OUT and the receiver's IN chain between guests on one bridge",
      packet: { from: "ct200", to: "vm100", source: "10.0.0.200", dport: 5432 },
      action: "ACCEPT",
      by: guestRule(100, 5),
    },
    {
      it: "routes between bridges without consulting host rules (vm100 on vmbr0 -> vm101 on vmbr1)",
      packet: { from: "vm100", to: "vm101", dport: 7000 },
      action: "ACCEPT",
      by: guestPolicy(101, "policy_in", "ACCEPT"),
    },
    {
      it: "does not filter a guest NIC without firewall=1 (plugged straight into the bridge)",
      packet: { from: "outside", to: "vm102", dport: 22 },
      action: "ACCEPT",
      by: { kind: "gate", gate: "nic-no-firewall" },
    },
    {
      it: "does not filter net2 of guest 100, which lacks firewall=1, although net0 is filtered",
      packet: { from: "outside", to: "vm100i2", dport: 80 },
      action: "ACCEPT",
      by: { kind: "gate", gate: "nic-no-firewall" },
    },
    {
      it: "does not filter outside -> nfvm (only PVEFW-FORWARD's conntrack rules)",
      packet: { from: "outside", to: "nfvm", dport: 22 },
      action: "ACCEPT",
      by: { kind: "unfiltered" },
    },
    {
      it: "does not filter nfvm -> outside",
      packet: { from: "nfvm", to: "outside", dport: 22 },
      action: "ACCEPT",
      by: { kind: "unfiltered" },
    },
  ]);

  it("fails for a guest on another node, naming the node to simulate", () => {
    expect(() => build().simulate({ from: "outside", to: "vm300" })).toThrow(
      new PacketError("'vm300': guest 300 runs on node pve2; simulate that node (--node pve2)"),
    );
  });
});

describe("guest built-ins: DHCP and the IP filter", () => {
  runCases(build, [
    {
      it: "accepts DHCP offers into a guest (dhcp unset means on)",
      packet: { from: "outside", to: "vm100", proto: "udp", sport: 67, dport: 68 },
      action: "ACCEPT",
      by: { kind: "implicit", name: "dhcp", chain: "tap100i0-IN" },
    },
    {
      it: "accepts a source inside ipfilter-net1 (the set exists, so net1 is filtered)",
      packet: { from: "vm100i1", to: "outside", source: "10.1.1.5", dport: 80 },
      action: "ACCEPT",
      by: guestPolicy(100, "policy_out", "ACCEPT"),
    },
    {
      it: "drops a source outside ipfilter-net1 even without the ipfilter option",
      packet: { from: "vm100i1", to: "outside", source: "10.2.2.2", dport: 80 },
      action: "DROP",
      by: { kind: "implicit", name: "ipfilter", chain: "tap100i1-OUT" },
    },
    {
      it: "does not filter net0's source (no ipfilter option and no ipfilter-net0 set)",
      packet: { from: "vm100", to: "outside", source: "10.2.2.2", dport: 80 },
      action: "ACCEPT",
      by: guestPolicy(100, "policy_out", "ACCEPT"),
    },
    {
      it: "accepts outbound DHCP before the IP filter",
      packet: { from: "vm100i1", to: "outside", source: "0.0.0.0", proto: "udp", sport: 68, dport: 67 },
      action: "ACCEPT",
      by: { kind: "implicit", name: "dhcp", chain: "tap100i1-OUT" },
    },
    {
      it: "accepts a container's own configured ip= under ipfilter: 1 (Proxmox adds it to the set)",
      packet: { from: "ct200", to: "outside", source: "10.0.0.200", dport: 80 },
      action: "ACCEPT",
      by: guestPolicy(200, "policy_out", "ACCEPT"),
    },
    {
      it: "drops another source from the container under ipfilter: 1 (Proxmox's default source is not its address)",
      packet: { from: "ct200", to: "outside", dport: 80 },
      action: "DROP",
      by: { kind: "implicit", name: "ipfilter", chain: "veth200i0-OUT" },
    },
    {
      it: "accepts the container's configured ip6= under ipfilter: 1",
      packet: { from: "ct200", to: "outside", source: "2001:db8:5::200", dport: 80 },
      action: "ACCEPT",
      by: guestPolicy(200, "policy_out", "ACCEPT"),
    },
    {
      it: "accepts SSH into the container by its rule",
      packet: { from: "outside", to: "ct200", dport: 22 },
      action: "ACCEPT",
      by: { ...guestRule(200, 0), chain: "veth200i0-IN" },
    },
    {
      it: "rejects other TCP at the container's policy_in REJECT",
      packet: { from: "outside", to: "ct200", dport: 23 },
      action: "REJECT",
      by: guestPolicy(200, "policy_in", "REJECT"),
    },
    {
      it: "drops ICMP at policy_in REJECT (PVEFW-reject drops ICMP)",
      packet: { from: "outside", to: "ct200", proto: "icmp", dport: "echo-request" },
      action: "DROP",
      by: guestPolicy(200, "policy_in", "REJECT"),
    },
  ]);
});

describe("guest built-ins: ipfilter on a VM without a set, NDP and RA", () => {
  const vm = `[OPTIONS]\nenable: 1\nipfilter: 1\n`;
  const ll = "fe80::be24:11ff:fe00:64";
  runCases(
    () => simulator({ cluster: CLUSTER, guests: { "100": vm } }),
    [
      {
        it: "drops every IPv4 source of a VM with ipfilter: 1 and no ipfilter-net0 set",
        packet: { from: "vm100", to: "outside", source: "192.0.2.77", dport: 80 },
        action: "DROP",
        by: { kind: "implicit", name: "ipfilter" },
      },
      {
        it: "still accepts DHCP from that VM (DHCP comes before the IP filter)",
        packet: { from: "vm100", to: "outside", source: "0.0.0.0", proto: "udp", sport: 68, dport: 67 },
        action: "ACCEPT",
        by: { kind: "implicit", name: "dhcp" },
      },
      {
        it: "accepts the NIC's own EUI-64 link-local address (always in the IPv6 filter set)",
        packet: { from: "vm100", to: "outside", source: ll, dport: 80 },
        action: "ACCEPT",
        by: guestPolicy(100, "policy_out", "ACCEPT"),
      },
      {
        it: "drops another link-local source (fe80::/10 is a nomatch entry)",
        packet: { from: "vm100", to: "outside", source: "fe80::1", dport: 80 },
        action: "DROP",
        by: { kind: "implicit", name: "ipfilter" },
      },
      {
        it: "drops a router advertisement from the guest before the IP filter (radv is off)",
        packet: { from: "vm100", to: "outside", source: ll, proto: "icmpv6", dport: "router-advertisement" },
        action: "DROP",
        by: { kind: "implicit", name: "radv" },
      },
      {
        it: "accepts IPv6 neighbour solicitation into the guest (ndp is on by default)",
        packet: {
          from: "outside",
          to: "vm100",
          source: "fe80::1",
          dest: ll,
          proto: "icmpv6",
          dport: "neighbor-solicitation",
        },
        action: "ACCEPT",
        by: { kind: "implicit", name: "ndp" },
      },
      {
        it: "drops other IPv6 into the guest at its policy",
        packet: { from: "outside", to: "vm100", source: "2001:db8:9::1", dest: "2001:db8:9::64", dport: 443 },
        action: "DROP",
        by: guestPolicy(100, "policy_in", "DROP"),
      },
    ],
  );
});

describe("guest options dhcp: 0, ndp: 0, radv: 1 and ips: 1", () => {
  const vm = `[OPTIONS]\nenable: 1\ndhcp: 0\nndp: 0\nradv: 1\nips: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 443\n`;
  runCases(
    () => simulator({ cluster: CLUSTER, guests: { "100": vm } }),
    [
      {
        it: "drops DHCP offers when the guest option dhcp is 0",
        packet: { from: "outside", to: "vm100", proto: "udp", sport: 67, dport: 68 },
        action: "DROP",
        by: guestPolicy(100, "policy_in", "DROP"),
      },
      {
        it: "drops neighbour solicitation when the guest option ndp is 0",
        packet: {
          from: "outside",
          to: "vm100",
          source: "fe80::1",
          dest: "fe80::2",
          proto: "icmpv6",
          dport: "neighbor-solicitation",
        },
        action: "DROP",
        by: guestPolicy(100, "policy_in", "DROP"),
      },
      {
        it: "lets the guest send router advertisements when radv is 1",
        packet: {
          from: "vm100",
          to: "outside",
          source: "fe80::1",
          dest: "ff02::1",
          proto: "icmpv6",
          dport: "router-advertisement",
        },
        action: "ACCEPT",
        by: guestPolicy(100, "policy_out", "ACCEPT"),
      },
      {
        it: "accepts into the IPS queue with ips: 1 (NFQUEUE; Suricata has the last word)",
        packet: { from: "outside", to: "vm100", dport: 443 },
        action: "ACCEPT",
        by: { ...guestRule(100, 0), note: expect.stringContaining("NFQUEUE") },
      },
    ],
  );
});
