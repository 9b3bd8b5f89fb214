// Images on upload: the real dimensions (after the camera's orientation), a small
// thumbnail for the conversation, and the original re-encoded without its metadata
// (EXIF, GPS position, camera serial) unless KEEP_IMAGE_METADATA is set. sharp (libvips)
// does the work; it is a native module that `bun build --compile` cannot embed, so it is
// loaded on first use and the executable runs without it (see imageProcessing()).
import type { Logger } from "pino";
import type sharpModule from "sharp";

/** Longest side of a thumbnail, in pixels: twice the largest size the web client shows. */
const THUMBNAIL_SIZE = 640;

export type ProcessedImage = {
  width: number;
  height: number;
  /** The file to store as the original: re-encoded without metadata, or the upload itself. */
  originalPath: string;
  thumbnailPath: string;
};

export interface ImageProcessor {
  /** null when the bytes are not a readable image (served as a plain download then). */
  process(sourcePath: string, options: { keepMetadata: boolean }): Promise<ProcessedImage | null>;
  /**
   * An avatar (src/files/avatars.ts): the image's size as stored (null: not readable), and a
   * function that writes it cropped to a square of `size` pixels, upright, as a WebP without
   * metadata. Reading the size first lets the caller refuse a huge image before decoding it.
   */
  avatar(sourcePath: string): Promise<{
    width: number;
    height: number;
    writeSquare(out: string, size: number, maxPixels: number): Promise<void>;
  } | null>;
}

type Sharp = typeof sharpModule;

let loading: Promise<Sharp | null> | undefined;

async function loadSharp(logger: Logger): Promise<Sharp | null> {
  try {
    return (await import("sharp")).default;
  } catch (error) {
    logger.warn(
      { err: error },
      "image processing unavailable (sharp could not load): images are stored as plain downloads, without thumbnails",
    );
    return null;
  }
}

/** The processor, or null where sharp cannot load (the single-file executable). */
export async function imageProcessing(logger: Logger): Promise<ImageProcessor | null> {
  loading ??= loadSharp(logger);
  const sharp = await loading;
  return sharp ? sharpProcessor(sharp) : null;
}

function sharpProcessor(sharp: Sharp): ImageProcessor {
  // Bounded work per request: one thread per image, and libvips' own cache off.
  sharp.concurrency(1);
  sharp.cache(false);
  return {
    async avatar(sourcePath) {
      let meta: Awaited<ReturnType<ReturnType<Sharp>["metadata"]>>;
      try {
        // The header only: nothing is decoded yet, so no pixel limit here (sharp's default
        // would refuse a huge image without saying how huge; the caller does, in words).
        meta = await sharp(sourcePath, { limitInputPixels: false }).metadata();
      } catch {
        return null;
      }
      if (!meta.width || !meta.height) return null;
      return {
        width: meta.width,
        height: meta.pageHeight ?? meta.height,
        async writeSquare(out, size, maxPixels) {
          // limitInputPixels is libvips' own guard against a decompression bomb, should the
          // header have lied; "attention" keeps the most eye-catching part (often a face).
          await sharp(sourcePath, { limitInputPixels: maxPixels })
            .rotate()
            .resize(size, size, { fit: "cover", position: sharp.strategy.attention })
            .webp({ quality: 85 })
            .toFile(out);
        },
      };
    },
    async process(sourcePath, { keepMetadata }) {
      let meta: Awaited<ReturnType<ReturnType<Sharp>["metadata"]>>;
      try {
        meta = await sharp(sourcePath).metadata();
      } catch {
        return null;
      }
      if (!meta.width || !meta.height || !meta.format) return null;
      const originalPath = keepMetadata ? sourcePath : `${sourcePath}.clean`;
      if (!keepMetadata) {
        // rotate() with no angle applies the EXIF orientation, which is then dropped
        // with the rest of the metadata (sharp keeps none unless asked); the colour
        // profile stays so that colours do not shift.
        await sharp(sourcePath, { animated: true })
          .rotate()
          .keepIccProfile()
          .toFormat(meta.format, { quality: 90 })
          .toFile(originalPath);
      }
      const thumbnailPath = `${sourcePath}.thumb`;
      await sharp(sourcePath)
        .rotate()
        .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "inside", withoutEnlargement: true })
        .webp({ quality: 80 })
        .toFile(thumbnailPath);
      // The thumbnail has the shown orientation and the original's aspect ratio.
      const upright = (meta.orientation ?? 1) >= 5;
      const height = meta.pageHeight ?? meta.height;
      const [width, shownHeight] = upright ? [height, meta.width] : [meta.width, height];
      return { width, height: shownHeight, originalPath, thumbnailPath };
    },
  };
}
