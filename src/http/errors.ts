// Maps every failure on an HTTP route to the contract's error body.
import { type AppError, type ErrorCode, errorBody, type FieldErrors, HTTP_STATUS } from "../shared/errors.ts";

export function errorResponse(code: ErrorCode, message: string, fields?: FieldErrors, headers?: HeadersInit) {
  return Response.json(errorBody(code, message, fields), { status: HTTP_STATUS[code], headers });
}

export function appErrorResponse(error: AppError) {
  const headers = error.retryAfter ? { "Retry-After": String(error.retryAfter) } : undefined;
  return errorResponse(error.code, error.message, error.fields, headers);
}

type Issue = { path?: readonly (PropertyKey | { key: PropertyKey })[] | string; message?: string };

/**
 * Field errors from a validator's issues (zod/standard-schema or Elysia's own), the first
 * message of each field; `whole` names an issue about the value itself.
 */
export function fieldsFromIssues(issues: readonly Issue[], whole = "body"): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const path =
      typeof issue.path === "string"
        ? issue.path.replace(/^\//, "").replaceAll("/", ".")
        : (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".");
    const key = path || whole;
    fields[key] ??= issue.message ?? "Invalid value";
  }
  return fields;
}
