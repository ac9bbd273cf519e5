import { readFileSync } from "node:fs";
import { join } from "node:path";
import { aliasSchema } from "../../../provider/model/alias";
import { groupSchema } from "../../../provider/model/group";
import { ipSetEntrySchema, ipSetSchema } from "../../../provider/model/ipset";
import { OPTIONS_SCHEMAS, optionWireName } from "../../../provider/model/options";
import { ruleSchema } from "../../../provider/model/rule";
import { ruleFieldsSchema } from "../../../provider/model/wire";

interface ApiPath {
  path: string;
  methods: Record<string, { parameters: Record<string, { in?: string }> }>;
}

/** The API schema the package ships (the emulator serves it), never a file outside the repository. */
const api = JSON.parse(readFileSync(join(__dirname, "../../../emulator/schema/firewall-api.json"), "utf8")) as {
  paths: ApiPath[];
};

/** Parameters that belong to an operation, not to the stored object. */
const OPERATION_PARAMS = new Set(["digest", "pos", "moveto", "delete", "rename", "force"]);

function writeParams(pattern: RegExp): Set<string> {
  const names = new Set<string>();
  for (const entry of api.paths) {
    if (!pattern.test(entry.path)) continue;
    for (const [method, def] of Object.entries(entry.methods)) {
      if (method !== "POST" && method !== "PUT") continue;
      for (const [name, param] of Object.entries(def.parameters)) {
        if (param.in !== "path" && !OPERATION_PARAMS.has(name)) names.add(name);
      }
    }
  }
  return names;
}

const inputName = (wire: string) => (wire === "icmp-type" ? "icmpType" : wire);

describe("firewall-api.json coverage", () => {
  it("covers every rule parameter in the wire and input schemas", () => {
    const params = writeParams(/\/(rules|groups\/\{group\})(\/\{pos\})?$/);
    expect(params.size).toBeGreaterThan(10);
    for (const name of params) {
      expect(Object.keys(ruleFieldsSchema.shape)).toContain(name);
      expect(Object.keys(ruleSchema.shape)).toContain(inputName(name));
    }
  });

  it("covers every ipset and ipset-entry parameter", () => {
    const setParams = writeParams(/\/ipset$/);
    const entryParams = writeParams(/\/ipset\/\{name\}(\/\{cidr\})?$/);
    for (const name of setParams) expect(Object.keys(ipSetSchema.shape)).toContain(name);
    for (const name of entryParams) expect(Object.keys(ipSetEntrySchema.shape)).toContain(name);
  });

  it("covers every alias parameter", () => {
    for (const name of writeParams(/\/aliases(\/\{name\})?$/)) expect(Object.keys(aliasSchema.shape)).toContain(name);
  });

  it("covers every security group parameter", () => {
    for (const name of writeParams(/\/groups$/))
      expect(Object.keys(groupSchema.shape)).toContain(name === "group" ? "name" : name);
  });

  it.each([
    ["cluster", /^\/cluster\/firewall\/options$/],
    ["node", /^\/nodes\/\{node\}\/firewall\/options$/],
    ["vm", /^\/nodes\/\{node\}\/(qemu|lxc)\/\{vmid\}\/firewall\/options$/],
    ["vnet", /^\/cluster\/sdn\/vnets\/\{vnet\}\/firewall\/options$/],
  ] as const)("covers exactly the %s options", (kind, pattern) => {
    const wireNames = Object.keys(OPTIONS_SCHEMAS[kind].shape).map(optionWireName).sort();
    expect(wireNames).toEqual([...writeParams(pattern)].sort());
  });
});
