// What a file is, from its bytes (file-type reads the magic numbers at its start), never
// from its name or the type the browser claims: a page saved as .png is not an image.
import { fileTypeFromBuffer } from "file-type";

// Enough for every signature file-type knows, office documents (zip) included. Read as a
// buffer: its file reader imports a module at run time that the executable cannot find.
const SNIFF_BYTES = 64 * 1024;

/** Shown inline (as <img>) after re-encoding; every other type is a download. SVG never is: it runs script. */
const INLINE_IMAGES = new Set(["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"]);

/** Programs are refused: a chat is no place to hand someone an executable. */
const REFUSED = new Map([
  ["application/x-msdownload", "Windows programs"],
  ["application/x-elf", "Linux programs"],
  ["application/x-mach-binary", "macOS programs"],
  ["application/x-msi", "Windows installers"],
]);

export type Sniffed = { contentType: string; inlineImage: boolean; refused: string | null };

export async function sniffFile(path: string): Promise<Sniffed> {
  const head = new Uint8Array(await Bun.file(path).slice(0, SNIFF_BYTES).arrayBuffer());
  const found = await fileTypeFromBuffer(head);
  // Unknown bytes (plain text, HTML, CSV…) are served as what they cannot harm: a download.
  const contentType = found?.mime ?? "application/octet-stream";
  return { contentType, inlineImage: INLINE_IMAGES.has(contentType), refused: REFUSED.get(contentType) ?? null };
}
