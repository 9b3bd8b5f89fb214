// `bun start`: builds the web client when it is missing or stale, then runs the server.
import { ensureWebBundle } from "./web-bundle.ts";

try {
  await ensureWebBundle();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
await import("../src/index.ts");
