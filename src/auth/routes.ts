// /api/auth: signup, login, logout. The token is returned in the body and set as the
// HttpOnly `session` cookie: the same credential for browsers and other clients.
import { Elysia } from "elysia";
import { toUser } from "../db/wire.ts";
import type { Deps } from "../deps.ts";
import { errorResponse } from "../http/errors.ts";
import { readJsonBody } from "../http/json-body.ts";
import { recordLoginFailure } from "../metrics/metrics.ts";
import {
  type AuthOptions,
  type AuthResult,
  forgotPasswordInput,
  loginInput,
  resetPasswordInput,
  type SignupPending,
  verifyEmailInput,
} from "../shared/api.ts";
import { login, logout, signup } from "./accounts.ts";
import { mailVerificationLink, verifyEmail } from "./email-verification.ts";
import { DEVICE_COOKIE, DEVICE_TTL_SECONDS, type KnownDevices } from "./known-devices.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import { signupRequest } from "./password-policy.ts";
import { requestPasswordReset, resetPassword } from "./password-reset.ts";
import {
  type AddressSource,
  clientIp,
  cookieOf,
  isSecureRequest,
  SESSION_COOKIE,
  tokenFromRequest,
} from "./request.ts";
import { authenticateToken, startSession } from "./sessions.ts";
import type { SignupThrottle } from "./signup-throttle.ts";
import { SESSION_TTL_MS, type TokenSigner } from "./tokens.ts";

export type AuthServices = {
  signer: TokenSigner;
  throttle: LoginThrottle;
  signupThrottle: SignupThrottle;
  devices: KnownDevices;
};

/** Signup and login bodies are a few hundred bytes; anything near this is not one. */
export const AUTH_BODY_BYTES = 4 * 1024;

// Only JSON, small and shallow, reaches validation: a form post from another site is
// refused (login CSRF), and so is a deeply nested body before it can cost anything.
const parseAuthBody = ({ request }: { request: Request }) => readJsonBody(request, AUTH_BODY_BYTES);

export function authRoutes(
  deps: Deps,
  { signer, throttle, signupThrottle, devices }: AuthServices,
  server: () => AddressSource | null,
) {
  const secure = (request: Request) => (isSecureRequest(request, deps.config.trustProxy) ? ["Secure"] : []);
  const cookieFor = (request: Request, token: string, maxAgeSeconds: number) =>
    [
      `${SESSION_COOKIE}=${token}`,
      "HttpOnly",
      "SameSite=Lax",
      "Path=/",
      `Max-Age=${maxAgeSeconds}`,
      ...secure(request),
    ].join("; ");
  // Sent only to /api/auth, never readable by scripts.
  const deviceCookieFor = (request: Request, userId: number) =>
    [
      `${DEVICE_COOKIE}=${devices.issue(userId, deps.clock.now())}`,
      "HttpOnly",
      "SameSite=Strict",
      "Path=/api/auth",
      `Max-Age=${DEVICE_TTL_SECONDS}`,
      ...secure(request),
    ].join("; ");

  type ResponseHeaders = { headers: Record<string, string | number> };

  const beginSession = async (
    request: Request,
    user: Parameters<typeof toUser>[0],
    ip: string,
    set: ResponseHeaders,
  ) => {
    const token = await startSession(deps, signer, user, { userAgent: request.headers.get("user-agent"), ip });
    (set.headers as Record<string, string | string[]>)["set-cookie"] = [
      cookieFor(request, token, SESSION_TTL_MS / 1000),
      deviceCookieFor(request, user.id),
    ];
    set.headers["cache-control"] = "no-store";
    const result: AuthResult = { user: toUser(user, false), token };
    return result;
  };

  return new Elysia({ name: "auth-routes", prefix: "/api/auth" })
    .post(
      "/signup",
      async ({ body, request, set }) => {
        const ip = clientIp(request, server(), deps.config.trustProxy);
        const verify = deps.config.requireEmailVerification;
        const user = await signup(deps, body, ip, signupThrottle, verify);
        if (verify) {
          // No session until the address is confirmed: the link in the mail, then a login.
          await mailVerificationLink(deps, user, ip);
          set.status = 202;
          const pending: SignupPending = { emailVerification: "sent" };
          return pending;
        }
        set.status = 201;
        return beginSession(request, user, ip, set);
      },
      { parse: parseAuthBody, body: signupRequest, detail: { summary: "Create an account and start a session" } },
    )
    .post(
      "/login",
      async ({ body, request, set }) => {
        const ip = clientIp(request, server(), deps.config.trustProxy);
        const device = cookieOf(request, DEVICE_COOKIE);
        const user = await login(deps, throttle, body, ip, (userId) =>
          devices.recognizes(device, userId, deps.clock.now()),
        ).catch((error: unknown) => {
          recordLoginFailure(deps.metrics, error);
          throw error;
        });
        return beginSession(request, user, ip, set);
      },
      { parse: parseAuthBody, body: loginInput, detail: { summary: "Log in with username and password" } },
    )
    .post(
      "/logout",
      async ({ request }) => {
        const session = await authenticateToken(deps, signer, tokenFromRequest(request));
        if (!session) return errorResponse("UNAUTHORIZED", "Not signed in");
        await logout(deps, session, clientIp(request, server(), deps.config.trustProxy));
        return new Response(null, { status: 204, headers: { "Set-Cookie": cookieFor(request, "", 0) } });
      },
      { detail: { summary: "End the current session" } },
    )
    .get("/options", (): AuthOptions => ({ passwordReset: deps.mailer ? "email" : "admin" }), {
      detail: { summary: "How a forgotten password is reset here (a mailed link, or ask an admin)" },
    })
    .post(
      "/forgot-password",
      async ({ body, request, set }) => {
        await requestPasswordReset(deps, body.email, clientIp(request, server(), deps.config.trustProxy));
        // The same answer whether the address belongs to an account or not.
        set.status = 202;
        return { ok: true };
      },
      {
        parse: parseAuthBody,
        body: forgotPasswordInput,
        detail: { summary: "Mail a password reset link, if the address is an account's" },
      },
    )
    .post(
      "/verify-email",
      async ({ body, request }) => {
        await verifyEmail(deps, body.token, clientIp(request, server(), deps.config.trustProxy));
        return new Response(null, { status: 204 });
      },
      { parse: parseAuthBody, body: verifyEmailInput, detail: { summary: "Confirm an email address with its link" } },
    )
    .post(
      "/reset-password",
      async ({ body, request }) => {
        await resetPassword(deps, body.token, body.password, clientIp(request, server(), deps.config.trustProxy));
        return new Response(null, { status: 204 });
      },
      { parse: parseAuthBody, body: resetPasswordInput, detail: { summary: "Set a new password with a reset link" } },
    );
}
