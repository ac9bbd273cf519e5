import { isErrorDump } from "../../provider/runner/cli";

describe("isErrorDump", () => {
  it("recognises the provider host's dump of a failed call and nothing else", () => {
    expect(isErrorDump("Error: read: cluster: fetch failed: Error: read: cluster: fetch failed")).toBe(true);
    expect(isErrorDump("InputError: name: bad: InputError: name: bad")).toBe(true);
    expect(isErrorDump("    at ResourceProviderImpl.read (/x/framework.js:80:11)")).toBe(true);
    expect(isErrorDump("the create will finish this resource's own half-made object")).toBe(false);
    expect(isErrorDump("warning: Error: lines are kept")).toBe(false);
  });
});
