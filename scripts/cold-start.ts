// `bun scripts/cold-start.ts [EXECUTABLE] [RUNS]`: how long from spawning to the first 200
// from /api/health, on an empty database (created and migrated during start-up), for
// `bun start` and for the single-file executable (default: dist/parley, built by
// `bun run release --target host`). Prints the median and the range of RUNS starts each.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../tests/helpers/redis.ts";

const ROOT = join(import.meta.dir, "..");
const executable = resolve(process.argv[2] ?? join(ROOT, "dist/parley"));
const runs = Number(process.argv[3] ?? 7);
if (!existsSync(executable)) {
  console.error(`no executable at ${executable}: run \`bun run release --target host\` first`);
  process.exit(2);
}

async function timeStart(command: string[], cwd: string): Promise<number> {
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), "parley-cold-"));
  const started = performance.now();
  const child = Bun.spawn(command, {
    cwd,
    env: { PATH: process.env.PATH, PORT: String(port), DATABASE_PATH: join(data, "parley.db"), LOG_LEVEL: "warn" },
    stdout: "ignore",
    stderr: "inherit",
  });
  try {
    for (;;) {
      const status = await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return performance.now() - started;
      if (performance.now() - started > 30_000) throw new Error(`${command.join(" ")} did not answer in 30 s`);
      await Bun.sleep(5);
    }
  } finally {
    child.kill("SIGTERM");
    await child.exited;
    rmSync(data, { recursive: true, force: true });
  }
}

async function measure(label: string, command: string[], cwd: string) {
  await timeStart(command, cwd); // one unmeasured start, for a warm file-system cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeStart(command, cwd));
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  console.log(
    `${label.padEnd(22)} median ${median.toFixed(0)} ms (${times[0]?.toFixed(0)}–${times.at(-1)?.toFixed(0)} ms, ${runs} starts)`,
  );
}

await measure("bun start", [process.execPath, "scripts/start.ts"], ROOT);
await measure("bun src/index.ts", [process.execPath, "src/index.ts"], ROOT);
await measure("executable", [executable, "serve"], tmpdir());
