// Uploads and downloads over real HTTP: who may read a file, what type it is served as,
// the size limit and the quota (clear errors, nothing left behind), sending with a message.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import sharp from "sharp";
import { tablesOf } from "../../src/db/tables.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { createRoom, eventually } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { download, filesUnder, photoWithGps, png, uploaded, uploadFile } from "../helpers/files.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failure } from "../helpers/trpc.ts";

forEachDatabase(() => {
  let server: TestServer;
  let ada: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let roomId: number;

  beforeAll(async () => {
    server = await startTestServer({ MAX_UPLOAD: "200000", UPLOAD_QUOTA: "500000" });
    [ada, bob, eve] = [await signUp(server.url), await signUp(server.url), await signUp(server.url)];
    roomId = await createRoom(server, [ada, bob]);
  });
  afterAll(() => server.close());

  const filesDir = () => join(server.dir, "files");
  const partialDir = () => join(server.dir, "uploads-in-progress");

  describe("an image sent to a room", () => {
    test("both members see it with its size; its metadata is gone; an outsider gets 404", async () => {
      const photo = await photoWithGps(64, 48);
      expect((await sharp(photo).metadata()).exif).toBeDefined();
      const attachment = await uploaded(server.url, ada.token, photo, "holiday.jpg");
      expect(attachment).toMatchObject({
        name: "holiday.jpg",
        contentType: "image/jpeg",
        image: { width: 64, height: 48 },
      });

      const sent = await ada.trpc.history.send.mutate({
        to: { conversationId: roomId },
        body: "",
        attachmentIds: [attachment.id],
      });
      expect(sent.body).toBe("");
      expect(sent.attachments).toEqual([attachment]);
      const page = await bob.trpc.history.messages.query({ conversationId: roomId });
      expect(page.items.at(-1)?.attachments).toEqual([attachment]);
      const list = await bob.trpc.history.conversations.query();
      expect(list.find((c) => c.id === roomId)?.lastMessage?.attachments).toEqual([attachment]);

      const file = await download(server.url, bob.token, `/api/files/${attachment.id}`);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toBe("image/jpeg");
      expect(file.headers.get("x-content-type-options")).toBe("nosniff");
      expect(file.headers.get("content-disposition")).toStartWith("inline;");
      const served = new Uint8Array(await file.arrayBuffer());
      const meta = await sharp(served).metadata();
      expect(meta.exif).toBeUndefined();
      expect(new TextDecoder("latin1").decode(served)).not.toContain("SecretCam");

      const thumbnail = await download(server.url, bob.token, `/api/files/${attachment.id}/thumbnail`);
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers.get("content-type")).toBe("image/webp");

      for (const path of [`/api/files/${attachment.id}`, `/api/files/${attachment.id}/thumbnail`]) {
        const outsider = await download(server.url, eve.token, path);
        expect(outsider.status).toBe(404);
        expect(await outsider.text()).not.toContain("holiday");
        expect((await download(server.url, null, path)).status).toBe(401);
      }
    });

    test("an upload is its uploader's alone until sent, and cannot be sent by someone else", async () => {
      const attachment = await uploaded(server.url, ada.token, await png(10, 20), "draft.png");
      expect((await download(server.url, ada.token, `/api/files/${attachment.id}`)).status).toBe(200);
      expect((await download(server.url, bob.token, `/api/files/${attachment.id}`)).status).toBe(404);
      const error = await failure(
        bob.trpc.history.send.mutate({
          to: { conversationId: roomId },
          body: "mine now",
          attachmentIds: [attachment.id],
        }),
      );
      expect(error.data?.code).toBe("BAD_REQUEST");
      // Nothing was sent with it.
      const page = await ada.trpc.history.messages.query({ conversationId: roomId });
      expect(page.items.some((m) => m.body === "mine now")).toBe(false);
    });

    test("a photo taken sideways (EXIF orientation) reports its upright size", async () => {
      const sideways = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#00f" } })
        .jpeg()
        .withMetadata({ orientation: 6 })
        .toBuffer();
      const attachment = await uploaded(server.url, ada.token, new Uint8Array(sideways), "portrait.jpg");
      expect(attachment.image).toEqual({ width: 30, height: 40 });
      const served = await download(server.url, ada.token, `/api/files/${attachment.id}`);
      const meta = await sharp(new Uint8Array(await served.arrayBuffer())).metadata();
      expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([30, 40, 1]);
    });
  });

  test("deleting a message deletes its files, from the answer and from the disk", async () => {
    const before = filesUnder(filesDir()).length;
    const attachment = await uploaded(server.url, ada.token, await png(12, 8), "gone-soon.png");
    const sent = await ada.trpc.history.send.mutate({
      to: { conversationId: roomId },
      body: "for a moment",
      attachmentIds: [attachment.id],
    });
    expect(filesUnder(filesDir()).length).toBe(before + 2);
    const deleted = await ada.trpc.history.delete.mutate({ id: sent.id });
    expect(deleted.attachments).toEqual([]);
    expect((await download(server.url, bob.token, `/api/files/${attachment.id}`)).status).toBe(404);
    await eventually(() => filesUnder(filesDir()).length === before, "the stored files are removed");
    const page = await bob.trpc.history.messages.query({ conversationId: roomId });
    expect(page.items.find((m) => m.id === sent.id)?.attachments).toEqual([]);
  });

  describe("what a file is served as", () => {
    test("an HTML page renamed .png is a download of bytes, never HTML", async () => {
      const page = "<!doctype html><html><body><script>alert(document.cookie)</script></body></html>";
      const attachment = await uploaded(server.url, ada.token, page, "cat.png");
      expect(attachment.contentType).toBe("application/octet-stream");
      expect(attachment.image).toBeNull();
      const file = await download(server.url, ada.token, `/api/files/${attachment.id}`);
      expect(file.headers.get("content-type")).toBe("application/octet-stream");
      expect(file.headers.get("content-disposition")).toStartWith("attachment;");
      expect(file.headers.get("x-content-type-options")).toBe("nosniff");
      expect(file.headers.get("content-security-policy")).toContain("sandbox");
    });

    test("an SVG is a download, not an inline image", async () => {
      const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
      const attachment = await uploaded(server.url, ada.token, svg, "logo.svg");
      expect(attachment.image).toBeNull();
      const file = await download(server.url, ada.token, `/api/files/${attachment.id}`);
      expect(file.headers.get("content-disposition")).toStartWith("attachment;");
      expect(file.headers.get("content-type")).not.toContain("svg");
    });

    test("a PDF keeps its type, downloads with its name", async () => {
      const pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
      const attachment = await uploaded(server.url, ada.token, pdf, "Bericht – März.pdf");
      expect(attachment.contentType).toBe("application/pdf");
      const file = await download(server.url, ada.token, `/api/files/${attachment.id}`);
      expect(file.headers.get("content-disposition")).toContain(
        `filename*=UTF-8''${encodeURIComponent("Bericht – März.pdf")}`,
      );
    });

    test("a program is refused with a clear error", async () => {
      const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(120).fill(0)]);
      const response = await uploadFile(server.url, ada.token, elf, "tool.png");
      expect(response.status).toBe(415);
      expect((await response.json()).error.message).toContain("programs cannot be shared");
    });
  });

  describe("limits", () => {
    // The server starts in beforeAll, after this body has run: read its tables when counting.
    const rows = async () => (await server.deps.db.select().from(tablesOf(server.deps.db).attachments)).length;

    test("a file over MAX_UPLOAD is refused, declared or streamed, and leaves nothing", async () => {
      const before = { rows: await rows(), files: filesUnder(filesDir()).length };
      const big = new Uint8Array(200_001);
      const declared = await uploadFile(server.url, bob.token, big, "big.bin");
      expect(declared.status).toBe(413);
      expect((await declared.json()).error.message).toBe("The file is larger than 200 KB, the most one upload may be");
      // Chunked: no Content-Length, the counter stops it.
      const stream = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(50_000));
          controller.close();
        },
      });
      const streamed = await uploadFile(server.url, bob.token, stream, "big.bin");
      expect(streamed.status).toBe(413);
      expect({ rows: await rows(), files: filesUnder(filesDir()).length }).toEqual(before);
      expect(filesUnder(partialDir())).toEqual([]);
    });

    test("the quota counts what someone keeps; over it is a clear error and leaves nothing", async () => {
      const carol = await signUp(server.url);
      for (let i = 0; i < 3; i++)
        await uploaded(server.url, carol.token, new Uint8Array(150_000).fill(i + 1), `part${i}.bin`);
      const limits = await (await download(server.url, carol.token, "/api/files")).json();
      expect(limits).toEqual({ maxUpload: 200_000, quota: 500_000, used: 450_000 });
      const before = { rows: await rows(), files: filesUnder(filesDir()).length };
      const response = await uploadFile(server.url, carol.token, new Uint8Array(60_000), "one-more.bin");
      expect(response.status).toBe(413);
      expect((await response.json()).error.message).toBe(
        "This file does not fit in your 500 KB of uploads (450 KB used); delete some first",
      );
      expect({ rows: await rows(), files: filesUnder(filesDir()).length }).toEqual(before);
      expect(filesUnder(partialDir())).toEqual([]);
    });

    test("an unsent upload can be removed by its uploader only", async () => {
      const attachment = await uploaded(server.url, ada.token, "notes", "notes.txt");
      const foreign = await fetch(`${server.url}/api/files/${attachment.id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${bob.token}` },
      });
      expect(foreign.status).toBe(404);
      const own = await fetch(`${server.url}/api/files/${attachment.id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${ada.token}` },
      });
      expect(own.status).toBe(204);
      expect((await download(server.url, ada.token, `/api/files/${attachment.id}`)).status).toBe(404);
    });

    test("an upload from another site's page is refused", async () => {
      const response = await uploadFile(server.url, ada.token, "x", "x.txt", { origin: "https://evil.example" });
      expect(response.status).toBe(403);
    });
  });
});
