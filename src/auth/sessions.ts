// Sessions: a row per login, named by the JWT's `sid`. A token works while its session
// is not revoked or expired and the user is active with the same token_version.
import { createHash } from "node:crypto";
import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { logActivity } from "../db/activity.ts";
import { perDatabase } from "../db/client.ts";
import type { UserRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import { transaction } from "../db/transaction.ts";
import type { Deps } from "../deps.ts";
import type { SessionView } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { SESSION_TTL_MS, type SessionClaims, type TokenSigner } from "./tokens.ts";

export type AuthSession = { user: UserRow; sessionId: string };

export type SessionMeta = { userAgent: string | null; ip: string | null };

export async function startSession(
  deps: Pick<Deps, "db" | "clock">,
  signer: TokenSigner,
  user: UserRow,
  meta: SessionMeta,
): Promise<string> {
  const { sessions } = tablesOf(deps.db);
  const id = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
  const now = deps.clock.now();
  await deps.db.insert(sessions).values({
    id,
    userId: user.id,
    createdAt: now,
    expiresAt: now + SESSION_TTL_MS,
    userAgent: meta.userAgent?.slice(0, 256) ?? null,
    ip: meta.ip,
  });
  return signer.sign({ sid: id, uid: user.id, tv: user.tokenVersion });
}

// Every request and socket upgrade runs this lookup: prepared once per database.
const sessionLookup = perDatabase((db) => {
  const { sessions, users } = tablesOf(db);
  return db
    .select({ user: users, expiresAt: sessions.expiresAt, lastActiveAt: sessions.lastActiveAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder("sid")), isNull(sessions.revokedAt)))
    .prepare();
});

export async function authenticateToken(
  deps: Pick<Deps, "db" | "clock" | "sessionCache">,
  signer: TokenSigner,
  token: string | null,
): Promise<AuthSession | null> {
  if (!token) return null;
  const claims = await signer.verify(token);
  if (!claims) return null;
  return liveSession(deps, claims);
}

/**
 * The session the claims name, if it is still live: not revoked or expired, its user
 * active with the same token version. Asked on every request, and again when a socket
 * opens (a logout may land between the upgrade's check and the open). The rows come from
 * the session cache while the bus vouches for it (auth/session-cache.ts).
 */
export async function liveSession(
  deps: Pick<Deps, "db" | "clock" | "sessionCache">,
  claims: SessionClaims,
): Promise<AuthSession | null> {
  const now = deps.clock.now();
  const row = await deps.sessionCache.lookup(claims.sid, now, async () => {
    const [found] = await sessionLookup(deps.db).execute({ sid: claims.sid });
    return found;
  });
  if (!row) return null;
  const { user } = row;
  if (user.id !== claims.uid || !user.isActive || user.tokenVersion !== claims.tv) return null;
  if (row.expiresAt <= now) return null;
  if (row.lastActiveAt === null || now - row.lastActiveAt >= LAST_ACTIVE_PRECISION_MS) {
    // Noted on the remembered row too, so that its next requests do not write again.
    row.lastActiveAt = now;
    await markActive(deps, claims.sid, now);
  }
  return { user, sessionId: claims.sid };
}

/** "Last active" is shown to the minute: one write a minute per session, not one per request. */
const LAST_ACTIVE_PRECISION_MS = 60_000;

// A socket upgrade storm (a deploy, a network blip) writes this once per session.
const markActiveStatement = perDatabase((db) => {
  const { sessions } = tablesOf(db);
  return db
    .update(sessions)
    .set({ lastActiveAt: sql`${sql.placeholder("now")}` })
    .where(eq(sessions.id, sql.placeholder("sid")))
    .prepare();
});

async function markActive(deps: Pick<Deps, "db">, sessionId: string, now: number) {
  try {
    await markActiveStatement(deps.db).execute({ sid: sessionId, now });
  } catch {
    // A database that takes no writes must not fail reads for a display detail.
  }
}

/**
 * The id a session is shown and ended by: a digest of the session id, so that the list
 * never hands out the identifier the session token carries.
 */
const publicSessionId = (sessionId: string) => createHash("sha256").update(sessionId).digest("base64url").slice(0, 22);

const liveSessionsOf = (deps: Pick<Deps, "db" | "clock">, userId: number) => {
  const { sessions } = tablesOf(deps.db);
  return deps.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, deps.clock.now())))
    .orderBy(desc(sql`coalesce(${sessions.lastActiveAt}, ${sessions.createdAt})`));
};

/** The person's signed-in devices, the most recently active first; `current` is the caller's. */
export async function listSessions(deps: Pick<Deps, "db" | "clock">, session: AuthSession): Promise<SessionView[]> {
  const iso = (ms: number) => new Date(ms).toISOString();
  return (await liveSessionsOf(deps, session.user.id)).map((row) => ({
    id: publicSessionId(row.id),
    userAgent: row.userAgent,
    ip: row.ip,
    createdAt: iso(row.createdAt),
    lastActiveAt: iso(row.lastActiveAt ?? row.createdAt),
    current: row.id === session.sessionId,
  }));
}

/**
 * Ends one of the person's own sessions by its shown id (the current one included: that
 * is a logout). Someone else's session, or one already ended, is NOT_FOUND.
 */
export async function endOwnSession(
  deps: Pick<Deps, "db" | "clock" | "notifier">,
  session: AuthSession,
  shownId: string,
): Promise<void> {
  const target = (await liveSessionsOf(deps, session.user.id)).find((row) => publicSessionId(row.id) === shownId);
  if (!target) throw new AppError("NOT_FOUND", "No such session");
  await revokeSession(deps, target.id);
  deps.notifier.userSessionEnded(session.user.id, target.id);
}

/** Ends every session of the person but the one asking (password change, "log out all others"). */
export async function endOtherSessions(
  deps: Pick<Deps, "db" | "clock" | "notifier">,
  session: AuthSession,
): Promise<number> {
  const { sessions } = tablesOf(deps.db);
  const ended = await deps.db
    .update(sessions)
    .set({ revokedAt: deps.clock.now() })
    .where(and(eq(sessions.userId, session.user.id), isNull(sessions.revokedAt), ne(sessions.id, session.sessionId)))
    .returning({ id: sessions.id });
  // Their sockets close with 1008 on every instance.
  for (const { id } of ended) deps.notifier.userSessionEnded(session.user.id, id);
  return ended.length;
}

export async function revokeSession(deps: Pick<Deps, "db" | "clock">, sessionId: string): Promise<void> {
  const { sessions } = tablesOf(deps.db);
  await deps.db
    .update(sessions)
    .set({ revokedAt: deps.clock.now() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Ends every session of a user at once (password change, deactivation). */
export async function endAllSessions(deps: Pick<Deps, "db" | "clock">, userId: number): Promise<void> {
  await transaction(deps.db, async (tx) => {
    const { sessions, users } = tablesOf(tx);
    await tx
      .update(users)
      .set({ tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, userId));
    await tx
      .update(sessions)
      .set({ revokedAt: deps.clock.now() })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  });
}

/** "Log out all other devices", written to the activity log. */
export async function logOutOtherDevices(
  deps: Pick<Deps, "db" | "clock" | "notifier">,
  session: AuthSession,
  ip: string,
): Promise<{ endedSessions: number }> {
  const endedSessions = await endOtherSessions(deps, session);
  await logActivity(deps.db, {
    at: deps.clock.now(),
    kind: "sessions_ended",
    userId: session.user.id,
    detail: { endedSessions },
    ip,
  });
  return { endedSessions };
}
