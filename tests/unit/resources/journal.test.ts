import { ApiError, NetworkError } from "../../../provider/errors";
import { MAX_UNSETTLED_IN_A_ROW, MIN_REREAD_BUDGET, WriteJournal } from "../../../provider/resources/journal";

const ADD = { key: "addEntry", verb: "added", singular: "entry", plural: "entries" };
const DEL = { key: "deleteEntry", verb: "deleted", singular: "entry", plural: "entries" };

/** A 500 that does not say whether the write was applied. */
const unclear = () => new ApiError({ method: "POST", path: "/x", status: 500, pveMessage: "disk full" });
/** A 400: Proxmox refused the write whole. */
const refused = () => new ApiError({ method: "POST", path: "/x", status: 400, pveMessage: "bad" });

const fail = (e: Error) => () => Promise.reject(e);
const ok = () => Promise.resolve();

describe("WriteJournal", () => {
  it("summarises every tallied write of one kind in one phrase, where the first one was", async () => {
    const j = new WriteJournal();
    j.expect(1);
    j.expect(3, ADD);
    j.expect(1, DEL);
    await j.write("created the set", ok);
    await j.write("added entry a", ok, ADD);
    await j.write("deleted entry z", ok, DEL);
    await j.write("added entry b", ok, ADD);
    expect(j.summary()).toBe("4 of 5 writes (created the set; added 2 of 3 entries; deleted 1 entry)");
  });

  it("records a write of unknown outcome until a read settles it", async () => {
    const j = new WriteJournal();
    j.expect(2, ADD);
    await j.write("added entry a", ok, ADD);
    await expect(j.write("added entry b", fail(unclear()), ADD)).rejects.toThrow("disk full");
    expect(j.summary()).toBe(
      "1 of 2 writes (added 1 of 2 entries); the next write got no clear answer, so it may have been applied too (added 1 entry)",
    );
    j.settle("added entry b", true);
    expect(j.summary()).toBe("2 of 2 writes (added 2 entries)");
  });

  it("keeps a write settled as not landed among the planned ones until the next plan", async () => {
    const j = new WriteJournal();
    j.expect(1);
    await expect(
      j.write(
        "deleted rule 1",
        fail(new NetworkError({ method: "DELETE", path: "/x", status: 0, pveMessage: "socket hang up" })),
      ),
    ).rejects.toThrow();
    expect(j.touched).toBe(true);
    j.settle("deleted rule 1", false);
    expect(j.touched).toBe(false);
    expect(j.summary()).toBe("0 of 1 writes");
    j.expect(1); // the re-plan holds it again
    expect(j.summary()).toBe("0 of 1 writes");
  });

  it("does not record a refused write as possibly applied", async () => {
    const j = new WriteJournal();
    j.expect(1);
    await expect(j.write("created alias a", fail(refused()))).rejects.toThrow("bad");
    expect(j.touched).toBe(false);
  });

  it(`fails ${MAX_UNSETTLED_IN_A_ROW} writes of unknown outcome in a row, and resets the count when one lands`, async () => {
    const j = new WriteJournal();
    j.expect(1);
    const e = unclear();
    for (let i = 1; i < MAX_UNSETTLED_IN_A_ROW; i++) expect(() => j.allowRetry(e)).not.toThrow();
    await j.write("updated rule 0", ok);
    for (let i = 1; i < MAX_UNSETTLED_IN_A_ROW; i++) expect(() => j.allowRetry(e)).not.toThrow();
    expect(() => j.allowRetry(e)).toThrow(e);
  });

  it("fails once the re-reads exceed a quarter of the most writes planned (at least the minimum)", async () => {
    const j = new WriteJournal();
    j.expect(4 * (MIN_REREAD_BUDGET + 2), ADD);
    const e = unclear();
    for (let i = 0; i < MIN_REREAD_BUDGET + 2; i++) {
      await j.write(`added entry ${i}`, ok, ADD);
      expect(() => j.allowRetry(e)).not.toThrow();
    }
    await j.write("added entry last", ok, ADD);
    expect(() => j.allowRetry(e)).toThrow(e);
  });

  it("sends a settled write again only when the read shows it did not land", async () => {
    const j = new WriteJournal();
    j.expect(1);
    let sent = 0;
    let server = 0;
    await j.writeSettled(
      "created alias a",
      async () => {
        sent++;
        if (sent === 1) throw unclear(); // not applied
        server++;
        if (sent === 2) throw new NetworkError({ method: "POST", path: "/x", status: 0, pveMessage: "socket hang up" }); // applied
      },
      async () => server > 0,
    );
    expect({ sent, server }).toEqual({ sent: 2, server: 1 });
    expect(j.summary()).toBe("1 of 1 writes (created alias a)");
  });
});
