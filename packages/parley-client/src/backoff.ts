// Reconnect delays: exponential with jitter, so that a restarted server is not hit by
// every client in the same millisecond.

export type BackoffOptions = { baseMs?: number; maxMs?: number; random?: () => number };

/** Delay before reconnect attempt `attempt` (0-based): half fixed, half random, capped. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 500, maxMs = 15_000, random = Math.random } = options;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
