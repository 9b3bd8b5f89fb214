// Serves the web client built into web/dist: hashed assets forever, index.html always
// revalidated, and index.html for every other GET path so that client-side routes work on
// reload. Registered after the API routes; /api, /trpc, /ws and /metrics never fall back.
// No session check here: static files are public and must not cost a token verification.
import { existsSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { Elysia } from "elysia";
import { WEB_DIST_DIR } from "../runtime-files.ts";
import { errorResponse } from "./errors.ts";
import { SECURITY_HEADERS } from "./security-headers.ts";

export const DEFAULT_WEB_DIR = WEB_DIST_DIR;

/** Paths owned by the server: a miss there is a JSON 404, never the app. */
const SERVER_PATHS = /^\/(api|trpc|ws|metrics)(\/|$)/;

const IMMUTABLE = "public, max-age=31536000, immutable";
const COMPRESSIBLE = /\.(js|css|svg|json|txt|map)$/;

function contentSecurityPolicy(host: string | null, imageOrigins: readonly string[]): string {
  // 'self' covers same-origin WebSockets in current browsers; the explicit ws/wss origin
  // is for those that predate CSP 3. The Host is reduced to host characters only.
  const safeHost = host?.replace(/[^A-Za-z0-9.:[\]-]/g, "") ?? "";
  const sockets = safeHost ? ` ws://${safeHost} wss://${safeHost}` : "";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // Images from a bucket arrive through a redirect to a signed URL: its origin must be allowed.
    ["img-src 'self' data:", ...imageOrigins].join(" "),
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function htmlHeaders(request: Request, imageOrigins: readonly string[]): Record<string, string> {
  return {
    ...SECURITY_HEADERS,
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-cache",
    "content-security-policy": contentSecurityPolicy(request.headers.get("host"), imageOrigins),
  };
}

/** A file of `dir` named by a URL path, or null (missing, a folder, or outside `dir`). */
function fileIn(dir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const full = resolve(dir, `.${decoded.startsWith("/") ? decoded : `/${decoded}`}`);
  if (!full.startsWith(dir + sep)) return null;
  try {
    return statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}

/**
 * The service worker: always revalidated (a deploy must be seen at once), with a policy
 * of its own, since a worker runs under its script's CSP and must fetch the app shell.
 */
function serveServiceWorker(file: string): Response {
  return new Response(Bun.file(file), {
    headers: {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'self'; connect-src 'self'",
    },
  });
}

/** `imageOrigins`: other origins the page loads images from (the file bucket's signed URLs). */
export function webRoutes(options: { dir?: string; imageOrigins?: readonly string[] } = {}) {
  const dir = resolve(options.dir ?? DEFAULT_WEB_DIR);
  const imageOrigins = (options.imageOrigins ?? []).filter((origin) => /^https?:\/\/[A-Za-z0-9.:[\]-]+$/.test(origin));
  // Hashed assets never change: compress each once.
  const gzipped = new Map<string, Uint8Array<ArrayBuffer>>();

  const serveAsset = async (request: Request, file: string) => {
    const blob = Bun.file(file);
    const headers: Record<string, string> = {
      "content-type": blob.type,
      "cache-control": IMMUTABLE,
      "x-content-type-options": "nosniff",
      vary: "accept-encoding",
    };
    if (COMPRESSIBLE.test(file) && /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "")) {
      let body = gzipped.get(file);
      if (!body) {
        body = Bun.gzipSync(new Uint8Array(await blob.arrayBuffer()));
        gzipped.set(file, body);
      }
      return new Response(body, { headers: { ...headers, "content-encoding": "gzip" } });
    }
    return new Response(blob, { headers });
  };

  const serveIndex = (request: Request) => {
    const index = join(dir, "index.html");
    if (!existsSync(index)) {
      return new Response("The web client is not built yet: run `bun run build` (or `bun start`).\n", {
        status: 503,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
      });
    }
    return new Response(Bun.file(index), { headers: htmlHeaders(request, imageOrigins) });
  };

  return new Elysia({ name: "web-client" })
    .get("/assets/*", ({ request, path }) => {
      const file = fileIn(dir, path);
      if (!file) {
        return new Response("Not found\n", {
          status: 404,
          headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
        });
      }
      return serveAsset(request, file);
    })
    .get("/*", ({ request, path }) => {
      if (SERVER_PATHS.test(path)) return errorResponse("NOT_FOUND", "No such route");
      // Files at the root of the bundle (favicon.svg): a short cache, their names are not hashed.
      if (path !== "/" && !path.slice(1).includes("/")) {
        const file = fileIn(dir, path);
        if (file && path === "/sw.js") return serveServiceWorker(file);
        if (file && !file.endsWith(".html")) {
          return new Response(Bun.file(file), {
            headers: { "cache-control": "public, max-age=3600", "x-content-type-options": "nosniff" },
          });
        }
      }
      return serveIndex(request);
    });
}
