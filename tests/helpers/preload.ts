// Runs before the test files (bunfig.toml preload).

import { afterAll } from "bun:test";
import { mkdirSync } from "node:fs";
import { plugin } from "bun";
import { stopAllPostgres } from "./postgres.ts";

// Tests start real servers, redis-server and Chromium; Bun's 5 s default is too tight on
// a busy 2-core machine. bunfig.toml has no per-test timeout setting, and
// setDefaultTimeout() here would reach only the first test file of a run (it is per
// file), so every test file is loaded with the call in front of its first line (on that
// same line, so line numbers in failures stay right).
const TEST_TIMEOUT_MS = 30_000;
plugin({
  name: "per-file default test timeout",
  setup(build) {
    build.onLoad({ filter: /\.test\.tsx?$/ }, async ({ path }) => ({
      contents: `import { setDefaultTimeout as __setDefaultTimeout } from "bun:test"; __setDefaultTimeout(${TEST_TIMEOUT_MS}); ${await Bun.file(path).text()}`,
      loader: path.endsWith("x") ? "tsx" : "ts",
    }));
  },
});

// The JUnit reporter (bunfig.toml) writes into this folder.
mkdirSync("test-results", { recursive: true });

// A preload's afterAll runs once, after the last test file: the PostgreSQL clusters still
// running (the one test files share, any a file forgot) are stopped there, since bun test
// emits no process "exit" event. The per-file default timeout above does not reach a
// preload's hook: it gets Bun's 5 s, which a busy machine's pg_ctl stop has taken (6.5 s in a
// fresh-clone run, failing a suite whose every test passed).
afterAll(stopAllPostgres, 60_000);
