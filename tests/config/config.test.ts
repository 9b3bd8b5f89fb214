import { describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, describeConfig, loadConfig, readConfigFile } from "../../src/config.ts";
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
    ["DATABASE_URL", "not a url"],
    ["DATABASE_URL", "mysql://parley@db.example/parley"],
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
    expect(loadConfig({ DATABASE_URL: "", DATABASE_PATH: ":memory:" }).databaseUrl).toBeUndefined();
  });

  test("DATABASE_URL takes postgres:// and postgresql:// URLs", () => {
    for (const url of [
      "postgres://parley:pw@db.example:5432/parley",
      "postgresql://db.example/parley?sslmode=require",
    ]) {
      expect(loadConfig({ DATABASE_URL: url, DATABASE_PATH: ":memory:" }).databaseUrl).toBe(url);
    }
  });
});

describe("a config file (--config FILE)", () => {
  const file = (text: string) => {
    const path = join(tempDir(), "parley.env");
    writeFileSync(path, text);
    return path;
  };

  test("is read like .env (comments, quotes, export) and the environment wins over it", () => {
    const path = file(
      '# Parley\nexport PORT=4100\nHOST="0.0.0.0"\nDATABASE_PATH=:memory:\nMAX_BODY=100 # short\nSEND_BURST=9\n',
    );
    const { values, unknown } = readConfigFile(path);
    expect(unknown).toEqual([]);
    const config = loadConfig({ PORT: "4200", SEND_BURST: "" }, values);
    expect(config.port).toBe(4200);
    expect(config.host).toBe("0.0.0.0");
    expect(config.maxBody).toBe(100);
    expect(config.sendBurst).toBe(9);
  });

  test("names a misspelt setting, and a missing file with what to pass instead", () => {
    expect(readConfigFile(file("JWT_SECRT=x\nPORT=1\n")).unknown).toEqual(["JWT_SECRT"]);
    expect(() => readConfigFile("/nonexistent/parley.env")).toThrow("no such file");
  });

  test("an invalid value in the file stops start-up naming the variable", () => {
    const { values } = readConfigFile(file("PORT=seventy\n"));
    expect(() => loadConfig({}, values)).toThrow("PORT");
  });
});

describe("describeConfig (serve --print-config)", () => {
  test("shows every setting with its source, secrets and URL passwords masked", () => {
    const lines = describeConfig(
      { JWT_SECRET: "a-very-long-secret-of-forty-characters!!", REDIS_URL: "redis://:hunter2@127.0.0.1:6390" },
      { METRICS_TOKEN: "metrics-token-value", PORT: "4300", DATABASE_PATH: ":memory:" },
    );
    const byName = Object.fromEntries(lines.map((line) => [line.name, line]));
    expect(byName.JWT_SECRET).toEqual({ name: "JWT_SECRET", value: "******** (40 characters)", source: "environment" });
    expect(byName.METRICS_TOKEN?.source).toBe("file");
    expect(byName.PORT).toMatchObject({ value: "4300", source: "file" });
    expect(byName.LOG_LEVEL).toMatchObject({ value: "info", source: "default" });
    expect(byName.REDIS_URL?.value).toBe("redis://:********@127.0.0.1:6390");
    const printed = JSON.stringify(lines);
    expect(printed).not.toContain("hunter2");
    expect(printed).not.toContain("metrics-token-value");
    expect(printed).not.toContain("forty-characters");
  });

  test("says where a development secret is kept, without generating one", () => {
    const dir = tempDir();
    const lines = describeConfig({ DATABASE_PATH: join(dir, "p.db") });
    expect(lines.find((line) => line.name === "JWT_SECRET")?.value).toBe(
      `(generated, kept in ${join(dir, ".jwt-secret")})`,
    );
    expect(existsSync(join(dir, ".jwt-secret"))).toBe(false);
  });

  test("refuses an invalid configuration like start-up does", () => {
    expect(() => describeConfig({ NODE_ENV: "production" })).toThrow("JWT_SECRET");
  });
});
