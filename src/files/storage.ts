// Where uploaded files live, behind one small interface: a folder on local disk (the
// default, beside the database) or an S3-compatible bucket (DigitalOcean Spaces in
// deploy/). Keys are random names made by the server, never a user's file name.
import type { Config } from "../config.ts";
import { createLocalStorage } from "./local-storage.ts";
import { createS3Storage } from "./s3-storage.ts";

/** How a stored object is to be served: its sniffed type, and inline or as a download. */
export type ServeAs = { contentType: string; disposition: string };

export interface FileStorage {
  readonly kind: "local" | "s3";
  /**
   * The origin that signed URLs point to (the bucket's), which the web client's
   * Content-Security-Policy must allow for images; null when files come from the app.
   */
  readonly downloadOrigin: string | null;
  /** Copies a finished local file into the store under `key` (streamed, never read whole). */
  put(key: string, sourcePath: string, serveAs: ServeAs): Promise<void>;
  /** The stored bytes as a stream, or null when there is no such object. */
  read(key: string): Promise<ReadableStream<Uint8Array> | null>;
  /** Removes the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** A signed, expiring URL the browser may fetch directly, or null: serve through the app. */
  signedUrl(key: string, serveAs: ServeAs): string | null;
}

export function createFileStorage(config: Pick<Config, "fileStorage">): FileStorage {
  const settings = config.fileStorage;
  return settings.kind === "s3" ? createS3Storage(settings) : createLocalStorage(settings.path);
}

/** A fresh random object key: 128 bits, URL- and file-name-safe. */
export function randomKey(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url");
}
