// Starts and stops the processes under test: Parley (`bun src/index.ts`), the baseline
// server, redis-server. Each runs as its own process with its file-descriptor limit
// raised, listening on a free loopback port, its output kept in a log file for post-mortems.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Subprocess, spawn } from "bun";
import { freePort } from "../../tests/helpers/redis.ts";

export { startRedis } from "../../tests/helpers/redis.ts";
export { freePort };

export const ROOT = join(import.meta.dir, "../..");
/** The bench mints tokens itself, so it gives the server the secret. */
export const JWT_SECRET = "bench-secret-bench-secret-bench-secret-0123456789";

export function tempDir(prefix = "parley-bench-") {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string) {
  rmSync(dir, { recursive: true, force: true });
}

// Every server and load generator the bench started that still runs: killed when the bench
// is interrupted (Ctrl-C, SIGTERM), so that none outlives the run. The signal is raised
// again once they are gone, so the bench ends as it would have (the PostgreSQL cluster's
// own hook, tests/helpers/postgres.ts, stops the cluster the same way).
const running = new Set<Subprocess>();
let interruptHookInstalled = false;

function killOnInterrupt(child: Subprocess) {
  running.add(child);
  void child.exited.then(() => running.delete(child));
  if (interruptHookInstalled) return;
  interruptHookInstalled = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const child of running) child.kill("SIGKILL");
      process.kill(process.pid, signal);
    });
  }
}

/** The last characters of a child's log, for an error message ("" when it wrote none). */
export function logTail(file: string, chars = 2000): string {
  try {
    return readFileSync(file, "utf8").slice(-chars);
  } catch {
    return "";
  }
}

/** Runs argv through sh so that `ulimit -n` can be raised to the hard limit first. */
export function spawnWithFdLimit(
  argv: string[],
  options: { env?: Record<string, string>; log?: string; ipc?: (message: unknown) => void },
): Subprocess {
  const quoted = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const child = spawn(["sh", "-c", `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${quoted}`], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdin: "ignore",
    stdout: options.log ? Bun.file(options.log) : "ignore",
    stderr: options.log ? Bun.file(`${options.log}.err`) : "ignore",
    ...(options.ipc ? { ipc: options.ipc, serialization: "json" as const } : {}),
  });
  killOnInterrupt(child);
  return child;
}

export type ServerProcess = {
  name: string;
  url: string;
  port: number;
  pid: number;
  process: Subprocess;
  /** ms from spawn to the first 200 from the health route. */
  startMs: number;
  stop(): Promise<void>;
};

export async function waitForHealth(url: string, process: Subprocess, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (process.exitCode !== null || process.signalCode !== null) throw new Error(`exited with ${process.exitCode}`);
    try {
      const response = await fetch(`${url}/api/health`);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await Bun.sleep(2);
  }
  throw new Error(`no 200 from ${url}/api/health within ${timeoutMs} ms`);
}

async function launch(name: string, argv: string[], env: Record<string, string>, log: string): Promise<ServerProcess> {
  const port = Number(env.PORT);
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawnWithFdLimit(argv, { env, log });
  try {
    await waitForHealth(url, child);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${name} did not start: ${(error as Error).message}\n${logTail(log)}${logTail(`${log}.err`)}`);
  }
  const startMs = performance.now() - started;
  let stopping: Promise<void> | null = null;
  return {
    name,
    url,
    port,
    pid: child.pid,
    process: child,
    startMs,
    stop() {
      stopping ??= (async () => {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await child.exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Extra `bun` flags for every Parley process (run.ts sets the profiler's with --profile). */
export const parleyRuntimeFlags: string[] = [];

/** Set by `--timeline DIR`: every server, Parley and the baseline, runs with the stall probe writing there. */
export const timeline: { dir?: string } = {};

/** The stall probe's flags and variables for a server called `name`, when --timeline is on. */
function probed(name: string): { flags: string[]; env: Record<string, string> } {
  if (!timeline.dir) return { flags: [], env: {} };
  return {
    flags: ["--preload", join(import.meta.dir, "stall-probe.ts")],
    env: { PARLEY_BENCH_TIMELINE: timeline.dir, PARLEY_BENCH_PROBE_NAME: name },
  };
}

export type ParleyOptions = {
  databasePath: string;
  /** PostgreSQL's URL: Parley runs on it (DATABASE_URL) instead of the SQLite file. */
  databaseUrl?: string;
  redisUrl?: string;
  logLevel?: string;
  log: string;
  /** A single-file executable of `bun run release` to run (`<file> serve`) instead of the sources. */
  executable?: string;
};

/** `bun src/index.ts` in production mode, rate limit off, our JWT secret. */
export async function startParley(options: ParleyOptions): Promise<ServerProcess> {
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_PATH: options.databasePath,
    DATABASE_URL: options.databaseUrl ?? "",
    JWT_SECRET,
    SEND_RATE: "0",
    LOG_LEVEL: options.logLevel ?? "warn",
    REDIS_URL: options.redisUrl ?? "",
  };
  const probe = probed("parley");
  const argv = options.executable
    ? [options.executable, "serve"]
    : [process.execPath, ...parleyRuntimeFlags, ...probe.flags, "src/index.ts"];
  return launch("parley", argv, { ...env, ...probe.env }, options.log);
}

export async function startBaseline(options: { databasePath: string; log: string }): Promise<ServerProcess> {
  const port = await freePort();
  const probe = probed("baseline");
  return launch(
    "baseline",
    [process.execPath, ...probe.flags, "bench/baseline-server.ts"],
    { PORT: String(port), DATABASE_PATH: options.databasePath, ...probe.env },
    options.log,
  );
}
