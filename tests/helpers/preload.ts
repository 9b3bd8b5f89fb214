// Runs before the test files (bunfig.toml preload).
import { setDefaultTimeout } from "bun:test";
import { mkdirSync } from "node:fs";

// Tests start real servers, redis-server and Chromium; Bun's 5 s default is too tight on
// a busy 2-core machine (bunfig.toml has no per-test timeout setting).
setDefaultTimeout(30_000);

// The JUnit reporter (bunfig.toml) writes into this folder.
mkdirSync("test-results", { recursive: true });
