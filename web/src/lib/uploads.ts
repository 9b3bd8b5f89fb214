// Uploads from the composer: the limits the server announces (GET /api/files), checked
// before a byte is sent where the size says enough, and one upload as an XMLHttpRequest
// (fetch has no upload progress) of the raw file to POST /api/files, as the server's
// contract asks (the name URI-encoded in X-File-Name). No Solid here: bun test drives
// the checks; the request itself runs in the browser tests.
import type { Attachment } from "../../../src/shared/api.ts";

/** What the server allows: the largest file, the quota (0: none) and what is used of it. */
export type UploadLimits = { maxUpload: number; quota: number; used: number };

/** Why an upload is refused, worded by the catalogue (`files.tooLarge`, `files.overQuota`, …). */
export type UploadRefusal =
  | { kind: "tooLarge"; max: number }
  | { kind: "overQuota"; quota: number; used: number }
  | { kind: "empty" }
  | { kind: "program" };

/**
 * Refused before sending when the size alone says so: over MAX_UPLOAD, or over what is
 * left of the quota once `queued` (uploads of this composer not yet counted) is added.
 */
export function checkUpload(size: number, limits: UploadLimits | null, queued = 0): UploadRefusal | null {
  if (size === 0) return { kind: "empty" };
  if (!limits) return null;
  if (size > limits.maxUpload) return { kind: "tooLarge", max: limits.maxUpload };
  const used = limits.used + queued;
  if (limits.quota > 0 && used + size > limits.quota) return { kind: "overQuota", quota: limits.quota, used };
  return null;
}

/** The server's refusal of an upload, in the same terms (its sentence is English). */
export function refusalOfStatus(status: number, size: number, limits: UploadLimits | null): UploadRefusal | null {
  if (status === 413) {
    if (limits && size <= limits.maxUpload) return { kind: "overQuota", quota: limits.quota, used: limits.used };
    return { kind: "tooLarge", max: limits?.maxUpload ?? size - 1 };
  }
  if (status === 415) return { kind: "program" };
  if (status === 400) return { kind: "empty" };
  return null;
}

export type UploadOutcome =
  | { ok: true; attachment: Attachment }
  | { ok: false; status: number }
  | { ok: false; status: 0; cancelled: boolean };

export type RunningUpload = { done: Promise<UploadOutcome>; cancel: () => void };

/** Sends one file; `onProgress` gets the fraction sent (0–1). Resolves, never rejects. */
export function sendFile(file: Blob & { name?: string }, onProgress: (fraction: number) => void): RunningUpload {
  const xhr = new XMLHttpRequest();
  let cancelled = false;
  const done = new Promise<UploadOutcome>((resolve) => {
    xhr.open("POST", "/api/files");
    xhr.withCredentials = true;
    xhr.setRequestHeader("x-file-name", encodeURIComponent(file.name ?? "file"));
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        try {
          resolve({ ok: true, attachment: JSON.parse(xhr.responseText) as Attachment });
          return;
        } catch {
          // An answer that is not JSON: a proxy's page, treated as a failure to retry.
        }
      }
      resolve({ ok: false, status: xhr.status === 201 ? 502 : xhr.status });
    };
    xhr.onerror = () => resolve({ ok: false, status: 0, cancelled });
    xhr.onabort = () => resolve({ ok: false, status: 0, cancelled: true });
    xhr.send(file);
  });
  return {
    done,
    cancel: () => {
      cancelled = true;
      xhr.abort();
    },
  };
}

/** The server's limits for this person, or null when they cannot be read (then the server decides). */
export async function fetchUploadLimits(): Promise<UploadLimits | null> {
  try {
    const response = await fetch("/api/files", { credentials: "same-origin" });
    if (!response.ok) return null;
    return (await response.json()) as UploadLimits;
  } catch {
    return null;
  }
}

/** Removes an upload that will not be sent (best effort: the server's sweeper removes the rest after a day). */
export function discardUpload(id: number): void {
  void fetch(`/api/files/${id}`, { method: "DELETE", credentials: "same-origin" }).catch(() => {});
}

/** Where a file's bytes and its thumbnail are read (the server checks membership). */
export const fileUrl = (id: number) => `/api/files/${id}`;
export const thumbnailUrl = (id: number) => `/api/files/${id}/thumbnail`;

/** "2.4 MB" in the reader's locale (decimal units, as the server words its limits). */
export function formatSize(locale: string, bytes: number): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: units[unit],
    unitDisplay: unit === 0 ? "long" : "short",
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

/** A short type for a file chip: "PDF", "ZIP"; from the sniffed type, else the name's extension. */
export function fileKind(contentType: string, name: string): string {
  const sub = contentType.split("/")[1] ?? "";
  if (contentType !== "application/octet-stream" && /^[a-z0-9]{2,5}$/.test(sub)) return sub.toUpperCase();
  const extension = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1];
  return extension ? extension.toUpperCase() : "";
}

/** Files from a paste or a drop (a pasted screenshot has no name: it gets one). */
export function filesOf(data: DataTransfer | null, now: Date = new Date()): File[] {
  if (!data) return [];
  return [...data.files].map((file) => {
    if (file.name && file.name !== "image.png") return file;
    const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, "-");
    const extension = file.type.split("/")[1] ?? "png";
    return new File([file], `pasted-${stamp}.${extension}`, { type: file.type });
  });
}
