// /api/docs: the OpenAPI description and its reader (Scalar). The reader's script is
// served from the project's own pinned dependency, never a CDN: a third-party script at
// `@latest` would run on the app's origin with the user's cookies in reach. Under a CSP
// of its own; off unless API_DOCS (default: on in development, off in production).
import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { z } from "zod";
import { apiReaderScript } from "../runtime-files.ts";
import { ASYNCAPI_PATH, asyncApiDocument, openApiDescription } from "./api-description.ts";
import { errorResponse } from "./errors.ts";

export const API_DOCS_PATH = "/api/docs";
const READER_SCRIPT_PATH = `${API_DOCS_PATH}/reader.js`;

/** The docs page's policy: its own script, its inline styles, nothing from elsewhere. */
export const API_DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function apiDocsRoutes() {
  const script = apiReaderScript();
  return new Elysia({ name: "api-docs" })
    .onRequest(({ request, set }) => {
      if (new URL(request.url).pathname.startsWith(API_DOCS_PATH))
        set.headers["content-security-policy"] = API_DOCS_CSP;
    })
    .get(
      READER_SCRIPT_PATH,
      () =>
        script
          ? new Response(Bun.file(script), {
              headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" },
            })
          : errorResponse("NOT_FOUND", "The API reader is not installed (a development dependency)"),
      { detail: { hide: true } },
    )
    .get(ASYNCAPI_PATH, () => asyncApiDocument(), { detail: { hide: true } })
    .use(
      openapi({
        path: API_DOCS_PATH,
        // The plugin's type asks for every Scalar setting; it fills in the rest itself.
        scalar: { cdn: READER_SCRIPT_PATH } as NonNullable<Parameters<typeof openapi>[0]>["scalar"],
        mapJsonSchema: { zod: z.toJSONSchema },
        // The web client's files are not API; /ws is described by api-description.ts.
        exclude: { paths: [/^\/trpc/, /^\/ws/, "/metrics", READER_SCRIPT_PATH, ASYNCAPI_PATH, "/assets/*", "/*"] },
        documentation: {
          info: {
            title: "Parley HTTP API",
            version: "1",
            description:
              "Accounts and health. Conversations live in tRPC at /trpc (typed by parley-client's AppRouter); " +
              `events on the WebSocket /ws, whose frames are the ServerFrame.* and ClientFrame.* schemas (AsyncAPI: ${ASYNCAPI_PATH}).`,
          },
          ...openApiDescription(),
          // Plain JSON built from the zod schemas; the plugin's type wants OpenAPI's literal unions.
        } as NonNullable<Parameters<typeof openapi>[0]>["documentation"],
      }),
    );
}
