// Placing a top-layer popover (the emoji picker) beside its anchor, inside the viewport.
import { describe, expect, test } from "bun:test";
import { placeNear } from "../../web/src/lib/place-near.ts";

const viewport = { width: 1000, height: 800 };
const size = { width: 300, height: 200 };
const anchor = (top: number, left: number, width = 100, height = 30) => ({
  top,
  left,
  right: left + width,
  bottom: top + height,
});

describe("placeNear", () => {
  test("below the anchor, left edges in line", () => {
    expect(placeNear(anchor(100, 200), size, viewport, { side: "below", align: "left" })).toEqual({
      top: 136,
      left: 200,
    });
  });

  test("right edges in line", () => {
    expect(placeNear(anchor(100, 500), size, viewport, { side: "below", align: "right" })).toEqual({
      top: 136,
      left: 300,
    });
  });

  test("above when there is no room below, and below when there is none above", () => {
    expect(placeNear(anchor(700, 200), size, viewport, { side: "below", align: "left" }).top).toBe(494);
    expect(placeNear(anchor(50, 200), size, viewport, { side: "above", align: "left" }).top).toBe(86);
    expect(placeNear(anchor(600, 200), size, viewport, { side: "above", align: "left" }).top).toBe(394);
  });

  test("kept inside the viewport's edges", () => {
    expect(placeNear(anchor(100, 900), size, viewport, { side: "below", align: "left" }).left).toBe(692);
    expect(placeNear(anchor(100, 0, 50), size, viewport, { side: "below", align: "right" }).left).toBe(8);
    expect(
      placeNear(anchor(100, 200), { width: 300, height: 900 }, viewport, { side: "below", align: "left" }).top,
    ).toBe(8);
  });
});
