// Avatars: a person uploads an image, the server crops it to a square, resizes it to
// AVATAR_SIZE pixels and stores it as a WebP without metadata in the file storage (local
// folder or bucket, storage.ts), under a random key that is part of its URL. The change
// reaches the person and everyone who shares a conversation with them as a `user` frame.
// Who may fetch one: see mayViewAvatar.
import { mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { announceProfile } from "../auth/profile.ts";
import { alias, tablesOf } from "../db/tables.ts";
import type { Deps } from "../deps.ts";
import type { User } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { sniffFile } from "./content-type.ts";
import { imageProcessing } from "./images.ts";
import { randomKey } from "./storage.ts";
import { formatBytes, streamToFile } from "./uploads.ts";

/** Largest avatar upload (also never more than MAX_UPLOAD). */
export const AVATAR_MAX_BYTES = 5_000_000;
/** Largest image accepted, in pixels (width × height): beyond it decoding costs too much memory. */
export const AVATAR_MAX_PIXELS = 40_000_000;
/** Longest side accepted, whatever the area (a 1 × 1,000,000 strip is a bomb of its own kind). */
const AVATAR_MAX_SIDE = 16_000;
/** The stored square, in pixels: twice the largest size the web client shows. */
export const AVATAR_SIZE = 256;
const AVATAR_TYPES = new Set(["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"]);

const notAnImage = () =>
  new AppError("UNSUPPORTED_MEDIA_TYPE", "An avatar must be a JPEG, PNG, WebP, GIF or AVIF image");

/** Receives the caller's new avatar (the raw image as the request body) and replaces the old one. */
export async function receiveAvatar(deps: Deps, userId: number, request: Request): Promise<User> {
  const max = Math.min(AVATAR_MAX_BYTES, deps.config.maxUpload);
  const tooLarge = () =>
    new AppError("PAYLOAD_TOO_LARGE", `The image is larger than ${formatBytes(max)}, the most an avatar may be`);
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > max) throw tooLarge();
  if (!request.body || declared === 0) throw new AppError("BAD_REQUEST", "The file is empty");
  const processor = await imageProcessing(deps.logger);
  if (!processor) {
    throw new AppError("SERVICE_UNAVAILABLE", "This server cannot process images, so avatars are off here");
  }
  const folder = deps.config.partialUploadsPath;
  mkdirSync(folder, { recursive: true });
  const partial = join(folder, `avatar-${randomKey()}`);
  const square = `${partial}.webp`;
  const key = randomKey();
  try {
    const size = await streamToFile(request.body, partial, max, request.signal, tooLarge);
    if (size === 0) throw new AppError("BAD_REQUEST", "The file is empty");
    if (!AVATAR_TYPES.has((await sniffFile(partial)).contentType)) throw notAnImage();
    const image = await processor.avatar(partial);
    if (!image) throw notAnImage();
    if (image.width * image.height > AVATAR_MAX_PIXELS || Math.max(image.width, image.height) > AVATAR_MAX_SIDE) {
      throw new AppError(
        "BAD_REQUEST",
        `The image is ${image.width} × ${image.height} pixels; an avatar may have at most ${AVATAR_MAX_PIXELS / 1_000_000} million pixels`,
        { file: "Too many pixels" },
      );
    }
    try {
      await image.writeSquare(square, AVATAR_SIZE, AVATAR_MAX_PIXELS);
    } catch {
      throw new AppError("BAD_REQUEST", "This image could not be read", { file: "Damaged or incomplete image" });
    }
    await deps.files.put(key, square, { contentType: "image/webp", disposition: "inline" });
  } finally {
    await Promise.all([partial, square].map((p) => rm(p, { force: true })));
  }
  return replaceAvatar(deps, userId, key);
}

/** Removes the caller's avatar: initials show again. */
export function removeAvatar(deps: Deps, userId: number): Promise<User> {
  return replaceAvatar(deps, userId, null);
}

async function replaceAvatar(deps: Deps, userId: number, key: string | null): Promise<User> {
  const { users } = tablesOf(deps.db);
  const [before] = await deps.db.select({ key: users.avatarKey }).from(users).where(eq(users.id, userId)).limit(1);
  const [row] = await deps.db.update(users).set({ avatarKey: key }).where(eq(users.id, userId)).returning();
  if (!before || !row) {
    if (key) await deps.files.delete(key);
    throw new AppError("UNAUTHORIZED", "Sign in first");
  }
  if (before.key && before.key !== key) {
    await deps.files
      .delete(before.key)
      .catch((error) => deps.logger.warn({ err: error }, "could not delete a replaced avatar"));
  }
  return announceProfile(deps, row);
}

/**
 * May `viewerId` see the avatar of `userId`? Themselves; anyone signed in while the account
 * is active (its name, username and avatar are in the directory for everyone signed in to
 * find); and, once it is deactivated, those who still share a conversation with it (their
 * old messages show it).
 */
async function mayViewAvatar(deps: Pick<Deps, "db">, viewerId: number, owner: { id: number; isActive: boolean }) {
  const { members } = tablesOf(deps.db);
  if (owner.id === viewerId || owner.isActive) return true;
  const peer = alias(members, "peer");
  return (
    (
      await deps.db
        .select({ one: sql`1` })
        .from(members)
        .innerJoin(peer, and(eq(peer.conversationId, members.conversationId), eq(peer.userId, owner.id)))
        .where(eq(members.userId, viewerId))
        .limit(1)
    )[0] !== undefined
  );
}

/** The stored key of the avatar to serve, or NOT_FOUND (alike for "none", "replaced" and "not for you"). */
export async function avatarToServe(
  deps: Pick<Deps, "db">,
  viewerId: number,
  userId: number,
  key: string,
): Promise<string> {
  const { users } = tablesOf(deps.db);
  const owner = Number.isSafeInteger(userId)
    ? (
        await deps.db
          .select({ id: users.id, isActive: users.isActive, key: users.avatarKey })
          .from(users)
          .where(eq(users.id, userId))
          .limit(1)
      )[0]
    : undefined;
  if (!owner?.key || owner.key !== key || !(await mayViewAvatar(deps, viewerId, owner))) {
    throw new AppError("NOT_FOUND", "No such avatar");
  }
  return owner.key;
}
