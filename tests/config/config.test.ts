import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { tempDir } from "../helpers/server.ts";

describe("loadConfig", () => {
  test("uses the documented defaults", () => {
    const dir = tempDir();
    const config = loadConfig({ DATABASE_PATH: join(dir, "p.db") });
    expect(config.port).toBe(3000);
    expect(config.messagesToLoad).toBe(15);
    expect(config.sendRate).toBe(1);
    expect(config.sendBurst).toBe(30);
    expect(config.maxBody).toBe(4000);
    expect(config.redisUrl).toBeUndefined();
    expect(config.allowedOrigins).toEqual([]);
  });

  test("keeps the generated development secret beside the database across restarts", () => {
    const dir = tempDir();
    const first = loadConfig({ DATABASE_PATH: join(dir, "p.db") });
    const second = loadConfig({ DATABASE_PATH: join(dir, "p.db") });
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.jwtSecret).toBe(first.jwtSecret);
  });

  test.each([
    ["PORT", "seventy"],
    ["MESSAGES_TO_LOAD", "500"],
    ["SEND_RATE", "-1"],
    ["REDIS_URL", "not a url"],
    ["ALLOWED_ORIGINS", "https://ok.example, nonsense"],
    ["LOG_LEVEL", "loud"],
  ])("an invalid %s stops start-up with a message naming it", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  test("production requires JWT_SECRET", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow("JWT_SECRET");
    const config = loadConfig({ NODE_ENV: "production", JWT_SECRET: "s".repeat(40) });
    expect(config.jwtSecret).toBe("s".repeat(40));
  });

  test("empty strings count as unset", () => {
    expect(loadConfig({ PORT: "", REDIS_URL: "", DATABASE_PATH: ":memory:" }).port).toBe(3000);
  });
});
