/**
 * Proxmox VE firewall macros (pve-firewall 6.0.4 `$pve_fw_macros` and `$pve_ipv6fw_macros`), as
 * facts in our own format. Re-exported by `pve-tables.ts`.
 *
 * @module
 */

/**
 * One rule of a macro, as Proxmox's macro table holds it. `action: 'PARAM'` means "the action of
 * the rule that uses the macro"; every other field is fixed by the macro and a rule that sets the
 * same field to a different value is rejected ("parameter 'dport' already define in macro").
 */
export interface MacroRule {
  /** `PARAM` (taken from the rule using the macro) or a fixed verdict. */
  action: "PARAM" | "ACCEPT" | "DROP" | "REJECT";
  /** Protocol name or number, as written in the macro table (e.g. `tcp`, `47`). */
  proto?: string;
  /** Destination port spec (`22`, `6881:6889`, `135,445`), or an ICMP type for ICMP macros. */
  dport?: string;
  /** Source port spec. */
  sport?: string;
  /** Fixed source address. */
  source?: string;
  /** Fixed destination address. */
  dest?: string;
}

/** A Proxmox firewall macro (`SSH`, `HTTPS`, ...), usable as a rule's `macro`. */
export interface Macro {
  /** Canonical spelling, e.g. `SSH`; Proxmox rewrites any case variant to it. */
  name: string;
  /** Proxmox's description of the macro. */
  description: string;
  /** The rules the macro expands to (for IPv6-only macros, the IPv6 rules). */
  rules: readonly MacroRule[];
  /** Rules used instead of {@link Macro.rules} when the rule using the macro is IPv6 (`Ping`, `Trcrt`). */
  ipv6Rules?: readonly MacroRule[];
  /** Set when the macro only applies to one IP version (`NeighborDiscovery`, `DHCPv6`: 6). */
  ipVersion?: 6;
}

/** Every macro Proxmox knows (IPv4 table plus IPv6-only macros), sorted case-insensitively by name. */
export const PVE_MACROS: readonly Macro[] = [
  {
    name: "Amanda",
    description: "Amanda Backup",
    rules: [
      { action: "PARAM", proto: "udp", dport: "10080" },
      { action: "PARAM", proto: "tcp", dport: "10080" },
    ],
  },
  { name: "Auth", description: "Auth (identd) traffic", rules: [{ action: "PARAM", proto: "tcp", dport: "113" }] },
  {
    name: "BGP",
    description: "Border Gateway Protocol traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "179" }],
  },
  {
    name: "BitTorrent",
    description: "BitTorrent traffic for BitTorrent 3.1 and earlier",
    rules: [
      { action: "PARAM", proto: "tcp", dport: "6881:6889" },
      { action: "PARAM", proto: "udp", dport: "6881" },
    ],
  },
  {
    name: "BitTorrent32",
    description: "BitTorrent traffic for BitTorrent 3.2 and later",
    rules: [
      { action: "PARAM", proto: "tcp", dport: "6881:6999" },
      { action: "PARAM", proto: "udp", dport: "6881" },
    ],
  },
  {
    name: "Ceph",
    description: "Ceph Storage Cluster traffic (Ceph Monitors, OSD & MDS Daemons)",
    rules: [
      { action: "PARAM", proto: "tcp", dport: "6789" },
      { action: "PARAM", proto: "tcp", dport: "3300" },
      { action: "PARAM", proto: "tcp", dport: "6800:7300" },
    ],
  },
  {
    name: "Citrix",
    description: "Citrix/ICA traffic (ICA, ICA Browser, CGP)",
    rules: [
      { action: "PARAM", proto: "tcp", dport: "1494" },
      { action: "PARAM", proto: "udp", dport: "1604" },
      { action: "PARAM", proto: "tcp", dport: "2598" },
    ],
  },
  {
    name: "CVS",
    description: "Concurrent Versions System pserver traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "2401" }],
  },
  {
    name: "DAAP",
    description: "Digital Audio Access Protocol traffic (iTunes, Rythmbox daemons)",
    rules: [
      { action: "PARAM", proto: "tcp", dport: "3689" },
      { action: "PARAM", proto: "udp", dport: "3689" },
    ],
  },
  {
    name: "DCC",
    description: "Distributed Checksum Clearinghouse spam filtering mechanism",
    rules: [{ action: "PARAM", proto: "tcp", dport: "6277" }],
  },
  {
    name: "DHCPfwd",
    description: "Forwarded DHCP traffic",
    rules: [{ action: "PARAM", proto: "udp", dport: "67:68", sport: "67:68" }],
  },
  {
    name: "DHCPv6",
    description: "DHCPv6 traffic",
    ipVersion: 6,
    rules: [{ action: "PARAM", proto: "udp", dport: "546:547", sport: "546:547" }],
  },
  {
    name: "Distcc",
    description: "Distributed Compiler service",
    rules: [{ action: "PARAM", proto: "tcp", dport: "3632" }],
  },
  {
    name: "DNS",
    description: "Domain Name System traffic (upd and tcp)",
    rules: [
      { action: "PARAM", proto: "udp", dport: "53" },
      { action: "PARAM", proto: "tcp", dport: "53" },
    ],
  },
  { name: "Finger", description: "Finger protocol (RFC 742)", rules: [{ action: "PARAM", proto: "tcp", dport: "79" }] },
  { name: "FTP", description: "File Transfer Protocol", rules: [{ action: "PARAM", proto: "tcp", dport: "21" }] },
  {
    name: "Git",
    description: "Git distributed revision control traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "9418" }],
  },
  {
    name: "GNUnet",
    description: "GNUnet secure peer-to-peer networking traffic",
    rules: [
      { action: "PARAM", proto: "tcp", dport: "2086" },
      { action: "PARAM", proto: "udp", dport: "2086" },
      { action: "PARAM", proto: "tcp", dport: "1080" },
      { action: "PARAM", proto: "udp", dport: "1080" },
    ],
  },
  {
    name: "GRE",
    description: "Generic Routing Encapsulation tunneling protocol",
    rules: [{ action: "PARAM", proto: "47" }],
  },
  {
    name: "HKP",
    description: "OpenPGP HTTP key server protocol traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "11371" }],
  },
  {
    name: "HTTP",
    description: "Hypertext Transfer Protocol (WWW)",
    rules: [{ action: "PARAM", proto: "tcp", dport: "80" }],
  },
  {
    name: "HTTPS",
    description: "Hypertext Transfer Protocol (WWW) over SSL",
    rules: [{ action: "PARAM", proto: "tcp", dport: "443" }],
  },
  {
    name: "ICPV2",
    description: "Internet Cache Protocol V2 (Squid) traffic",
    rules: [{ action: "PARAM", proto: "udp", dport: "3130" }],
  },
  {
    name: "ICQ",
    description: "AOL Instant Messenger traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "5190" }],
  },
  {
    name: "IMAP",
    description: "Internet Message Access Protocol",
    rules: [{ action: "PARAM", proto: "tcp", dport: "143" }],
  },
  {
    name: "IMAPS",
    description: "Internet Message Access Protocol over SSL",
    rules: [{ action: "PARAM", proto: "tcp", dport: "993" }],
  },
  { name: "IPIP", description: "IPIP capsulation traffic", rules: [{ action: "PARAM", proto: "94" }] },
  {
    name: "IPsec",
    description: "IPsec traffic",
    rules: [
      { action: "PARAM", proto: "udp", dport: "500", sport: "500" },
      { action: "PARAM", proto: "50" },
    ],
  },
  {
    name: "IPsecah",
    description: "IPsec authentication (AH) traffic",
    rules: [
      { action: "PARAM", proto: "udp", dport: "500", sport: "500" },
      { action: "PARAM", proto: "51" },
    ],
  },
  {
    name: "IPsecnat",
    description: "IPsec traffic and Nat-Traversal",
    rules: [
      { action: "PARAM", proto: "udp", dport: "500" },
      { action: "PARAM", proto: "udp", dport: "4500" },
      { action: "PARAM", proto: "50" },
    ],
  },
  {
    name: "IRC",
    description: "Internet Relay Chat traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "6667" }],
  },
  {
    name: "Jetdirect",
    description: "HP Jetdirect printing",
    rules: [{ action: "PARAM", proto: "tcp", dport: "9100" }],
  },
  {
    name: "L2TP",
    description: "Layer 2 Tunneling Protocol traffic",
    rules: [{ action: "PARAM", proto: "udp", dport: "1701" }],
  },
  {
    name: "LDAP",
    description: "Lightweight Directory Access Protocol traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "389" }],
  },
  {
    name: "LDAPS",
    description: "Secure Lightweight Directory Access Protocol traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "636" }],
  },
  {
    name: "Mail",
    description: "Mail traffic (SMTP, SMTPS, Submission)",
    rules: [
      { action: "PARAM", proto: "tcp", dport: "25" },
      { action: "PARAM", proto: "tcp", dport: "465" },
      { action: "PARAM", proto: "tcp", dport: "587" },
    ],
  },
  { name: "MDNS", description: "Multicast DNS", rules: [{ action: "PARAM", proto: "udp", dport: "5353" }] },
  {
    name: "MSNP",
    description: "Microsoft Notification Protocol",
    rules: [{ action: "PARAM", proto: "tcp", dport: "1863" }],
  },
  { name: "MSSQL", description: "Microsoft SQL Server", rules: [{ action: "PARAM", proto: "tcp", dport: "1433" }] },
  {
    name: "Munin",
    description: "Munin networked resource monitoring traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "4949" }],
  },
  { name: "MySQL", description: "MySQL server", rules: [{ action: "PARAM", proto: "tcp", dport: "3306" }] },
  {
    name: "NeighborDiscovery",
    description: "IPv6 neighbor solicitation, neighbor and router advertisement",
    ipVersion: 6,
    rules: [
      { action: "PARAM", proto: "icmpv6", dport: "router-solicitation" },
      { action: "PARAM", proto: "icmpv6", dport: "router-advertisement" },
      { action: "PARAM", proto: "icmpv6", dport: "neighbor-solicitation" },
      { action: "PARAM", proto: "icmpv6", dport: "neighbor-advertisement" },
    ],
  },
  { name: "NNTP", description: "NNTP traffic (Usenet).", rules: [{ action: "PARAM", proto: "tcp", dport: "119" }] },
  {
    name: "NNTPS",
    description: "Encrypted NNTP traffic (Usenet)",
    rules: [{ action: "PARAM", proto: "tcp", dport: "563" }],
  },
  {
    name: "NTP",
    description: "Network Time Protocol (ntpd)",
    rules: [{ action: "PARAM", proto: "udp", dport: "123" }],
  },
  { name: "OpenVPN", description: "OpenVPN traffic", rules: [{ action: "PARAM", proto: "udp", dport: "1194" }] },
  { name: "OSPF", description: "OSPF multicast traffic", rules: [{ action: "PARAM", proto: "89" }] },
  {
    name: "PCA",
    description: "Symantec PCAnywere (tm)",
    rules: [
      { action: "PARAM", proto: "udp", dport: "5632" },
      { action: "PARAM", proto: "tcp", dport: "5631" },
    ],
  },
  {
    name: "Ping",
    description: "ICMP echo request",
    rules: [{ action: "PARAM", proto: "icmp", dport: "echo-request" }],
    ipv6Rules: [{ action: "PARAM", proto: "icmpv6", dport: "echo-request" }],
  },
  {
    name: "PMG",
    description: "Proxmox Mail Gateway web interface",
    rules: [{ action: "PARAM", proto: "tcp", dport: "8006" }],
  },
  { name: "POP3", description: "POP3 traffic", rules: [{ action: "PARAM", proto: "tcp", dport: "110" }] },
  { name: "POP3S", description: "Encrypted POP3 traffic", rules: [{ action: "PARAM", proto: "tcp", dport: "995" }] },
  { name: "PostgreSQL", description: "PostgreSQL server", rules: [{ action: "PARAM", proto: "tcp", dport: "5432" }] },
  {
    name: "PPtP",
    description: "Point-to-Point Tunneling Protocol",
    rules: [
      { action: "PARAM", proto: "47" },
      { action: "PARAM", proto: "tcp", dport: "1723" },
    ],
  },
  {
    name: "Printer",
    description: "Line Printer protocol printing",
    rules: [{ action: "PARAM", proto: "tcp", dport: "515" }],
  },
  { name: "Razor", description: "Razor Antispam System", rules: [{ action: "PARAM", proto: "tcp", dport: "2703" }] },
  {
    name: "Rdate",
    description: "Remote time retrieval (rdate)",
    rules: [{ action: "PARAM", proto: "tcp", dport: "37" }],
  },
  {
    name: "RDP",
    description: "Microsoft Remote Desktop Protocol traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "3389" }],
  },
  {
    name: "RIP",
    description: "Routing Information Protocol (bidirectional)",
    rules: [{ action: "PARAM", proto: "udp", dport: "520" }],
  },
  {
    name: "RNDC",
    description: "BIND remote management protocol",
    rules: [{ action: "PARAM", proto: "tcp", dport: "953" }],
  },
  { name: "Rsync", description: "Rsync server", rules: [{ action: "PARAM", proto: "tcp", dport: "873" }] },
  { name: "SANE", description: "SANE network scanning", rules: [{ action: "PARAM", proto: "tcp", dport: "6566" }] },
  {
    name: "SixXS",
    description: "SixXS IPv6 Deployment and Tunnel Broker",
    rules: [
      { action: "PARAM", proto: "tcp", dport: "3874" },
      { action: "PARAM", proto: "udp", dport: "3740" },
      { action: "PARAM", proto: "41" },
      { action: "PARAM", proto: "udp", dport: "5072,8374" },
    ],
  },
  {
    name: "SMB",
    description: "Microsoft SMB traffic",
    rules: [
      { action: "PARAM", proto: "udp", dport: "135,445" },
      { action: "PARAM", proto: "udp", dport: "137:139" },
      { action: "PARAM", proto: "udp", dport: "1024:65535", sport: "137" },
      { action: "PARAM", proto: "tcp", dport: "135,139,445" },
    ],
  },
  {
    name: "SMBswat",
    description: "Samba Web Administration Tool",
    rules: [{ action: "PARAM", proto: "tcp", dport: "901" }],
  },
  {
    name: "SMTP",
    description: "Simple Mail Transfer Protocol",
    rules: [{ action: "PARAM", proto: "tcp", dport: "25" }],
  },
  {
    name: "SMTPS",
    description: "Encrypted Simple Mail Transfer Protocol",
    rules: [{ action: "PARAM", proto: "tcp", dport: "465" }],
  },
  {
    name: "SNMP",
    description: "Simple Network Management Protocol",
    rules: [
      { action: "PARAM", proto: "udp", dport: "161:162" },
      { action: "PARAM", proto: "tcp", dport: "161" },
    ],
  },
  {
    name: "SPAMD",
    description: "Spam Assassin SPAMD traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "783" }],
  },
  {
    name: "SPICEproxy",
    description: "Proxmox VE SPICE display proxy traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "3128" }],
  },
  { name: "Squid", description: "Squid web proxy traffic", rules: [{ action: "PARAM", proto: "tcp", dport: "3128" }] },
  { name: "SSH", description: "Secure shell traffic", rules: [{ action: "PARAM", proto: "tcp", dport: "22" }] },
  {
    name: "Submission",
    description: "Mail message submission traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "587" }],
  },
  {
    name: "SVN",
    description: "Subversion server (svnserve)",
    rules: [{ action: "PARAM", proto: "tcp", dport: "3690" }],
  },
  {
    name: "Syslog",
    description: "Syslog protocol (RFC 5424) traffic",
    rules: [
      { action: "PARAM", proto: "udp", dport: "514" },
      { action: "PARAM", proto: "tcp", dport: "514" },
    ],
  },
  { name: "Telnet", description: "Telnet traffic", rules: [{ action: "PARAM", proto: "tcp", dport: "23" }] },
  { name: "Telnets", description: "Telnet over SSL", rules: [{ action: "PARAM", proto: "tcp", dport: "992" }] },
  {
    name: "TFTP",
    description: "Trivial File Transfer Protocol traffic",
    rules: [{ action: "PARAM", proto: "udp", dport: "69" }],
  },
  { name: "Time", description: "RFC 868 Time protocol", rules: [{ action: "PARAM", proto: "tcp", dport: "37" }] },
  {
    name: "Trcrt",
    description: "Traceroute (for up to 30 hops) traffic",
    rules: [
      { action: "PARAM", proto: "udp", dport: "33434:33524" },
      { action: "PARAM", proto: "icmp", dport: "echo-request" },
    ],
    ipv6Rules: [
      { action: "PARAM", proto: "udp", dport: "33434:33524" },
      { action: "PARAM", proto: "icmpv6", dport: "echo-request" },
    ],
  },
  {
    name: "VNC",
    description: "VNC traffic for VNC display's 0 - 99",
    rules: [{ action: "PARAM", proto: "tcp", dport: "5900:5999" }],
  },
  {
    name: "VNCL",
    description: "VNC traffic from Vncservers to Vncviewers in listen mode",
    rules: [{ action: "PARAM", proto: "tcp", dport: "5500" }],
  },
  {
    name: "Web",
    description: "WWW traffic (HTTP and HTTPS)",
    rules: [
      { action: "PARAM", proto: "tcp", dport: "80" },
      { action: "PARAM", proto: "tcp", dport: "443" },
    ],
  },
  {
    name: "Webcache",
    description: "Web Cache/Proxy traffic (port 8080)",
    rules: [{ action: "PARAM", proto: "tcp", dport: "8080" }],
  },
  { name: "Webmin", description: "Webmin traffic", rules: [{ action: "PARAM", proto: "tcp", dport: "10000" }] },
  {
    name: "Whois",
    description: "Whois (nicname, RFC 3912) traffic",
    rules: [{ action: "PARAM", proto: "tcp", dport: "43" }],
  },
];

/** The macro named `name`, matched case-insensitively as Proxmox does (`ssh` finds `SSH`). */
export function lookupMacro(name: string): Macro | undefined {
  const lower = name.toLowerCase();
  return PVE_MACROS.find((m) => m.name.toLowerCase() === lower);
}
