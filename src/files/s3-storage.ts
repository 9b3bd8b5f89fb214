// Files in an S3-compatible bucket (DigitalOcean Spaces, AWS S3, MinIO…) through Bun's
// built-in S3 client. Each object is written with its sniffed type and disposition, so
// that the bucket serves it as the app would; downloads are redirects to signed URLs
// that expire after FILE_URL_TTL seconds. The bucket stays private.
import type { FileStorageConfig } from "../config.ts";
import type { FileStorage } from "./storage.ts";

type S3Settings = Extract<FileStorageConfig, { kind: "s3" }>;

export function createS3Storage(settings: S3Settings): FileStorage {
  const client = new Bun.S3Client({
    bucket: settings.bucket,
    endpoint: settings.endpoint,
    region: settings.region,
    accessKeyId: settings.accessKeyId,
    secretAccessKey: settings.secretAccessKey,
  });
  // Where the browser is sent: the origin of a signed URL as this client makes them
  // (path-style or virtual-hosted, whatever the endpoint), for the page's img-src.
  let downloadOrigin: string | null;
  try {
    downloadOrigin = new URL(client.presign("origin-probe", { expiresIn: 60 })).origin;
  } catch {
    downloadOrigin = settings.endpoint ? new URL(settings.endpoint).origin : null;
  }
  return {
    kind: "s3",
    downloadOrigin,
    async put(key, sourcePath, serveAs) {
      // Bun streams a file of any size to the bucket (multipart above 5 MB).
      await client.write(key, Bun.file(sourcePath), {
        type: serveAs.contentType,
        contentDisposition: serveAs.disposition,
      });
    },
    async read(key) {
      const file = client.file(key);
      return (await file.exists()) ? file.stream() : null;
    },
    async delete(key) {
      await client.delete(key);
    },
    signedUrl(key, serveAs) {
      return client.presign(key, {
        method: "GET",
        expiresIn: settings.urlTtl,
        type: serveAs.contentType,
        contentDisposition: serveAs.disposition,
      });
    },
  };
}
