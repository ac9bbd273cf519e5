/**
 * Public surface of the firewall models: schemas, wire codecs, canonical forms and validation of
 * every object kind, plus scopes, wire shapes and Proxmox reference tables.
 *
 * @module
 */
export * from "./alias";
export * from "./common";
export * from "./fields";
export * from "./group";
export * from "./input";
export * from "./ip";
export * from "./ipset";
export * from "./options";
export * from "./pve-tables";
export * from "./rule";
export * from "./scope";
export * from "./wire";
