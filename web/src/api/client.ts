// The one API client of the web app: tRPC for conversations, Eden for /api/auth. Both are
// typed from the server with type-only imports, so no server code reaches the bundle.
import { treaty } from "@elysiajs/eden";
import { createTRPCClient, httpBatchLink, isTRPCClientError } from "@trpc/client";
import { SendRefused } from "../../../packages/parley-client/src/socket-sends.ts";
import type { App } from "../../../src/app.ts";
import type { ErrorBody, ErrorCode, FieldErrors } from "../../../src/shared/errors.ts";
import type { AppRouter } from "../../../src/trpc/router.ts";

/** What the UI needs to know about a failed call. The UI shows NETWORK in its language. */
export type ApiFailure = {
  code: ErrorCode | "NETWORK";
  message: string;
  fields?: FieldErrors;
  /** Seconds until a refusal that passes with time (TOO_MANY_REQUESTS) no longer applies. */
  retryAfter?: number;
};

export function createApi(origin: string, onUnauthorized: () => void) {
  // A 401 on any call means the session is over (expired, logged out elsewhere, deactivated).
  const watchedFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await fetch(input, { ...init, credentials: "same-origin" });
    if (response.status === 401) onUnauthorized();
    return response;
  };

  // The server refuses batches of more than 20 calls (MAX_TRPC_BATCH).
  const trpc = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${origin}/trpc`, fetch: watchedFetch, maxURLLength: 2000, maxItems: 20 })],
  });
  const http = treaty<App>(origin, { parseDate: false, fetch: { credentials: "same-origin" } });
  return { trpc, auth: http.api.auth };
}

export type Api = ReturnType<typeof createApi>;

const NETWORK_MESSAGE = "Parley cannot be reached. Check your connection.";

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === "object" &&
    value !== null &&
    "error" in value &&
    typeof (value as ErrorBody).error?.code === "string"
  );
}

/** Normalises an error from tRPC, Eden or fetch into an ApiFailure. */
export function toFailure(error: unknown): ApiFailure {
  if (error instanceof SendRefused) return error.failure;
  if (isTRPCClientError(error)) {
    const data = error.data as { code?: ErrorCode; fields?: FieldErrors; retryAfter?: number } | undefined;
    if (!data?.code) return { code: "NETWORK", message: NETWORK_MESSAGE };
    return {
      code: data.code,
      message: error.message,
      ...(data.fields ? { fields: data.fields } : {}),
      ...(data.retryAfter ? { retryAfter: data.retryAfter } : {}),
    };
  }
  if (isErrorBody(error)) return { ...error.error };
  if (typeof error === "object" && error !== null && "value" in error && isErrorBody(error.value)) {
    return { ...error.value.error };
  }
  return { code: "NETWORK", message: NETWORK_MESSAGE };
}
