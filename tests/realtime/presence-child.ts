// Run by presence.test.ts as a separate process that then gets SIGKILLed: an instance that
// crashes with a user online, leaving its presence entry behind in Redis.
import { createLogger } from "../../src/log.ts";
import { createRedisPresence } from "../../src/realtime/redis-presence.ts";

const [url, userId, ttlMs] = process.argv.slice(2);
const presence = await createRedisPresence({
  url: String(url),
  instanceId: `crashing-${process.pid}`,
  logger: createLogger({ logLevel: "silent" }),
  ttlMs: Number(ttlMs),
  heartbeatMs: Math.max(50, Number(ttlMs) / 4),
});
const cameOnline = await presence.connected(Number(userId));
console.log(JSON.stringify({ cameOnline }));
setInterval(() => {}, 60_000);
