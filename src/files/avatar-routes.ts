// /api/avatar (the caller's own: POST the raw image, DELETE to go back to initials) and
// /api/avatars/:userId/:key (anyone's, for those who may see it: avatars.ts). The key in
// the path changes with every new avatar, so an answer may be cached for good.
import { Elysia } from "elysia";
import { tokenFromRequest } from "../auth/request.ts";
import { authenticateToken } from "../auth/sessions.ts";
import type { TokenSigner } from "../auth/tokens.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../shared/errors.ts";
import { avatarToServe, receiveAvatar, removeAvatar } from "./avatars.ts";

/** Beside /api/files, the other path whose POST body is raw bytes larger than the JSON limit. */
export const AVATAR_PATH = "/api/avatar";

const AVATAR_HEADERS = {
  "content-type": "image/webp",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox",
  "cache-control": "private, max-age=31536000, immutable",
};

export function avatarRoutes(deps: Deps, signer: TokenSigner) {
  const requireUser = async (request: Request) => {
    const session = await authenticateToken(deps, signer, tokenFromRequest(request));
    if (!session) throw new AppError("UNAUTHORIZED", "Log in first");
    return session.user.id;
  };
  return new Elysia({ name: "avatars" })
    .post(AVATAR_PATH, async ({ request }) => receiveAvatar(deps, await requireUser(request), request), {
      parse: "none",
      detail: { summary: "Set your avatar (the raw image as the body; cropped to a square)" },
    })
    .delete(AVATAR_PATH, async ({ request }) => removeAvatar(deps, await requireUser(request)), {
      detail: { summary: "Remove your avatar (initials show again)" },
    })
    .get(
      "/api/avatars/:userId/:key",
      async ({ request, params }) => {
        const viewerId = await requireUser(request);
        const key = await avatarToServe(deps, viewerId, Number(params.userId), params.key);
        const as = { contentType: "image/webp", disposition: "inline" };
        const signed = deps.files.signedUrl(key, as);
        if (signed) {
          return new Response(null, {
            status: 302,
            headers: { location: signed, "cache-control": "private, no-store", "x-content-type-options": "nosniff" },
          });
        }
        const body = await deps.files.read(key);
        if (!body) throw new AppError("NOT_FOUND", "No such avatar");
        return new Response(body, { headers: AVATAR_HEADERS });
      },
      { detail: { summary: "A person's avatar (signed-in people who may see them)" } },
    );
}
