/**
 * Compose with a VM: the VM comes from the community Proxmox provider (`@muhlba91/pulumi-proxmoxve`),
 * its firewall from this package. The VM's `nodeName` and `vmId` outputs are the firewall scope, so
 * the firewall is applied to whatever VM ID Proxmox assigns, after the VM exists.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import * as fw from "pulumi-proxmox-firewall";

const config = new pulumi.Config();
const nodeName = config.get("node") ?? "pve1";

// A small VM whose only NIC has `firewall: true`: without it, the guest firewall filters nothing.
// (Before v8 of @muhlba91/pulumi-proxmoxve this class was `proxmoxve.vm.VirtualMachine`.)
const vm = new proxmoxve.VmLegacy("app", {
  nodeName,
  name: "app",
  cpu: { cores: 2 },
  memory: { dedicated: 2048 },
  operatingSystem: { type: "l26" },
  disks: [{ interface: "scsi0", datastoreId: "local-lvm", size: 16 }],
  networkDevices: [{ bridge: "vmbr0", model: "virtio", firewall: true }],
  started: false,
});

/** The VM's firewall scope, built from the VM's outputs. */
const scope = { node: vm.nodeName, vmid: vm.vmId };

// A guest-scope IPSet: it lives in the VM's own `<vmid>.fw` and is referenced as `+guest/app-clients`.
const clients = new fw.IpSet("app-clients", {
  scope,
  name: "app-clients",
  comment: "networks allowed to use the app",
  entries: ["192.0.2.0/24", "198.51.100.0/24"],
});

const rules = new fw.FirewallRules("app-rules", {
  scope,
  rules: [
    { action: "ACCEPT", proto: "tcp", dport: "443", source: clients.ref, comment: "https from app clients" },
    { action: "ACCEPT", macro: "SSH", source: "192.0.2.0/24", comment: "ssh from the admin LAN" },
  ],
});

const options = new fw.GuestFirewallOptions(
  "app-firewall",
  { scope, enable: true, policyIn: "DROP", macfilter: true, ipfilter: false },
  { dependsOn: [rules] },
);

/** The VM ID Proxmox assigned, which is also the firewall's scope. */
export const vmId = vm.vmId;
/** Whether the VM's traffic is filtered now, and if not, why. */
export const firewallEnforced = options.enforced;
export const enforcementReasons = options.enforcementReasons;
/** Reference to the guest IPSet for further rules of this VM. */
export const clientsRef = clients.ref;
