// Which origins may act with a user's browser credentials. A browser names the page that
// sent a request in `Origin` (and `Sec-Fetch-Site`); a request from another site must not
// log someone in, send, or open a socket with their cookie. Non-browser clients send no
// Origin and are not concerned.
import { isSecureRequest } from "../auth/request.ts";
import type { Config } from "../config.ts";
import { errorResponse } from "./errors.ts";

type OriginConfig = Pick<Config, "allowedOrigins" | "trustProxy">;

const listed = (origin: URL, config: OriginConfig) =>
  config.allowedOrigins.some((allowed) => new URL(allowed).origin === origin.origin);

function parseOrigin(request: Request): URL | null | "absent" {
  const origin = request.headers.get("origin");
  if (origin === null) return "absent";
  try {
    return new URL(origin);
  } catch {
    return null;
  }
}

/**
 * The Origin names this app (same host, http or https, https when served over TLS) or an
 * ALLOWED_ORIGINS entry. No Origin: not a browser, allowed. `null` (sandboxed frames,
 * data: pages) and other schemes are refused.
 */
export function originAllowed(request: Request, config: OriginConfig): boolean {
  const url = parseOrigin(request);
  if (url === "absent") return true;
  if (url === null) return false;
  if (listed(url, config)) return true;
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (isSecureRequest(request, config.trustProxy) && url.protocol !== "https:") return false;
  const host = (config.trustProxy && request.headers.get("x-forwarded-host")) || request.headers.get("host");
  return Boolean(host) && url.host === host?.toLowerCase();
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const GUARDED_PATHS = /^\/(api|trpc)(\/|$)/;

/**
 * A 403 for a state-changing request on /api or /trpc sent from another site's page
 * (an auto-submitting form logging the victim into the attacker's account), or null.
 */
export function refuseCrossSite(request: Request, config: OriginConfig): Response | null {
  if (SAFE_METHODS.has(request.method) || !GUARDED_PATHS.test(new URL(request.url).pathname)) return null;
  const url = parseOrigin(request);
  const crossSite = request.headers.get("sec-fetch-site") === "cross-site";
  const refused = !originAllowed(request, config) || (crossSite && !(url instanceof URL && listed(url, config)));
  return refused ? errorResponse("FORBIDDEN", "Requests from other sites are not accepted") : null;
}
