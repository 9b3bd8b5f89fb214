// Time as every part of the server reads it: tests pass a fake clock for rate limits.
export type Clock = { now(): number };
export const systemClock: Clock = { now: () => Date.now() };
