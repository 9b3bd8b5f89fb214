// Runs before the test files: the JUnit reporter (bunfig.toml) needs its folder.
import { mkdirSync } from "node:fs";

mkdirSync("test-results", { recursive: true });
