// Starts a real PostgreSQL cluster in a temp folder on a free loopback port for one test
// file (or one bench run), and stops it. Each test can take a fresh database of its own
// (createDatabase), which costs a few milliseconds instead of a cluster.

import { appendFileSync, chownSync, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { SQL, spawnSync } from "bun";
import { postgresTool } from "../../src/db/backup-pg.ts";
import { freePort } from "./redis.ts";

export type TestPostgres = {
  /** The superuser's URL to the `postgres` database. */
  url: string;
  port: number;
  /** A new, empty database on this cluster; answers its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Removes a database made by createDatabase (its URL), closing what is still connected to it. */
  dropDatabase(url: string): Promise<void>;
  /** Stops the server at once (throwaway data: no shutdown checkpoint) and removes its folder. */
  stop(): Promise<void>;
};

const INSTALL = "install PostgreSQL: apt-get install -y postgresql";
const SUPERUSER = "parley";

/** The folder holding initdb, pg_ctl and postgres (through a link on PATH: where it points). */
export function postgresBinDir(): string {
  return dirname(realpathSync(postgresTool("initdb", INSTALL)));
}

// PostgreSQL refuses to run as root. As root (CI here), initdb and pg_ctl run as an
// unprivileged user that owns the temp folder: Debian's package makes `postgres`;
// `nobody` exists everywhere and works as well, since the folder is all it writes.
function unprivilegedUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ["postgres", "nobody"]) {
    const entry = spawnSync(["getent", "passwd", name]).stdout.toString().trim();
    const [, , uid, gid] = entry.split(":");
    if (uid && gid) return { name, uid: Number(uid), gid: Number(gid) };
  }
  throw new Error("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as");
}

function run(command: string[], user: { name: string } | null, cwd: string) {
  const argv = user ? ["runuser", "-u", user.name, "--", ...command] : command;
  const result = spawnSync(argv, { cwd, stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) {
    throw new Error(
      `${command.join(" ")} failed (${result.exitCode}): ${result.stderr.toString()}${result.stdout.toString()}`,
    );
  }
}

let databases = 0;
const running = new Set<() => void>();
let exitHookInstalled = false;

/** Stops every cluster this process started and has not stopped yet. */
export function stopAllPostgres() {
  for (const stop of [...running]) {
    try {
      stop();
    } catch {}
  }
}

/**
 * `tls`: the cluster speaks TLS (a self-signed certificate made by openssl) and refuses
 * every TCP connection without it, as a managed PostgreSQL does.
 */
export async function startPostgres(options: { tls?: boolean } = {}): Promise<TestPostgres> {
  const bin = postgresBinDir();
  for (const tool of ["initdb", "pg_ctl", "postgres"]) {
    if (!existsSync(join(bin, tool))) throw new Error(`${tool} not found in ${bin}: ${INSTALL}`);
  }
  const user = unprivilegedUser();
  const dir = mkdtempSync(join(tmpdir(), "parley-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  try {
    // --no-sync: initdb does not flush the files it writes; the cluster is thrown away.
    run(
      [
        join(bin, "initdb"),
        "-D",
        data,
        "-U",
        SUPERUSER,
        "--encoding=UTF8",
        "--locale=C",
        "--auth=trust",
        "--no-sync",
        "--no-instructions",
      ],
      user,
      dir,
    );
    // Trust, but only on the socket (a folder only this user and root can enter) and on
    // 127.0.0.1, the only address the server listens on.
    writeFileSync(
      join(data, "pg_hba.conf"),
      options.tls
        ? "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n"
        : "local all all trust\nhost all all 127.0.0.1/32 trust\n",
    );
    if (options.tls) {
      if (!Bun.which("openssl")) throw new Error("openssl not found: install it with apt-get install -y openssl");
      // Made as the server's user: PostgreSQL refuses a key that others can read.
      run(
        [
          "openssl",
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "2",
          "-subj",
          "/CN=127.0.0.1",
          "-keyout",
          join(data, "server.key"),
          "-out",
          join(data, "server.crt"),
        ],
        user,
        dir,
      );
      run(["chmod", "600", join(data, "server.key")], user, dir);
    }
    // Throwaway data, so durability is traded for speed: fsync=off (no flush to disk),
    // synchronous_commit=off (a commit does not wait for its WAL write) and
    // full_page_writes=off (no whole pages in the WAL to survive a torn write). A crash of
    // the machine could corrupt the cluster, which the test would remove anyway; what
    // the tests check (locks, visibility, ordering) does not depend on any of the three.
    appendFileSync(
      join(data, "postgresql.conf"),
      [
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        ...(options.tls ? ["ssl = on"] : []),
        "",
      ].join("\n"),
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const pgCtl = (...args: string[]) => run([join(bin, "pg_ctl"), "-D", data, ...args], user, dir);
  let port = 0;
  // The free port can be taken between the probe and the start: try another one.
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      pgCtl("start", "-w", "-t", "60", "-l", join(dir, "server.log"), "-o", `-p ${port}`);
      break;
    } catch (error) {
      if (attempt >= 2) {
        const log = existsSync(join(dir, "server.log")) ? await Bun.file(join(dir, "server.log")).text() : "";
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`${error instanceof Error ? error.message : error}\n${log}`);
      }
    }
  }

  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    running.delete(stopNow);
    try {
      pgCtl("stop", "-m", "immediate", "-w");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  running.add(stopNow);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A script that forgets stop() leaves no server behind, nor does one stopped with
    // Ctrl-C (the signal is raised again once the clusters are stopped, so the process
    // ends as it would have). bun test emits no "exit": its preload calls
    // stopAllPostgres after the last file.
    process.on("exit", stopAllPostgres);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        stopAllPostgres();
        process.kill(process.pid, signal);
      });
    }
  }

  // A TLS-only cluster's URLs ask for TLS: Bun's client does not try it unless told.
  const query = options.tls ? "?sslmode=require" : "";
  const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres${query}`;
  return {
    url,
    port,
    async createDatabase(name = `test_${process.pid}_${++databases}`) {
      const admin = new SQL({ url, max: 1 });
      try {
        await admin.unsafe(`create database "${name.replaceAll('"', '""')}"`);
      } finally {
        await admin.close();
      }
      return `postgres://${SUPERUSER}@127.0.0.1:${port}/${encodeURIComponent(name)}${query}`;
    },
    async dropDatabase(databaseUrl) {
      const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
      const admin = new SQL({ url, max: 1 });
      try {
        await admin.unsafe(`drop database if exists "${name.replaceAll('"', '""')}" with (force)`);
      } finally {
        await admin.close();
      }
    },
    async stop() {
      stopNow();
    },
  };
}

let shared: Promise<TestPostgres> | null = null;

/**
 * One cluster for every test file of this process (bun test runs them all in one), started
 * on first use and stopped after the last file (the preload's afterAll): a file then pays a few milliseconds for
 * its own database (createDatabase) instead of a second for its own cluster.
 */
export function sharedPostgres(): Promise<Pick<TestPostgres, "url" | "port" | "createDatabase" | "dropDatabase">> {
  if (!shared) {
    shared = startPostgres();
    shared.catch(() => {
      shared = null;
    });
  }
  return shared;
}
