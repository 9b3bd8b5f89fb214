// tRPC: 1. context, 2. initialisation and error shape, 3. the procedures routers may use.
import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import type { AuthSession } from "../auth/sessions.ts";
import type { Deps } from "../deps.ts";
import { fieldsFromIssues } from "../http/errors.ts";
import { AppError } from "../shared/errors.ts";

// 1. Context ---------------------------------------------------------------------------

export type TrpcContext = {
  deps: Deps;
  session: AuthSession | null;
  ip: string;
  resHeaders: Headers;
};

// 2. Initialisation ------------------------------------------------------------------

const t = initTRPC.context<TrpcContext>().create({
  // The shape carries a stack trace; the formatter removes it outside tests and development.
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
    // Stack traces only in tests and development, never to production clients (nor
    // without a context, when the request could not even be read).
    const showStack = ctx !== undefined && ctx.deps.config.env !== "production";
    // A refusal that passes with time (the send limit) says when, in seconds, so that a
    // client can wait instead of failing; the Retry-After header says it too.
    const retryAfter = cause instanceof AppError ? cause.retryAfter : undefined;
    return {
      ...shape,
      data: {
        ...data,
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

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.session.user.isAdmin) throw new TRPCError({ code: "FORBIDDEN", message: "Admins only" });
  return next();
});
