// Reading credentials and the client address from a request.
export const SESSION_COOKIE = "session";

/** The session token from `Authorization: Bearer` or the `session` cookie. */
export function tokenFromRequest(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header?.startsWith("Bearer ")) return header.slice(7).trim() || null;
  return cookieOf(request, SESSION_COOKIE);
}

/** A cookie's value, or null. */
export function cookieOf(request: Request, cookie: string): string | null {
  const cookies = request.headers.get("cookie");
  if (!cookies) return null;
  for (const part of cookies.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name !== cookie) continue;
    try {
      return decodeURIComponent(rest.join("=")) || null;
    } catch {
      return null;
    }
  }
  return null;
}

export type AddressSource = { requestIP(request: Request): { address: string } | null };

/** The client's IP. Behind our nginx (TRUST_PROXY) the last X-Forwarded-For hop is it. */
export function clientIp(request: Request, server: AddressSource | null, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for");
    const last = forwarded?.split(",").at(-1)?.trim();
    if (last) return last;
  }
  return server?.requestIP(request)?.address ?? "unknown";
}

/** Is the request served over HTTPS (directly or through the proxy)? */
export function isSecureRequest(request: Request, trustProxy: boolean): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  return trustProxy && request.headers.get("x-forwarded-proto") === "https";
}
