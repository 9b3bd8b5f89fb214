// The composer's checks before an upload, and how sizes and types are worded on a chip.
import { expect, test } from "bun:test";
import { checkUpload, fileKind, formatSize, refusalOfStatus } from "../../web/src/lib/uploads.ts";

const limits = { maxUpload: 25_000_000, quota: 100_000_000, used: 90_000_000 };

test("a file over MAX_UPLOAD or past the quota is refused before a byte is sent", () => {
  expect(checkUpload(25_000_001, limits)).toEqual({ kind: "tooLarge", max: 25_000_000 });
  expect(checkUpload(9_000_000, limits)).toBeNull();
  // Uploads still running count against what is left.
  expect(checkUpload(9_000_000, limits, 2_000_000)).toEqual({
    kind: "overQuota",
    quota: 100_000_000,
    used: 92_000_000,
  });
  expect(checkUpload(20_000_000, { ...limits, quota: 0 })).toBeNull();
  expect(checkUpload(0, limits)).toEqual({ kind: "empty" });
  // Limits unknown (the request failed): the server decides.
  expect(checkUpload(10 ** 12, null)).toBeNull();
});

test("the server's refusals become the same sentences", () => {
  expect(refusalOfStatus(413, 30_000_000, limits)).toEqual({ kind: "tooLarge", max: 25_000_000 });
  expect(refusalOfStatus(413, 20_000_000, limits)).toEqual({ kind: "overQuota", quota: 100_000_000, used: 90_000_000 });
  expect(refusalOfStatus(415, 10, limits)).toEqual({ kind: "program" });
  expect(refusalOfStatus(500, 10, limits)).toBeNull();
  expect(refusalOfStatus(0, 10, limits)).toBeNull();
});

test("sizes in the reader's language, kinds from the type or the name", () => {
  expect(formatSize("en", 26_214_400)).toBe("26.2 MB");
  expect(formatSize("de", 26_214_400)).toBe("26,2 MB");
  expect(formatSize("en", 11)).toBe("11 bytes");
  expect(fileKind("application/pdf", "x.pdf")).toBe("PDF");
  expect(fileKind("application/octet-stream", "notes.txt")).toBe("TXT");
  expect(fileKind("application/octet-stream", "README")).toBe("");
});
