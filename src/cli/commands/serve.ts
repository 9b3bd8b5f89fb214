// `parley serve`: runs the chat until SIGTERM or SIGINT, then shuts down in order.
import { describeConfig } from "../../config.ts";
import type { RunningServer } from "../../server.ts";
import { buildInfo } from "../../version.ts";
import { type Command, CommandError, commandConfig, configFileValues, EXIT, errorMessage } from "../command.ts";

/** The contract's bound: the process exits within 10 s of SIGTERM, whatever hangs. */
const SHUTDOWN_DEADLINE_MS = 9_000;

export const serve: Command = {
  name: "serve",
  summary: "Run the chat: HTTP API, WebSocket and the web client, on HOST:PORT.",
  help: `
Settings come from the environment (and --config FILE); see the README's table.
SIGTERM or SIGINT closes sockets with 1001 (clients resume elsewhere), finishes the
requests in flight and exits within 10 seconds.

options:
  --print-config  print the effective settings (secrets masked) and where each comes
                  from, then exit without starting`,
  readsConfig: true,
  options: { "print-config": { type: "boolean" } },
  async run({ flags }) {
    if (flags["print-config"]) {
      printConfig(configFileValues(flags));
      return EXIT.ok;
    }
    const config = commandConfig(flags);
    // Loaded here, so that the other commands do not load the whole server.
    const { startServer } = await import("../../server.ts");
    let running: RunningServer;
    try {
      running = await startServer(config);
    } catch (error) {
      const inUse = (error as { code?: string }).code === "EADDRINUSE";
      throw new CommandError(
        inUse
          ? `Port ${config.port} on ${config.host} is in use: stop what holds it, or set PORT to another port.`
          : `Could not start: ${errorMessage(error)}`,
      );
    }
    const { logger, bus } = running.deps;
    logger.info({ url: running.url, bus: bus.state(), ...buildInfo() }, "Parley is listening");

    let shuttingDown = false;
    const shutdown = async (signal: string) => {
      if (shuttingDown) return;
      shuttingDown = true;
      logger.info({ signal }, "shutting down");
      setTimeout(() => process.exit(EXIT.failed), SHUTDOWN_DEADLINE_MS).unref();
      await running.stop();
      process.exit(EXIT.ok);
    };
    process.on("SIGTERM", () => void shutdown("SIGTERM"));
    process.on("SIGINT", () => void shutdown("SIGINT"));
    // Runs until a signal ends the process.
    return new Promise<number>(() => {});
  },
};

function printConfig(fileValues: Record<string, string>) {
  let lines: ReturnType<typeof describeConfig>;
  try {
    lines = describeConfig(undefined, fileValues);
  } catch (error) {
    throw new CommandError(errorMessage(error));
  }
  const width = Math.max(...lines.map((line) => `${line.name}=${line.value}`.length));
  console.log("# Effective settings: environment, then --config file, then defaults. Secrets masked.");
  for (const { name, value, source } of lines) console.log(`${`${name}=${value}`.padEnd(width)}  # ${source}`);
}
