// Receiving an upload: the request body is streamed to a partial file (never held whole
// in memory) while its bytes are counted against MAX_UPLOAD and the uploader's quota;
// then its type is taken from the bytes, an image is re-encoded without its metadata and
// given a thumbnail, and the result goes to the file storage under a random name. A row
// in `attachments` exists from the first byte ("uploading"), so a crash at any point
// leaves something the sweeper (sweeper.ts) can find and remove.
import { mkdirSync } from "node:fs";
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import { onlyRow } from "../db/rows.ts";
import type { AttachmentRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import type { Deps } from "../deps.ts";
import type { Attachment } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { bytesUploadedBy, type StoredKeys, toAttachment } from "./attachments.ts";
import { sniffFile } from "./content-type.ts";
import { imageProcessing } from "./images.ts";
import { randomKey, type ServeAs } from "./storage.ts";

/** "25 MB", "1.5 GB": limits in the words people read. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toFixed(1))} ${units[unit]}`;
}

const tooLarge = (max: number) =>
  new AppError("PAYLOAD_TOO_LARGE", `The file is larger than ${formatBytes(max)}, the most one upload may be`);
const overQuota = (quota: number, used: number) =>
  new AppError(
    "PAYLOAD_TOO_LARGE",
    `This file does not fit in your ${formatBytes(quota)} of uploads (${formatBytes(used)} used); delete some first`,
  );

/**
 * The name to show: the caller's (URI-encoded in X-File-Name), without any folder part or
 * control character, at most 200 characters; "file" when there is none.
 */
export function cleanFileName(raw: string | null): string {
  let name = "";
  try {
    name = decodeURIComponent(raw ?? "");
  } catch {
    name = "";
  }
  name = (name.split(/[\\/]/).at(-1) ?? "").replace(/[\p{Cc}\p{Cf}]/gu, "").trim();
  return [...name].slice(0, 200).join("") || "file";
}

export async function receiveUpload(
  deps: Deps,
  uploaderId: number,
  request: Request,
  signal?: AbortSignal,
): Promise<Attachment> {
  const { attachments } = tablesOf(deps.db);
  const { maxUpload, uploadQuota } = deps.config;
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxUpload) throw tooLarge(maxUpload);
  const used = uploadQuota > 0 ? await bytesUploadedBy(deps.db, uploaderId) : 0;
  if (uploadQuota > 0 && used + (Number.isFinite(declared) ? declared : 0) > uploadQuota) {
    throw overQuota(uploadQuota, used);
  }
  if (!request.body || declared === 0) throw new AppError("BAD_REQUEST", "The file is empty");

  const name = cleanFileName(request.headers.get("x-file-name"));
  const key = randomKey();
  const row = onlyRow(
    await deps.db
      .insert(attachments)
      .values({
        uploaderId,
        state: "uploading",
        storageKey: key,
        name,
        contentType: "application/octet-stream",
        size: 0,
        createdAt: deps.clock.now(),
      })
      .returning(),
  );
  const folder = deps.config.partialUploadsPath;
  mkdirSync(folder, { recursive: true });
  const partial = join(folder, key);
  let thumbnailKey: string | null = null;
  try {
    const limit = uploadQuota > 0 ? Math.min(maxUpload, uploadQuota - used) : maxUpload;
    const size = await streamToFile(request.body, partial, limit, signal, () =>
      limit < maxUpload ? overQuota(uploadQuota, used) : tooLarge(maxUpload),
    );
    if (size === 0) throw new AppError("BAD_REQUEST", "The file is empty");
    const sniffed = await sniffFile(partial);
    if (sniffed.refused) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", `${sniffed.refused} cannot be shared here`);
    }
    const processor = sniffed.inlineImage ? await imageProcessing(deps.logger) : null;
    const image = processor ? await processor.process(partial, { keepMetadata: deps.config.keepImageMetadata }) : null;
    const stored = {
      contentType: sniffed.contentType,
      size: image ? Bun.file(image.originalPath).size : size,
      width: image?.width ?? null,
      height: image?.height ?? null,
    };
    await deps.files.put(key, image?.originalPath ?? partial, serveAs({ ...row, ...stored, thumbnailKey: null }));
    if (image) {
      thumbnailKey = randomKey();
      await deps.files.put(thumbnailKey, image.thumbnailPath, { contentType: "image/webp", disposition: "inline" });
    }
    const [ready] = await deps.db
      .update(attachments)
      .set({ ...stored, thumbnailKey, state: "ready" })
      .where(eq(attachments.id, row.id))
      .returning();
    if (!ready) throw new Error("upload row vanished");
    return toAttachment(ready);
  } catch (error) {
    await discardAttachments(deps, [{ ...row, thumbnailKey }]);
    throw error;
  } finally {
    await Promise.all([partial, `${partial}.clean`, `${partial}.thumb`].map((p) => rm(p, { force: true })));
  }
}

/**
 * Copies the stream to `path` chunk by chunk (each written before the next is read, so
 * memory holds one chunk); stops with `overLimit()` as soon as more than `limit` bytes came.
 */
export async function streamToFile(
  body: ReadableStream<Uint8Array>,
  path: string,
  limit: number,
  signal: AbortSignal | undefined,
  overLimit: () => AppError,
): Promise<number> {
  const file = await open(path, "w", 0o600);
  const reader = body.getReader();
  let size = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw new AppError("BAD_REQUEST", "The upload was cancelled");
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw overLimit();
      await file.write(value);
    }
    return size;
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    await file.close();
  }
}

/** Images the browser may show inline; everything else downloads, and never as markup. */
export function serveAs(row: Pick<AttachmentRow, "contentType" | "thumbnailKey" | "name">): ServeAs {
  const inline = row.thumbnailKey !== null;
  const contentType = inline || isHarmlessDownloadType(row.contentType) ? row.contentType : "application/octet-stream";
  return { contentType, disposition: `${inline ? "inline" : "attachment"}; ${dispositionFileName(row.name)}` };
}

// A type a browser would render as a document (text, markup, SVG, XML) is sent as bytes.
function isHarmlessDownloadType(type: string): boolean {
  return !/^text\/|html|xml|svg|javascript/i.test(type);
}

/** RFC 6266: a plain-ASCII fallback name, and the real one in UTF-8 (RFC 8187). */
function dispositionFileName(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Removes attachments: their rows, then their stored objects. */
export async function discardAttachments(
  deps: Deps,
  rows: readonly Pick<AttachmentRow, "id" | "storageKey" | "thumbnailKey">[],
): Promise<void> {
  const { attachments } = tablesOf(deps.db);
  if (rows.length === 0) return;
  await deps.db.delete(attachments).where(
    inArray(
      attachments.id,
      rows.map((r) => r.id),
    ),
  );
  await removeStoredFiles(deps, rows);
}

/** Deletes stored objects whose rows are gone; a failure is logged (the object is then an orphan in storage). */
export async function removeStoredFiles(deps: Pick<Deps, "files" | "logger">, rows: readonly StoredKeys[]) {
  const keys = rows.flatMap((r) => (r.thumbnailKey ? [r.storageKey, r.thumbnailKey] : [r.storageKey]));
  await Promise.all(
    keys.map((key) =>
      deps.files.delete(key).catch((error) => deps.logger.warn({ err: error, key }, "could not delete a stored file")),
    ),
  );
}

/** Deletes an upload its uploader has not sent (the composer's remove button). */
export async function deleteUnsentUpload(deps: Deps, userId: number, attachmentId: number): Promise<void> {
  const { attachments } = tablesOf(deps.db);
  const [row] = await deps.db
    .select()
    .from(attachments)
    .where(and(eq(attachments.id, attachmentId), eq(attachments.uploaderId, userId)))
    .limit(1);
  if (row?.state !== "ready") throw new AppError("NOT_FOUND", "No such file");
  if (row.messageId !== null) throw new AppError("FORBIDDEN", "A sent file goes when its message is deleted");
  await discardAttachments(deps, [row]);
}
