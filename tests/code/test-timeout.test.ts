// The preload gives every test file, not only the first of a run, a 30 s default timeout
// (tests/helpers/preload.ts). With Bun's own 5 s default this test times out whenever it
// is not the first file of the run, as it is in `bun test`.
import { expect, test } from "bun:test";

test("a test file past the first gets the preload's default timeout, not Bun's 5 s", async () => {
  const started = performance.now();
  await Bun.sleep(5_200);
  expect(performance.now() - started).toBeGreaterThan(5_000);
});
