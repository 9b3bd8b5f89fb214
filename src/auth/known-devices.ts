// Browsers someone has logged in from: a signed cookie naming the account, set at each
// login. When an account is under a spread-out guessing attack, new devices wait for the
// window to pass, but its owner, on a device they used before, logs in as usual: the
// lock slows the attacker without locking the owner out (OWASP's "device cookies").
import { createHmac, timingSafeEqual } from "node:crypto";

export const DEVICE_COOKIE = "parley_device";
export const DEVICE_TTL_SECONDS = 365 * 24 * 3600;

export type KnownDevices = ReturnType<typeof createKnownDevices>;

export function createKnownDevices(secret: string) {
  const mac = (payload: string) => createHmac("sha256", `known-device:${secret}`).update(payload).digest("base64url");
  return {
    /** A cookie value naming this account, issued now (ms). */
    issue(userId: number, now: number): string {
      const payload = `${userId}.${Math.floor(now / 1000)}`;
      return `${payload}.${mac(payload)}`;
    },
    /** Does this cookie value name this account, unexpired and untampered? */
    recognizes(value: string | null, userId: number, now: number): boolean {
      const [id, issued, signature] = value?.split(".") ?? [];
      if (!id || !issued || !signature || Number(id) !== userId) return false;
      if (Number(issued) * 1000 + DEVICE_TTL_SECONDS * 1000 < now) return false;
      const expected = Buffer.from(mac(`${id}.${issued}`));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
