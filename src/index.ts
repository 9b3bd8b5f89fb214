// Boots Parley from the environment and shuts it down cleanly on SIGTERM/SIGINT.
import { loadConfigOrExit } from "./config.ts";
import { startServer } from "./server.ts";

const config = loadConfigOrExit();

const running = await startServer(config);
running.deps.logger.info({ url: running.url, bus: running.deps.bus.state() }, "Parley is listening");

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  running.deps.logger.info({ signal }, "shutting down");
  // Hard deadline: the contract says exit within 10 s whatever hangs.
  setTimeout(() => process.exit(1), 9_000).unref();
  await running.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
