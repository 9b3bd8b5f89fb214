// Failed-login throttle: 10 failures for one username from one IP, or 100 from one IP,
// within 15 minutes → refused (even with the right password) until the window passes.
// Per process: with several instances an attacker gets at most that many per instance.
import type { Clock } from "../deps.ts";

const WINDOW_MS = 15 * 60 * 1000;
const PER_USERNAME_AND_IP = 10;
const PER_IP = 100;

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

export function createLoginThrottle(clock: Clock) {
  const failures = new Map<string, number[]>();

  const recent = (key: string) => {
    const cutoff = clock.now() - WINDOW_MS;
    const times = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length) failures.set(key, times);
    else failures.delete(key);
    return times;
  };
  const keys = (username: string, ip: string) =>
    [
      [`u:${username.toLowerCase()}|${ip}`, PER_USERNAME_AND_IP],
      [`ip:${ip}`, PER_IP],
    ] as const;

  return {
    /** Seconds until a new attempt is allowed, or 0 when it is allowed now. */
    retryAfter(username: string, ip: string): number {
      let waitMs = 0;
      for (const [key, limit] of keys(username, ip)) {
        const times = recent(key);
        if (times.length >= limit) {
          const oldestThatCounts = times[times.length - limit] ?? clock.now();
          waitMs = Math.max(waitMs, oldestThatCounts + WINDOW_MS - clock.now());
        }
      }
      return Math.ceil(waitMs / 1000);
    },
    recordFailure(username: string, ip: string) {
      const now = clock.now();
      for (const [key, limit] of keys(username, ip)) {
        const times = recent(key);
        times.push(now);
        failures.set(key, times.slice(-limit));
      }
    },
    /** Drops expired entries; called on a timer so the map does not grow without end. */
    sweep() {
      for (const key of [...failures.keys()]) recent(key);
    },
  };
}
