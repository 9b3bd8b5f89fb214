// parley-client as a third party gets it: built by its build script, installed into a
// fresh project next to nothing of Parley's source, type-checked against a consumer that
// uses the router's types (a wrong call must be a type error), packed by npm, and run
// against a real server.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { signUp, type TestUser, trpcClient } from "../helpers/client.ts";
import { startTestServer, type TestServer, tempDir } from "../helpers/server.ts";

const root = resolve(import.meta.dir, "../..");
const work = tempDir("parley-client-package-");
const dist = join(work, "dist");
const consumer = join(work, "consumer");

let server: TestServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
  const build = Bun.spawnSync(["bun", join(root, "packages/parley-client/build.ts"), dist], { cwd: root });
  if (build.exitCode !== 0) throw new Error(`the build failed:\n${build.stdout}\n${build.stderr}`);

  // A project of its own: its node_modules holds the package as built and what npm would
  // install beside it (taken from this checkout's, since tests reach no registry).
  mkdirSync(join(consumer, "node_modules"), { recursive: true });
  for (const name of readdirSync(join(root, "node_modules"))) {
    if (name === "parley-client" || name === ".bin") continue;
    symlinkSync(join(root, "node_modules", name), join(consumer, "node_modules", name));
  }
  // Copied, as an install does: a symlink would make TypeScript resolve the package's own
  // imports from where the build lies, not from the project's node_modules.
  cpSync(dist, join(consumer, "node_modules", "parley-client"), { recursive: true });
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "bundler",
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        lib: ["ES2022", "DOM"],
        types: [],
      },
      files: ["bot.ts"],
    }),
  );
  writeFileSync(
    join(consumer, "bot.ts"),
    `import { login, type Message } from "parley-client";

const [url, username, password, peer] = process.argv.slice(2) as [string, string, string, string];
const client = await login(url, { username, password });
const sent: Message = await client.send({ userId: Number(peer) }, "hello from the published package");
if (Math.random() > 2) {
  // @ts-expect-error the router's types reach the consumer: a body is a string
  await client.trpc.history.send.mutate({ to: { userId: 1 }, body: 42 });
}
console.log(JSON.stringify({ id: sent.id, body: sent.body }));
declare const process: { argv: string[] };
`,
  );
}, 180_000);

afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

test("a consumer project type-checks against the built package, and a wrong call is a type error", () => {
  const check = Bun.spawnSync([join(root, "node_modules/.bin/tsc"), "-p", "tsconfig.json"], { cwd: consumer });
  expect(check.stdout.toString() + check.stderr.toString()).toBe("");
  expect(check.exitCode).toBe(0);

  // Without the @ts-expect-error the wrong call is refused: the types are not `any`.
  const botPath = join(consumer, "bot.ts");
  const source = readFileSync(botPath, "utf8");
  writeFileSync(botPath, source.replace(/\s*\/\/ @ts-expect-error.*\n/, "\n"));
  const wrong = Bun.spawnSync([join(root, "node_modules/.bin/tsc"), "-p", "tsconfig.json"], { cwd: consumer });
  writeFileSync(botPath, source);
  expect(wrong.exitCode).not.toBe(0);
  expect(wrong.stdout.toString()).toContain("bot.ts");
}, 120_000);

test("npm packs it with its code, types and README, and nothing of the server's code", () => {
  const pack = Bun.spawnSync(["npm", "pack", "--dry-run", "--json"], { cwd: dist });
  expect(pack.exitCode).toBe(0);
  const [packed] = JSON.parse(pack.stdout.toString()) as [{ name: string; files: { path: string }[] }];
  expect(packed.name).toBe("parley-client");
  const paths = packed.files.map((file) => file.path);
  expect(paths).toContain("index.js");
  expect(paths).toContain("README.md");
  expect(paths).toContain("types/packages/parley-client/src/index.d.ts");
  expect(paths.filter((path) => !path.endsWith(".d.ts") && path.startsWith("types/"))).toEqual([]);
}, 60_000);

test("the consumer runs on the built package: it logs in and its message is stored", async () => {
  // Spawned without blocking: the server answering it runs in this process.
  const run = Bun.spawn(["bun", "bot.ts", server.url, alice.user.username, alice.password, String(bob.user.id)], {
    cwd: consumer,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text()]);
  expect(stderr).toBe("");
  expect(await run.exited).toBe(0);
  const sent = JSON.parse(stdout) as { id: number; body: string };
  expect(sent.body).toBe("hello from the published package");
  const seenByBob = await trpcClient(server.url, bob.token).history.messages.query({ peerId: alice.user.id });
  expect(seenByBob.items.map((m) => m.id)).toContain(sent.id);
}, 60_000);
