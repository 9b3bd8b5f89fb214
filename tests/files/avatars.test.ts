// Avatars over real HTTP: an upload is cropped to a 256 px square WebP and stored in the
// file storage; the person's peers hear of it live; the limits (size, type, pixels) refuse
// with clear errors; only signed-in people who may see the person get it; removal.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { tablesOf } from "../../src/db/tables.ts";
import { userSchema } from "../../src/shared/api.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { download, filesUnder, png } from "../helpers/files.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket } from "../helpers/ws.ts";

forEachDatabase(() => {
  let server: TestServer;
  let ada: TestUser;
  let bob: TestUser;
  let stranger: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    [ada, bob, stranger] = [await signUp(server.url), await signUp(server.url), await signUp(server.url)];
    await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "hello" });
  });
  afterAll(() => server.close());

  const putAvatar = (who: TestUser | null, body: BodyInit) =>
    fetch(`${server.url}/api/avatar`, {
      method: "POST",
      headers: who ? { authorization: `Bearer ${who.token}` } : {},
      body,
    });

  async function setAvatar(who: TestUser, body: BodyInit) {
    const response = await putAvatar(who, body);
    if (response.status !== 200) throw new Error(`avatar refused: ${response.status} ${await response.text()}`);
    return userSchema.parse(await response.json());
  }

  /** A PNG whose header claims `width` × `height` pixels (a decompression bomb's first bytes). */
  async function pngClaiming(width: number, height: number): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = new Uint8Array(await png(1, 1));
    const view = new DataView(bytes.buffer);
    // The IHDR chunk: length (4) and type (4) at 8, data at 16 (width, height), CRC after 13 bytes of data.
    view.setUint32(16, width);
    view.setUint32(20, height);
    view.setUint32(29, Bun.hash.crc32(bytes.subarray(12, 29)));
    return bytes;
  }

  test("an upload becomes a 256 px square WebP that the person's peers see live", async () => {
    const bobSocket = await openSocket(server.url, bob.token);
    const updated = await setAvatar(ada, await png(300, 200, "#36c"));
    expect(updated.avatar).toMatch(new RegExp(`^/api/avatars/${ada.user.id}/[A-Za-z0-9_-]{22}$`));
    const frame = await bobSocket.next("user", (f) => f.user.id === ada.user.id);
    expect(frame.user.avatar).toBe(updated.avatar);
    bobSocket.close();

    const response = await download(server.url, bob.token, updated.avatar ?? "");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/webp");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const meta = await sharp(new Uint8Array(await response.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: "webp", width: 256, height: 256 });
    expect(meta.exif).toBeUndefined();

    // Everywhere the person appears: the conversation list's peer carries it too.
    const [conversation] = await bob.trpc.history.conversations.query();
    expect(conversation?.peer?.avatar).toBe(updated.avatar);
  });

  test("a new avatar is a new URL; the old one is gone from the storage and answers 404", async () => {
    const first = await setAvatar(ada, await png(64, 64, "#c33"));
    const second = await setAvatar(ada, await png(64, 64, "#3c3"));
    expect(second.avatar).not.toBe(first.avatar);
    expect((await download(server.url, bob.token, first.avatar ?? "")).status).toBe(404);
    expect((await download(server.url, bob.token, second.avatar ?? "")).status).toBe(200);
  });

  test("refusals: not an image, too large, too many pixels, empty, not signed in", async () => {
    const text = await putAvatar(ada, "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>");
    expect(text.status).toBe(415);
    expect((await text.json()).error.message).toBe("An avatar must be a JPEG, PNG, WebP, GIF or AVIF image");

    const big = await putAvatar(ada, new Uint8Array(5_000_001));
    expect(big.status).toBe(413);
    expect((await big.json()).error.message).toContain("5 MB");

    const bomb = await putAvatar(ada, await pngClaiming(50_000, 50_000));
    expect(bomb.status).toBe(400);
    expect((await bomb.json()).error.message).toBe(
      "The image is 50000 × 50000 pixels; an avatar may have at most 40 million pixels",
    );
    const strip = await putAvatar(ada, await pngClaiming(30_000, 1));
    expect(strip.status).toBe(400);

    expect((await putAvatar(ada, new Uint8Array(0))).status).toBe(400);
    expect((await putAvatar(null, await png(8, 8))).status).toBe(401);
    // Nothing half-made was left behind in the partial uploads folder.
    expect(filesUnder(server.deps.config.partialUploadsPath)).toEqual([]);
  });

  test("who may fetch an avatar: signed-in people while the account is active, then only those sharing a conversation", async () => {
    const { avatar } = await setAvatar(ada, await png(32, 32));
    const path = avatar ?? "";
    expect((await download(server.url, null, path)).status).toBe(401);
    expect((await download(server.url, stranger.token, path)).status).toBe(200);

    const { users } = tablesOf(server.deps.db);
    await server.deps.db.update(users).set({ isActive: false }).where(eq(users.id, ada.user.id));
    try {
      expect((await download(server.url, stranger.token, path)).status).toBe(404);
      expect((await download(server.url, bob.token, path)).status).toBe(200);
    } finally {
      await server.deps.db.update(users).set({ isActive: true }).where(eq(users.id, ada.user.id));
    }
    // A made-up key is the same 404 as no avatar at all.
    expect((await download(server.url, bob.token, `/api/avatars/${ada.user.id}/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(
      404,
    );
    expect((await download(server.url, bob.token, `/api/avatars/${bob.user.id}/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(
      404,
    );
  });

  test("removing the avatar brings the initials back for everyone, live", async () => {
    const { avatar } = await setAvatar(ada, await png(32, 32));
    const storedBefore = filesUnder(
      server.deps.config.fileStorage.kind === "local" ? server.deps.config.fileStorage.path : "",
    );
    const bobSocket = await openSocket(server.url, bob.token);
    const response = await fetch(`${server.url}/api/avatar`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${ada.token}` },
    });
    expect(response.status).toBe(200);
    expect(userSchema.parse(await response.json()).avatar).toBeNull();
    const frame = await bobSocket.next("user", (f) => f.user.id === ada.user.id && f.user.avatar === null);
    expect(frame.user.avatar).toBeNull();
    bobSocket.close();
    expect((await download(server.url, bob.token, avatar ?? "")).status).toBe(404);
    const storedAfter = filesUnder(
      server.deps.config.fileStorage.kind === "local" ? server.deps.config.fileStorage.path : "",
    );
    expect(storedAfter.length).toBe(storedBefore.length - 1);
  });
});
