// Uploading and downloading files over real HTTP, and images made with sharp for the tests.
import { readdirSync } from "node:fs";
import sharp from "sharp";
import { type Attachment, attachmentSchema } from "../../src/shared/api.ts";

export async function uploadFile(
  baseUrl: string,
  token: string,
  bytes: BodyInit,
  name: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/api/files`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "x-file-name": encodeURIComponent(name), ...headers },
    body: bytes,
  });
}

/** Uploads and expects success: the stored attachment. */
export async function uploaded(baseUrl: string, token: string, bytes: BodyInit, name: string) {
  const response = await uploadFile(baseUrl, token, bytes, name);
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return attachmentSchema.parse(await response.json()) as Attachment;
}

export function download(baseUrl: string, token: string | null, path: string, init: RequestInit = {}) {
  return fetch(`${baseUrl}${path}`, {
    ...init,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** A JPEG photo of `width`×`height` carrying EXIF with a GPS position and a camera name. */
export async function photoWithGps(width = 64, height = 48): Promise<Uint8Array<ArrayBuffer>> {
  return sharp({ create: { width, height, channels: 3, background: "#3a7" } })
    .jpeg()
    .withExif({
      IFD0: { Make: "SecretCam", Model: "X100" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "52/1 31/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "13/1 24/1 0/1" },
    })
    .toBuffer()
    .then((buffer) => new Uint8Array(buffer));
}

export async function png(width: number, height: number, background = "#c33"): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background } })
      .png()
      .toBuffer(),
  );
}

/** Every file under a folder (recursively), for "nothing left on disk". */
export function filesUnder(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}
