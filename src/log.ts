// Structured JSON logs to stdout (pino). Secrets never reach a log line: callers log ids,
// never bodies, passwords, tokens or cookies.
import pino from "pino";
import type { Config } from "./config.ts";

export function createLogger(config: Pick<Config, "logLevel">) {
  return pino({
    level: config.logLevel,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: ["req.headers.authorization", "req.headers.cookie", "password", "token"],
  });
}
