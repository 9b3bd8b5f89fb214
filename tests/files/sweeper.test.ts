// What uploads leave behind is swept: a server killed mid-upload (SIGKILL, a real
// process) leaves a partial file and an "uploading" row, both gone after a restart once
// the grace has passed; uploads never sent are removed after a day, sent ones stay.
import { afterEach, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { tablesOf } from "../../src/db/tables.ts";
import { sweepUploads, UNSENT_GRACE_MS, UPLOADING_GRACE_MS } from "../../src/files/sweeper.ts";
import { signUp } from "../helpers/client.ts";
import { createRoom, eventually } from "../helpers/conversations.ts";
import { download, filesUnder, png, uploaded } from "../helpers/files.ts";
import { fakeClock, startTestServer, tempDir } from "../helpers/server.ts";

const ROOT = join(import.meta.dir, "../..");
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `parley serve` as its own process on a free port, for a crash that is a real one. */
async function startServerProcess(dir: string) {
  const child = Bun.spawn(["bun", join(ROOT, "src/cli/parley.ts"), "serve"], {
    cwd: dir,
    env: {
      ...process.env,
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_PATH: join(dir, "parley.db"),
      LOG_LEVEL: "info",
      SIGNUP_LIMIT: "0",
    },
    stdout: "pipe",
    stderr: "ignore",
  });
  let logs = "";
  const reader = child.stdout.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    logs += new TextDecoder().decode(read.value);
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(logs)?.[1];
    if (url) {
      void (async () => {
        while (!(await reader.read()).done) {}
      })();
      return { child, url };
    }
  }
  throw new Error(`the server exited before listening:\n${logs}`);
}

test("a server killed mid-upload leaves no partial file and no row after its restart", async () => {
  const dir = tempDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const { child, url } = await startServerProcess(dir);
  cleanups.push(() => child.kill("SIGKILL"));
  const ada = await signUp(url);

  // Half a file, then nothing: the upload is in progress when the process dies.
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(100_000).fill(1));
    },
  });
  const upload = fetch(`${url}/api/files`, {
    method: "POST",
    headers: { authorization: `Bearer ${ada.token}`, "x-file-name": "half.bin" },
    body,
  }).catch(() => "connection lost");
  const partialDir = join(dir, "uploads-in-progress");
  await eventually(() => filesUnder(partialDir).length === 1, "the partial file is written");
  child.kill("SIGKILL");
  await child.exited;
  expect(await upload).toBe("connection lost");

  // Restarted after the grace: the start-up sweep removes both.
  const clock = fakeClock(Date.now() + UPLOADING_GRACE_MS + 60_000);
  const restarted = await startTestServer({}, { dir, clock });
  cleanups.push(() => restarted.close());
  await eventually(() => filesUnder(partialDir).length === 0, "the partial file is swept");
  await eventually(
    async () => (await restarted.deps.db.select().from(tablesOf(restarted.deps.db).attachments)).length === 0,
    "the uploading row is swept",
  );
  expect(filesUnder(join(dir, "files"))).toEqual([]);
});

test("an upload never sent goes after a day; a sent one stays", async () => {
  const clock = fakeClock(Date.now());
  const server = await startTestServer({}, { clock });
  cleanups.push(() => server.close());
  const [ada, bob] = [await signUp(server.url), await signUp(server.url)];
  const roomId = await createRoom(server, [ada, bob]);
  const unsent = await uploaded(server.url, ada.token, await png(4, 4), "forgotten.png");
  const sent = await uploaded(server.url, ada.token, await png(4, 4), "sent.png");
  await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "here", attachmentIds: [sent.id] });
  const stored = filesUnder(join(server.dir, "files")).length;
  expect(stored).toBe(4); // two originals, two thumbnails

  clock.advance(UNSENT_GRACE_MS - 60_000);
  expect(await sweepUploads(server.deps)).toEqual({ uploads: 0, partialFiles: 0 });
  clock.advance(120_000);
  expect(await sweepUploads(server.deps)).toEqual({ uploads: 1, partialFiles: 0 });
  expect((await download(server.url, ada.token, `/api/files/${unsent.id}`)).status).toBe(404);
  expect((await download(server.url, bob.token, `/api/files/${sent.id}`)).status).toBe(200);
  expect(filesUnder(join(server.dir, "files")).length).toBe(2);
});
