// tRPC: 1. context, 2. initialisation and error shape, 3. the procedures routers may use.
import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import { hasAdminRights } from "../auth/accounts.ts";
import type { AuthSession } from "../auth/sessions.ts";
import { isStorageFailure, STORAGE_RETRY_AFTER_SECONDS } from "../db/write-health.ts";
import type { Deps } from "../deps.ts";
import { fieldsFromIssues } from "../http/errors.ts";
import { AppError, INTERNAL_ERROR_MESSAGE, STORAGE_UNAVAILABLE_MESSAGE } from "../shared/errors.ts";

// 1. Context ---------------------------------------------------------------------------

export type TrpcContext = {
  deps: Deps;
  session: AuthSession | null;
  /**
   * The client's address, worked out when a procedure asks (an activity-log entry): the
   * socket's peer address is a system call that most requests never need.
   */
  ip: () => string;
  resHeaders: Headers;
  /** The request's id, also on its log lines: a 500 answer names it. */
  requestId: string;
};

// 2. Initialisation ------------------------------------------------------------------

const t = initTRPC.context<TrpcContext>().create({
  // The shape carries a stack trace; the formatter keeps it only with ERROR_STACKS=true.
  isDev: true,
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const fields =
      cause instanceof z.ZodError
        ? fieldsFromIssues(cause.issues, "input")
        : cause instanceof AppError
          ? cause.fields
          : undefined;
    const { stack, ...data } = shape.data;
    // Stack traces (absolute paths included) only on explicit opt-in, whatever NODE_ENV.
    const showStack = ctx?.deps.config.errorStacks === true;
    // A bug's own message (a raw "disk I/O error", an SQL fragment) stays in the log; the
    // client gets the request id to quote.
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    // A refusal that passes with time (the send limit) says when, in seconds, so that a
    // client can wait instead of failing; the Retry-After header says it too.
    const retryAfter = cause instanceof AppError ? cause.retryAfter : undefined;
    return {
      ...shape,
      ...(internal ? { message: INTERNAL_ERROR_MESSAGE } : {}),
      data: {
        ...data,
        ...(internal && ctx ? { requestId: ctx.requestId } : {}),
        ...(showStack ? { stack } : {}),
        ...(fields ? { fields } : {}),
        ...(retryAfter ? { retryAfter } : {}),
      },
    };
  },
});

// Domain code throws AppError; tRPC's codes carry the same names.
const mapAppErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && isStorageFailure(result.error.cause)) {
    ctx.deps.writeHealth.failed();
    ctx.resHeaders.set("Retry-After", String(STORAGE_RETRY_AFTER_SECONDS));
    const cause = new AppError(
      "SERVICE_UNAVAILABLE",
      STORAGE_UNAVAILABLE_MESSAGE,
      undefined,
      STORAGE_RETRY_AFTER_SECONDS,
    );
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
  }
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    if (cause.retryAfter) ctx.resHeaders.set("Retry-After", String(cause.retryAfter));
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

// 3. Procedures ----------------------------------------------------------------------

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapAppErrors);

/** Signed in: `ctx.session` is non-null. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

// Rights read from the row, not the session's copy: the session cache may hold it for a
// moment, and rights just removed (or granted from the command line) apply at once.
export const adminProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  if (!(await hasAdminRights(ctx.deps, ctx.session.user.id))) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Admins only" });
  }
  return next();
});
