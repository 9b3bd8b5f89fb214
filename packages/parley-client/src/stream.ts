// Where the client stands in one conversation's change stream. `held` is the number up to
// which it has every change; numbers received beyond `held + 1` wait in `ahead` until the
// gap before them is filled, by frames arriving late or by `history.changes` after `held`.
// Like Telegram's pts: a frame numbered n + 2 while holding n means n + 1 is missing.
// Pure functions, so bun test can drive them without a socket.

export type StreamPosition = { readonly held: number; readonly ahead: readonly number[] };

export const startAt = (seq: number): StreamPosition => ({ held: seq, ahead: [] });

/** Moves `held` over every number in `ahead` that now follows it. */
function advance(held: number, ahead: readonly number[]): StreamPosition {
  let next = held;
  const rest = [...ahead].filter((n) => n > next).sort((a, b) => a - b);
  while (rest[0] === next + 1) {
    next += 1;
    rest.shift();
  }
  return { held: next, ahead: rest };
}

/** A change numbered `seq` was received (live, or the answer to one's own send). */
export function observe(position: StreamPosition, seq: number): StreamPosition {
  if (seq <= position.held || position.ahead.includes(seq)) return position;
  return advance(position.held, [...position.ahead, seq]);
}

/** Some change is missing: a number beyond `held` was received without those before it. */
export const hasGap = (position: StreamPosition): boolean => position.ahead.length > 0;

/** A `history.changes` answer brought everything up to `seq`. */
export function caughtUp(position: StreamPosition, seq: number): StreamPosition {
  return advance(Math.max(position.held, seq), position.ahead);
}
