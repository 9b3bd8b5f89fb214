// Signs and verifies session tokens (JWT, HS256 pinned) through @elysiajs/jwt.
import { jwt } from "@elysiajs/jwt";

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

export type SessionClaims = { sid: string; uid: number; tv: number };

export type TokenSigner = {
  sign(claims: SessionClaims): Promise<string>;
  verify(token: string): Promise<SessionClaims | null>;
};

export function createTokenSigner(secret: string): TokenSigner {
  // The plugin's decorator is the signer itself; using it outside a route lets the
  // tRPC context and the WebSocket upgrade share it.
  const signer = jwt({ name: "jwt", secret, alg: "HS256", exp: "30d" }).decorator.jwt;
  return {
    sign: (claims) => signer.sign(claims),
    async verify(token) {
      const payload = await signer.verify(token).catch(() => false as const);
      if (!payload) return null;
      const { sid, uid, tv } = payload as Record<string, unknown>;
      if (typeof sid !== "string" || typeof uid !== "number" || typeof tv !== "number") return null;
      return { sid, uid, tv };
    },
  };
}
