// Error codes of the public contract, shared by server and client.
import { z } from "zod";

export const ERROR_CODES = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "TOO_MANY_REQUESTS",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "INTERNAL_SERVER_ERROR",
  "SERVICE_UNAVAILABLE",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** Field name → message, for form validation errors. */
export type FieldErrors = Record<string, string>;

/** The body of every HTTP error answer. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    /** On INTERNAL_SERVER_ERROR: the id the server's log line carries too. */
    requestId: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The one place an error body is built (HTTP routes and the refused socket upgrade). */
export function errorBody(code: ErrorCode, message: string, fields?: FieldErrors, requestId?: string): ErrorBody {
  return { error: { code, message, ...(fields ? { fields } : {}), ...(requestId ? { requestId } : {}) } };
}

/** What a client is told of a bug: nothing but the id to quote (details are in the log). */
export const INTERNAL_ERROR_MESSAGE = "Internal error";

/** What a client is told when the database cannot take writes. */
export const STORAGE_UNAVAILABLE_MESSAGE = "Storage is unavailable for the moment; try again shortly";

/** The one error type domain code throws; tRPC and HTTP layers map it by its code. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
    /** Seconds, for TOO_MANY_REQUESTS and SERVICE_UNAVAILABLE. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** WebSocket close codes Parley uses. */
export const CLOSE_CODES = {
  /** Server shutting down: reconnect (elsewhere) and resume. */
  GOING_AWAY: 1001,
  /** Policy: session ended, account deactivated, or too many bad frames. */
  POLICY_VIOLATION: 1008,
  /** The socket fell too far behind (backpressure): reconnect and resume. */
  TRY_AGAIN_LATER: 1013,
  /** The account has MAX_SOCKETS_PER_USER sockets open on this instance already. */
  TOO_MANY_SOCKETS: 4008,
} as const;
