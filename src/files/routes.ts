// /api/files: upload (POST, the raw bytes as the body, the name in X-File-Name), the
// limits (GET), download and thumbnail (GET /api/files/:id[/thumbnail]) and removal of
// an unsent upload (DELETE). Every route needs a session; a file is found only by those
// who may read it (404 for everyone else). POST and DELETE pass the app's Origin check.
import { Elysia } from "elysia";
import { tokenFromRequest } from "../auth/request.ts";
import { authenticateToken } from "../auth/sessions.ts";
import type { TokenSigner } from "../auth/tokens.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../shared/errors.ts";
import { bytesUploadedBy, readableAttachment } from "./attachments.ts";
import { deleteUnsentUpload, receiveUpload, serveAs } from "./uploads.ts";

/** The only path whose POST body may exceed the JSON limit (up to MAX_UPLOAD). */
export const UPLOAD_PATH = "/api/files";

// A file answer is a document of its own: no script, no plugin, no framing, even if a
// browser were to render it.
const FILE_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox",
  "cache-control": "private, max-age=3600",
};

function attachmentId(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError("NOT_FOUND", "No such file");
  return id;
}

export function fileRoutes(deps: Deps, signer: TokenSigner) {
  const requireUser = async (request: Request) => {
    const session = await authenticateToken(deps, signer, tokenFromRequest(request));
    if (!session) throw new AppError("UNAUTHORIZED", "Log in first");
    return session.user.id;
  };

  const download = async (request: Request, rawId: string, thumbnail: boolean) => {
    const userId = await requireUser(request);
    const row = await readableAttachment(deps.db, userId, attachmentId(rawId));
    const key = thumbnail ? row.thumbnailKey : row.storageKey;
    if (!key) throw new AppError("NOT_FOUND", "This file has no thumbnail");
    const as = thumbnail ? { contentType: "image/webp", disposition: "inline" } : serveAs(row);
    const signed = deps.files.signedUrl(key, as);
    if (signed) {
      // Short-lived, like the URL itself: the next view asks the app (and its membership check) again.
      return new Response(null, {
        status: 302,
        headers: { location: signed, "cache-control": "private, no-store", "x-content-type-options": "nosniff" },
      });
    }
    const body = await deps.files.read(key);
    if (!body) throw new AppError("NOT_FOUND", "No such file");
    return new Response(body, {
      headers: { ...FILE_HEADERS, "content-type": as.contentType, "content-disposition": as.disposition },
    });
  };

  return new Elysia({ name: "files" })
    .post(
      UPLOAD_PATH,
      async ({ request, set }) => {
        const userId = await requireUser(request);
        set.status = 201;
        return receiveUpload(deps, userId, request, request.signal);
      },
      { parse: "none", detail: { summary: "Upload a file (raw body; name in X-File-Name, URI-encoded)" } },
    )
    .get(
      UPLOAD_PATH,
      async ({ request }) => {
        const userId = await requireUser(request);
        const { maxUpload, uploadQuota } = deps.config;
        return { maxUpload, quota: uploadQuota, used: await bytesUploadedBy(deps.db, userId) };
      },
      { detail: { summary: "Upload limits: largest file, quota, bytes used" } },
    )
    .get(`${UPLOAD_PATH}/:id`, ({ request, params }) => download(request, params.id, false), {
      detail: { summary: "A file (members of its conversation only)" },
    })
    .get(`${UPLOAD_PATH}/:id/thumbnail`, ({ request, params }) => download(request, params.id, true), {
      detail: { summary: "An image's thumbnail (members of its conversation only)" },
    })
    .delete(
      `${UPLOAD_PATH}/:id`,
      async ({ request, params, set }) => {
        const userId = await requireUser(request);
        await deleteUnsentUpload(deps, userId, attachmentId(params.id));
        set.status = 204;
        return null;
      },
      { detail: { summary: "Remove an upload not yet sent" } },
    );
}
