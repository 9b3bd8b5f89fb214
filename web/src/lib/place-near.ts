// Where a popover shown in the top layer goes beside what it belongs to (the top layer is
// outside every clipping box, so it is positioned by hand): below or above its anchor, on
// the other side when the first has no room, its left or right edge in line with the
// anchor's, and moved back inside the viewport when it would stick out.

export type Placement = { side: "below" | "above"; align: "left" | "right" };

type Box = { top: number; left: number; right: number; bottom: number };

/** The space kept between the anchor and the popover, and between the popover and the viewport's edges. */
const GAP_PX = 6;
const EDGE_PX = 8;

export function placeNear(
  anchor: Box,
  size: { width: number; height: number },
  viewport: { width: number; height: number },
  placement: Placement,
): { top: number; left: number } {
  const below = anchor.bottom + GAP_PX;
  const above = anchor.top - GAP_PX - size.height;
  const fitsBelow = below + size.height <= viewport.height - EDGE_PX;
  const fitsAbove = above >= EDGE_PX;
  const side =
    placement.side === "below"
      ? fitsBelow || !fitsAbove
        ? "below"
        : "above"
      : fitsAbove || !fitsBelow
        ? "above"
        : "below";
  const top = side === "below" ? below : above;
  const left = placement.align === "left" ? anchor.left : anchor.right - size.width;
  return {
    top: clamp(top, EDGE_PX, viewport.height - EDGE_PX - size.height),
    left: clamp(left, EDGE_PX, viewport.width - EDGE_PX - size.width),
  };
}

/** `value` within [min, max]; `min` wins when the range is empty (a popover larger than the viewport shows its start). */
function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}
