import { entrySubject, mergeWarnings, ruleSubject } from "../../../provider/codegen/snapshot";

describe("mergeWarnings", () => {
  const file = "firewall/cluster.fw";

  it("keeps one warning per object: the generator's, at the reader's line", () => {
    const read = [
      { file, line: 4, message: "can't parse option 'x: 1'" },
      { file, line: 9, message: "ipset 'a': entry 'dc/x': no such alias 'x'", subject: entrySubject("a", 2) },
      { file, message: "cluster rules[1].source: no such ipset 'b'", subject: ruleSubject({ kind: "cluster" }, 1) },
    ];
    const generated = [{ file, message: "ipset 'a': entry 'dc/x' is left out", subject: entrySubject("A", 2) }];
    expect(mergeWarnings(read, generated)).toEqual([
      read[0],
      read[2],
      { file, line: 9, message: "ipset 'a': entry 'dc/x' is left out", subject: "entry a 2" },
    ]);
  });

  it("keeps the reader's warning about the same object of another file", () => {
    const read = [{ file: "firewall/100.fw", message: "x", subject: ruleSubject({ kind: "cluster" }, 0) }];
    const generated = [{ file, message: "y", subject: ruleSubject({ kind: "cluster" }, 0) }];
    expect(mergeWarnings(read, generated)).toEqual([...read, ...generated]);
  });
});
