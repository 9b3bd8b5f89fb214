// One query in a plain GET (`/trpc/users.me?input=…`, what the client package and bots
// send), answered without tRPC's fetch adapter. Once the session lookup was cached, the
// adapter's general machinery (batches, streams, abort signals, copies of its options)
// was 60% of such a request's CPU (docs/BENCHMARKS.md). The procedure runs through the
// same router, middlewares and context; the answer is the adapter's, byte for byte
// (tests/trpc/single-query.test.ts compares them). Anything else — a batch, a stream
// (`trpc-accept`), a mutation, an input that is not JSON — returns null: the adapter
// answers it.
import type { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { callProcedure, getErrorShape, getTRPCErrorFromUnknown } from "@trpc/server/unstable-core-do-not-import";
import type { TrpcContext } from "./init.ts";
import { appRouter } from "./router.ts";

const PREFIX = "/trpc/";
// The router's procedures by dotted path ("users.me"), flat at run time.
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
const queries = new Set(
  Object.entries(procedures)
    .filter(([, procedure]) => procedure._def.type === "query")
    .map(([path]) => path),
);

export type SingleQueryHooks = {
  createContext(resHeaders: Headers): Promise<TrpcContext>;
  /** The adapter's onError, called with what it would be called with. */
  onError(error: TRPCError, path: string): void;
};

export async function answerSingleQuery(request: Request, hooks: SingleQueryHooks): Promise<Response | null> {
  if (request.method !== "GET" || request.headers.has("trpc-accept")) return null;
  const url = new URL(request.url);
  const path = url.pathname.slice(PREFIX.length);
  if (!url.pathname.startsWith(PREFIX) || !queries.has(path) || url.searchParams.has("batch")) return null;
  const rawInput = url.searchParams.get("input");
  let input: unknown;
  try {
    input = rawInput === null ? undefined : JSON.parse(rawInput);
  } catch {
    return null;
  }
  const resHeaders = new Headers();
  // A context that cannot be made (the database failing) is the adapter's to answer.
  const ctx = await hooks.createContext(resHeaders).catch(() => null);
  if (!ctx) return null;
  let status = 200;
  let body: unknown;
  try {
    // Called as the adapter calls it (a caller proxy per request cost 14% more).
    const data = await callProcedure({
      router: appRouter,
      path,
      type: "query",
      ctx,
      getRawInput: async () => input,
      signal: request.signal,
      batchIndex: 0,
    });
    body = { result: { data } };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    hooks.onError(error, path);
    status = getHTTPStatusCodeFromError(error);
    body = { error: getErrorShape({ config: appRouter._def._config, error, type: "query", path, input, ctx }) };
  }
  // In the adapter's order: its own headers, then the procedure's.
  const headers = new Headers([
    ["vary", "trpc-accept, accept"],
    ["content-type", "application/json"],
  ]);
  for (const [key, value] of resHeaders) headers.append(key, value);
  return new Response(JSON.stringify(body), { status, headers });
}
