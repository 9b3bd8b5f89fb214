// `bun start`: builds the web client when it is missing or stale, then `parley serve`.
import { runCli } from "../src/cli/parley.ts";
import { ensureWebBundle } from "./web-bundle.ts";

try {
  await ensureWebBundle();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
process.exit(await runCli(["serve", ...process.argv.slice(2)]));
