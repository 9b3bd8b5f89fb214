// The bucket path against a real S3-compatible server (s3rver, over plain HTTP on
// 127.0.0.1): files land in the bucket under random names, members are redirected to a
// signed URL that serves the sniffed type and disposition, outsiders get 404.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import S3rver from "s3rver";
import { ensureWebBundle } from "../../scripts/web-bundle.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { createRoom } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { download, photoWithGps, png, uploaded } from "../helpers/files.ts";
import { startTestServer, type TestServer, tempDir } from "../helpers/server.ts";

forEachDatabase(() => {
  let s3: S3rver;
  let s3Dir: string;
  let server: TestServer;
  let ada: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let bucket: Bun.S3Client;

  beforeAll(async () => {
    s3Dir = tempDir("parley-s3-");
    s3 = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: s3Dir,
      configureBuckets: [{ name: "parley-files" }],
    });
    const { port } = (await s3.run()) as { port: number };
    const endpoint = `http://127.0.0.1:${port}`;
    const credentials = { S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER" };
    server = await startTestServer({
      S3_BUCKET: "parley-files",
      S3_ENDPOINT: endpoint,
      S3_REGION: "us-east-1",
      ...credentials,
    });
    bucket = new Bun.S3Client({
      bucket: "parley-files",
      endpoint,
      region: "us-east-1",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    });
    [ada, bob, eve] = [await signUp(server.url), await signUp(server.url), await signUp(server.url)];
  });
  afterAll(async () => {
    await server.close();
    await s3.close();
    rmSync(s3Dir, { recursive: true, force: true });
  });

  test("an image goes to the bucket; members follow a signed URL, outsiders get 404", async () => {
    const roomId = await createRoom(server, [ada, bob]);
    const attachment = await uploaded(server.url, ada.token, await photoWithGps(30, 20), "photo.jpg");
    await ada.trpc.history.send.mutate({
      to: { conversationId: roomId },
      body: "look",
      attachmentIds: [attachment.id],
    });
    const objects = (await bucket.list()).contents ?? [];
    // The original and its thumbnail, under random names (never the file's).
    expect(objects).toHaveLength(2);
    expect(objects.map((o) => o.key).join()).not.toContain("photo");

    const redirect = await download(server.url, bob.token, `/api/files/${attachment.id}`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    const signed = redirect.headers.get("location") ?? "";
    expect(signed).toContain("X-Amz-Expires=300");
    const file = await fetch(signed);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/jpeg");
    expect(file.headers.get("content-disposition")).toStartWith("inline;");
    expect(new TextDecoder("latin1").decode(await file.arrayBuffer())).not.toContain("SecretCam");

    expect((await download(server.url, eve.token, `/api/files/${attachment.id}`, { redirect: "manual" })).status).toBe(
      404,
    );
  });

  test("a removed upload leaves the bucket", async () => {
    const before = ((await bucket.list()).contents ?? []).length;
    const attachment = await uploaded(server.url, ada.token, "%PDF-1.4\n%%EOF\n", "a.pdf");
    expect(((await bucket.list()).contents ?? []).length).toBe(before + 1);
    const removed = await fetch(`${server.url}/api/files/${attachment.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${ada.token}` },
    });
    expect(removed.status).toBe(204);
    expect(((await bucket.list()).contents ?? []).length).toBe(before);
  });

  test("the page's Content-Security-Policy lets images follow the redirect to the bucket", async () => {
    await ensureWebBundle({ quiet: true });
    const roomId = await createRoom(server, [ada, bob]);
    const attachment = await uploaded(server.url, ada.token, await png(8, 6), "pixel.png");
    await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "", attachmentIds: [attachment.id] });
    const redirect = await download(server.url, bob.token, `/api/files/${attachment.id}/thumbnail`, {
      redirect: "manual",
    });
    expect(redirect.status).toBe(302);
    const target = new URL(redirect.headers.get("location") ?? "").origin;
    expect(target).not.toBe(new URL(server.url).origin);

    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    const policy = page.headers.get("content-security-policy") ?? "";
    const imgSrc =
      policy
        .split(";")
        .map((d) => d.trim())
        .find((d) => d.startsWith("img-src")) ?? "";
    expect(imgSrc.split(" ")).toContain(target);
    // Nothing else is widened: scripts and connections stay the app's own.
    expect(policy).toContain("script-src 'self';");
    expect(policy).not.toContain(`connect-src 'self' ${target}`);
  });
});
