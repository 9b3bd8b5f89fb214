// Sessions: a row per login, named by the JWT's `sid`. A token works while its session
// is not revoked or expired and the user is active with the same token_version.
import { and, eq, isNull, sql } from "drizzle-orm";
import { perDatabase } from "../db/client.ts";
import { sessions, type UserRow, users } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import { SESSION_TTL_MS, type SessionClaims, type TokenSigner } from "./tokens.ts";

export type AuthSession = { user: UserRow; sessionId: string };

export type SessionMeta = { userAgent: string | null; ip: string | null };

export async function startSession(
  deps: Pick<Deps, "db" | "clock">,
  signer: TokenSigner,
  user: UserRow,
  meta: SessionMeta,
): Promise<string> {
  const id = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
  const now = deps.clock.now();
  deps.db
    .insert(sessions)
    .values({
      id,
      userId: user.id,
      createdAt: now,
      expiresAt: now + SESSION_TTL_MS,
      userAgent: meta.userAgent?.slice(0, 256) ?? null,
      ip: meta.ip,
    })
    .run();
  return signer.sign({ sid: id, uid: user.id, tv: user.tokenVersion });
}

// Every request and socket upgrade runs this lookup: prepared once per database.
const sessionLookup = perDatabase((db) =>
  db
    .select({ user: users, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder("sid")), isNull(sessions.revokedAt)))
    .prepare(),
);

export async function authenticateToken(
  deps: Pick<Deps, "db" | "clock">,
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
 * opens (a logout may land between the upgrade's check and the open).
 */
export function liveSession(deps: Pick<Deps, "db" | "clock">, claims: SessionClaims): AuthSession | null {
  const row = sessionLookup(deps.db).get({ sid: claims.sid });
  if (!row) return null;
  const { user } = row;
  if (user.id !== claims.uid || !user.isActive || user.tokenVersion !== claims.tv) return null;
  if (row.expiresAt <= deps.clock.now()) return null;
  return { user, sessionId: claims.sid };
}

export function revokeSession(deps: Pick<Deps, "db" | "clock">, sessionId: string) {
  deps.db
    .update(sessions)
    .set({ revokedAt: deps.clock.now() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .run();
}

/** Ends every session of a user at once (password change, deactivation). */
export function endAllSessions(deps: Pick<Deps, "db" | "clock">, userId: number) {
  deps.db.transaction((tx) => {
    tx.update(users)
      .set({ tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, userId))
      .run();
    tx.update(sessions)
      .set({ revokedAt: deps.clock.now() })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .run();
  });
}
