// The single-file executable, as an operator gets it: `bun run release`'s build for this
// machine, copied alone into an empty folder, started with a clean environment (no bun on
// PATH, no node_modules above it), then used: health, signup, send, live delivery over
// the socket, the web page and its assets, backup and restore through its subcommands,
// and SIGTERM. The build takes a few seconds; the web client is rebuilt only when stale.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildExecutable } from "../../scripts/release.ts";
import { ensureWebBundle } from "../../scripts/web-bundle.ts";
import { signUp } from "../helpers/client.ts";
import { download, png, uploaded } from "../helpers/files.ts";
import { tempDir } from "../helpers/server.ts";
import { openSocket } from "../helpers/ws.ts";

const ROOT = join(import.meta.dir, "../..");
const build = tempDir("parley-release-build-");
const bare = tempDir("parley-bare-");
const executable = join(bare, "parley");

// Nothing the executable could lean on: no PATH entry at all, no HOME with caches.
const cleanEnvironment = { PATH: join(bare, "no-such-bin"), HOME: bare, HOST: "127.0.0.1", PORT: "0" };

/** Runs a subcommand of the executable in the bare folder, as an operator would. */
function parley(args: string[]) {
  const result = Bun.spawnSync([executable, ...args], {
    cwd: bare,
    env: cleanEnvironment,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() };
}

let server: ReturnType<typeof Bun.spawn> | undefined;
let url = "";
let logs = "";

beforeAll(async () => {
  await ensureWebBundle({ quiet: true });
  await buildExecutable("host", join(build, "parley"), { quiet: true });
  copyFileSync(join(build, "parley"), executable);
  rmSync(build, { recursive: true, force: true });

  const child = Bun.spawn([executable, "serve"], {
    cwd: bare,
    env: { ...cleanEnvironment, LOG_LEVEL: "info" },
    stdout: "pipe",
    stderr: "pipe",
  });
  server = child;
  // Reads the JSON log lines for the address (PORT=0 picks a free one), and keeps reading
  // so that the pipe never fills.
  const listening = Promise.withResolvers<string>();
  void (async () => {
    const decoder = new TextDecoder();
    const reader = child.stdout.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      logs += decoder.decode(read.value, { stream: true });
      const address = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"Parley is listening"/.exec(logs)?.[1];
      if (address) listening.resolve(address);
    }
    listening.reject(new Error(`the executable exited before listening:\n${logs}`));
  })();
  const timer = setTimeout(() => listening.reject(new Error(`not listening after 20 s:\n${logs}`)), 20_000);
  url = await listening.promise.finally(() => clearTimeout(timer));
}, 180_000);

afterAll(() => {
  server?.kill("SIGKILL");
  rmSync(bare, { recursive: true, force: true });
});

test("runs from a folder holding only itself, with no bun on PATH and no node_modules above", () => {
  expect(Bun.which("bun", { PATH: cleanEnvironment.PATH })).toBeNull();
  for (let dir = bare; dir !== dirname(dir); dir = dirname(dir)) {
    expect(existsSync(join(dir, "node_modules"))).toBe(false);
  }
  // What the running server made beside it: its database and nothing else.
  expect(existsSync(join(bare, "data", "parley.db"))).toBe(true);
  const version = parley(["version"]);
  expect(version.code).toBe(0);
  expect(version.out).toMatch(/^parley \d+\.\d+\.\d+ \(commit [0-9a-f]+;/);
});

test("answers health, signs up, sends, and delivers live over the socket", async () => {
  const health = await fetch(`${url}/api/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, db: "ok" });

  const [ada, bob] = await Promise.all([signUp(url), signUp(url)]);
  const socket = await openSocket(url, bob.token);
  try {
    const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "from one file" });
    const frame = await socket.next("message", (f) => f.message.id === sent.id);
    expect(frame.message.body).toBe("from one file");
    expect(frame.message.senderId).toBe(ada.user.id);
  } finally {
    socket.close();
  }
});

test("serves the web page and every asset it references, byte for byte the built client", async () => {
  const page = await fetch(`${url}/c/1`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toContain("text/html");
  const html = await page.text();
  expect(html).toBe(readFileSync(join(ROOT, "web/dist/index.html"), "utf8"));
  // Every file the page loads (hashed assets, icons, the manifest) and the service worker.
  const files = [...html.matchAll(/(?:src|href)="(\/[^"/][^"]*)"/g)].map((m) => m[1] ?? "");
  expect(files.some((path) => /^\/assets\/.*\.js$/.test(path))).toBe(true);
  for (const path of [...files, ...(existsSync(join(ROOT, "web/dist/sw.js")) ? ["/sw.js"] : [])]) {
    const file = await fetch(`${url}${path}`, { headers: { "accept-encoding": "identity" } });
    expect([path, file.status]).toEqual([path, 200]);
    const type = file.headers.get("content-type") ?? "";
    if (path.endsWith(".js")) expect(type).toContain("javascript");
    if (path.endsWith(".css")) expect(type).toContain("text/css");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(
      new Uint8Array(readFileSync(join(ROOT, "web/dist", path))),
    );
  }
  expect((await fetch(`${url}/assets/not-there.js`)).status).toBe(404);
});

test("serves the API docs with every same-origin file they load (anything read at run time must be embedded)", async () => {
  const docs = await fetch(`${url}/api/docs`);
  expect(docs.status).toBe(200);
  const html = await docs.text();
  for (const [, path] of html.matchAll(/(?:src|href)="(\/[^"/][^"]*)"/g)) {
    expect([path, (await fetch(`${url}${path}`)).status]).toEqual([path, 200]);
  }
  expect((await fetch(`${url}/api/docs/json`)).status).toBe(200);
});

test("keeps files without sharp (not embeddable): an image is a plain download, and the log says why", async () => {
  const ada = await signUp(url);
  const attachment = await uploaded(url, ada.token, await png(8, 6), "picture.png");
  expect(attachment).toMatchObject({ contentType: "image/png", image: null });
  const file = await download(url, ada.token, `/api/files/${attachment.id}`);
  expect(file.status).toBe(200);
  expect(file.headers.get("content-disposition")).toStartWith("attachment;");
  expect(logs).toContain("image processing unavailable");
});

test("backs up and restores through its own subcommands while it runs", async () => {
  const kept = await signUp(url, { username: "kept_in_backup" });
  const backup = parley(["backup", "backups/before.db"]);
  expect(backup.err).toBe("");
  expect(backup.code).toBe(0);
  expect(existsSync(join(bare, "backups", "before.db"))).toBe(true);

  const later = await signUp(url, { username: "made_after_backup" });
  const restore = parley(["restore", "backups/before.db"]);
  expect(restore.err).toBe("");
  expect(restore.code).toBe(0);
  expect((await kept.trpc.users.me.query()).username).toBe("kept_in_backup");
  await expect(later.trpc.users.me.query()).rejects.toThrow();

  expect(parley(["backup", "backups/before.db"]).code).toBe(1);
});

test("SIGTERM closes sockets with 1001 and exits 0 within 10 s", async () => {
  const ada = await signUp(url);
  const socket = await openSocket(url, ada.token);
  server?.kill("SIGTERM");
  expect((await socket.closed(10_000)).code).toBe(1001);
  const exit = await Promise.race([server?.exited, Bun.sleep(10_000).then(() => "still running")]);
  expect(exit).toBe(0);
  expect(logs).toContain('"msg":"shutting down"');
});
