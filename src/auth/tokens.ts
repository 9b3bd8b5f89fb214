// Signs and verifies session tokens (JWT, HS256 pinned) through @elysiajs/jwt.
import { jwt } from "@elysiajs/jwt";

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const VERIFIED_TOKENS_KEPT = 10_000;

export type SessionClaims = { sid: string; uid: number; tv: number };

export type TokenSigner = {
  sign(claims: SessionClaims): Promise<string>;
  verify(token: string): Promise<SessionClaims | null>;
};

export function createTokenSigner(secret: string): TokenSigner {
  // The plugin's decorator is the signer itself; using it outside a route lets the
  // tRPC context and the WebSocket upgrade share it.
  const signer = jwt({ name: "jwt", secret, alg: "HS256", exp: "30d" }).decorator.jwt;
  // A verification imports the key and computes an HMAC (~50 µs: bench/README.md,
  // scenario 1), and a client sends the same token with every request. Tokens that
  // verified are remembered until they expire, a bounded number, oldest out first.
  // Revocation is unaffected: authenticateToken checks the session (auth/session-cache.ts).
  const verified = new Map<string, { claims: SessionClaims; expiresAt: number }>();
  return {
    sign: (claims) => signer.sign(claims),
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt > Date.now()) return known.claims;
        verified.delete(token);
      }
      // jose accepts any HMAC algorithm for a symmetric key unless told which: HS512 tokens
      // passed. Only what we sign is accepted.
      const payload = await signer.verify(token, { algorithms: ["HS256"] }).catch(() => false as const);
      if (!payload) return null;
      const { sid, uid, tv, exp } = payload as Record<string, unknown>;
      if (typeof sid !== "string" || typeof uid !== "number" || typeof tv !== "number") return null;
      const claims = { sid, uid, tv };
      if (typeof exp === "number") {
        if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value as string);
        verified.set(token, { claims, expiresAt: exp * 1000 });
      }
      return claims;
    },
  };
}
