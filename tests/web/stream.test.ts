// The client's position in a conversation's stream: contiguous numbers move it, a hole
// is seen from the numbers themselves, and a catch-up closes it.
import { expect, test } from "bun:test";
import { caughtUp, hasGap, observe, startAt } from "../../packages/parley-client/src/stream.ts";

test("numbers in order move the position; repeats and old ones change nothing", () => {
  let position = startAt(4);
  position = observe(position, 5);
  position = observe(position, 6);
  expect(position).toEqual({ held: 6, ahead: [] });
  expect(observe(position, 6)).toBe(position);
  expect(observe(position, 2)).toBe(position);
  expect(hasGap(position)).toBe(false);
});

test("n + 2 while holding n is a gap; n + 1 arriving late closes it", () => {
  let position = observe(startAt(10), 12);
  expect(position).toEqual({ held: 10, ahead: [12] });
  expect(hasGap(position)).toBe(true);
  position = observe(position, 13);
  position = observe(position, 11);
  expect(position).toEqual({ held: 13, ahead: [] });
  expect(hasGap(position)).toBe(false);
});

test("a catch-up moves to its number and keeps what arrived beyond it", () => {
  let position = observe(observe(startAt(3), 7), 9);
  // history.changes after 3 answered up to 7 (9 committed after its snapshot).
  position = caughtUp(position, 7);
  expect(position).toEqual({ held: 7, ahead: [9] });
  expect(hasGap(position)).toBe(true);
  position = caughtUp(position, 8);
  expect(position).toEqual({ held: 9, ahead: [] });
  // A catch-up that is behind what is held changes nothing.
  expect(caughtUp(position, 5)).toEqual({ held: 9, ahead: [] });
});
