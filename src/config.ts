// Environment → one typed, validated config object. No other file reads process.env.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";

const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const intIn = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
const flag = z.enum(["true", "false"]).transform((v) => v === "true");
const flagDefault = (fallback: "true" | "false") =>
  z.preprocess(emptyAsUndefined, z.enum(["true", "false"]).default(fallback).pipe(flag));

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(["development", "production", "test"]).default("development")),
  PORT: intIn(0, 65535, 3000),
  HOST: z.preprocess(emptyAsUndefined, z.string().default("127.0.0.1")),
  DATABASE_PATH: z.preprocess(emptyAsUndefined, z.string().default("./data/parley.db")),
  // PostgreSQL instead of the SQLite file at DATABASE_PATH: the database several hosts share.
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .url()
      .refine((url) => /^postgres(ql)?:\/\//.test(url), "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  REDIS_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
  JWT_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32).optional()),
  MESSAGES_TO_LOAD: intIn(1, 100, 15),
  SEND_RATE: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(10_000).default(1)),
  SEND_BURST: intIn(1, 10_000, 30),
  MAX_BODY: intIn(1, 100_000, 4000),
  ALLOWED_ORIGINS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default("")
      .transform((s) =>
        s
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().url())),
  ),
  METRICS_TOKEN: optionalString,
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  SIGNUP_LIMIT: intIn(0, 100_000, 10),
  ERROR_STACKS: flagDefault("false"),
  // Unset: on in development, off in production.
  API_DOCS: z.preprocess(emptyAsUndefined, flag.optional()),
  MAX_SOCKETS_PER_USER: intIn(1, 10_000, 20),
  TRUST_PROXY: flagDefault("false"),
  // Mail (password reset links). Unset SMTP_URL: no mail; admins make reset links by hand.
  SMTP_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .url()
      .refine((u) => /^smtps?:\/\//.test(u), "must start with smtp:// or smtps://")
      .optional(),
  ),
  MAIL_FROM: z.preprocess(emptyAsUndefined, z.string().min(3).optional()),
  // New accounts confirm their address (a mailed link) before they can log in. Needs SMTP_URL.
  REQUIRE_EMAIL_VERIFICATION: flagDefault("false"),
  // Where people reach this server: the links in mails point there (never to a Host header).
  PUBLIC_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
  // Files and images (src/files/): local disk by default, an S3-compatible bucket when S3_BUCKET is set.
  FILES_PATH: optionalString,
  MAX_UPLOAD: intIn(1, 2 ** 40, 25 * 1024 * 1024),
  UPLOAD_QUOTA: intIn(0, 2 ** 50, 1024 * 1024 * 1024),
  KEEP_IMAGE_METADATA: flagDefault("false"),
  S3_BUCKET: optionalString,
  S3_ENDPOINT: z.preprocess(emptyAsUndefined, z.string().url().optional()),
  S3_REGION: optionalString,
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  FILE_URL_TTL: intIn(10, 7 * 24 * 3600, 300),
});

/** Where uploaded files live: a folder (the default), or an S3-compatible bucket. */
export type FileStorageConfig =
  | { kind: "local"; path: string }
  | {
      kind: "s3";
      bucket: string;
      endpoint: string | undefined;
      region: string | undefined;
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
      /** Seconds a signed download URL stays valid. */
      urlTtl: number;
    };

export type Config = {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  databasePath: string;
  /** PostgreSQL's URL when set: the database, in place of the SQLite file at databasePath. */
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  jwtSecret: string;
  messagesToLoad: number;
  sendRate: number;
  sendBurst: number;
  maxBody: number;
  allowedOrigins: string[];
  metricsToken: string | undefined;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  /** Take the client address from X-Forwarded-For (only behind our own nginx). */
  trustProxy: boolean;
  /** Stack traces in tRPC error answers: an explicit opt-in, for debugging only. */
  errorStacks: boolean;
  /** Serve the OpenAPI documentation at /api/docs. */
  apiDocs: boolean;
  /** New accounts per client address per hour; 0 turns the limit off. */
  signupLimit: number;
  /** Open WebSockets per user on one instance; the next one is closed with 4008. */
  maxSocketsPerUser: number;
  /** Outgoing mail; unset: password reset links are made by an admin instead. */
  mail: { smtpUrl: string; from: string; publicUrl: string } | undefined;
  /** New accounts must follow a mailed link before they can log in (src/auth/email-verification.ts). */
  requireEmailVerification: boolean;
  fileStorage: FileStorageConfig;
  /** Uploads in progress (local disk, whatever the storage): swept after a crash. */
  partialUploadsPath: string;
  /** Largest upload in bytes. */
  maxUpload: number;
  /** Bytes of uploads each person may keep; 0 turns the quota off. */
  uploadQuota: number;
  /** Keep EXIF/GPS and other metadata in uploaded images (stripped by default). */
  keepImageMetadata: boolean;
};

export class ConfigError extends Error {}

type Environment = Record<string, string | undefined>;

/**
 * Parse an environment (defaults to process.env) over the values of a config file (see
 * readConfigFile): a variable set in the environment wins over the file, as with
 * `docker compose --env-file`. Throws ConfigError naming the variable.
 */
export function loadConfig(env: Environment = process.env, fileValues: Environment = {}): Config {
  const e = validEnvironment(layered(env, fileValues));
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    jwtSecret: e.JWT_SECRET ?? developmentSecret(e.DATABASE_PATH),
    messagesToLoad: e.MESSAGES_TO_LOAD,
    sendRate: e.SEND_RATE,
    sendBurst: e.SEND_BURST,
    maxBody: e.MAX_BODY,
    allowedOrigins: e.ALLOWED_ORIGINS,
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    signupLimit: e.SIGNUP_LIMIT,
    errorStacks: e.ERROR_STACKS,
    apiDocs: e.API_DOCS ?? e.NODE_ENV !== "production",
    maxSocketsPerUser: e.MAX_SOCKETS_PER_USER,
    mail:
      e.SMTP_URL && e.PUBLIC_URL
        ? {
            smtpUrl: e.SMTP_URL,
            from: e.MAIL_FROM ?? `Parley <parley@${new URL(e.PUBLIC_URL).hostname}>`,
            publicUrl: e.PUBLIC_URL.replace(/\/+$/, ""),
          }
        : undefined,
    requireEmailVerification: e.REQUIRE_EMAIL_VERIFICATION,
    fileStorage: e.S3_BUCKET
      ? {
          kind: "s3",
          bucket: e.S3_BUCKET,
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
          urlTtl: e.FILE_URL_TTL,
        }
      : { kind: "local", path: e.FILES_PATH ?? join(dataFolder(e.DATABASE_PATH), "files") },
    partialUploadsPath: join(dataFolder(e.DATABASE_PATH), "uploads-in-progress"),
    maxUpload: e.MAX_UPLOAD,
    uploadQuota: e.UPLOAD_QUOTA,
    keepImageMetadata: e.KEEP_IMAGE_METADATA,
  };
}

/** The database's folder (files go beside it, so one folder holds everything); a temp one for :memory:. */
function dataFolder(databasePath: string): string {
  return databasePath === ":memory:" ? join(tmpdir(), `parley-${process.pid}`) : dirname(databasePath);
}

function validEnvironment(env: Environment) {
  // Without zod's compiled fast path: it compiles a parser for the object (new Function)
  // at its first parse, which pays back over many parses; the environment is parsed once,
  // and the compiling was most of loadConfig's time in a start's profile.
  const parsed = envSchema.safeParse(env, { jitless: true });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === "production" && !e.JWT_SECRET) {
    throw new ConfigError(
      "Invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production (at least 32 characters)",
    );
  }
  if (e.SMTP_URL && !e.PUBLIC_URL) {
    throw new ConfigError(
      "Invalid configuration:\n  PUBLIC_URL: required with SMTP_URL (the address in the links that mails carry, e.g. https://chat.example.com)",
    );
  }
  if (e.REQUIRE_EMAIL_VERIFICATION && !e.SMTP_URL) {
    throw new ConfigError(
      "Invalid configuration:\n  REQUIRE_EMAIL_VERIFICATION: needs SMTP_URL and PUBLIC_URL (the verification link is mailed)",
    );
  }
  return e;
}

// Outside production a secret is generated once and kept beside the database, so that
// sessions survive restarts without any set-up.
function developmentSecret(databasePath: string): string {
  if (databasePath === ":memory:") return crypto.randomUUID() + crypto.randomUUID();
  const file = join(dirname(databasePath), ".jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dirname(databasePath), { recursive: true });
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** The file's values under the environment's; an empty variable counts as unset. */
function layered(env: Environment, fileValues: Environment): Environment {
  const merged: Environment = { ...fileValues };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== "") merged[name] = value;
  }
  return merged;
}

/**
 * Reads a `.env`-style file (NAME=value lines, # comments, quotes) for `--config FILE`.
 * Names that are not settings are reported in `unknown` (a typo would otherwise be
 * silently ignored). Throws ConfigError when the file cannot be read.
 */
export function readConfigFile(path: string): { values: Record<string, string>; unknown: string[] } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error);
    throw new ConfigError(`Cannot read the config file ${path}: ${reason}. Pass a .env-style file (NAME=value lines).`);
  }
  const values = parseEnv(text) as Record<string, string>;
  const known = new Set(Object.keys(envSchema.shape));
  return { values, unknown: Object.keys(values).filter((name) => !known.has(name)) };
}

export type ConfigSource = "environment" | "file" | "default";
export type ConfigLine = { name: string; value: string; source: ConfigSource };

/** Variables whose values are never shown: credentials, and URLs that may carry one. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|KEY/;

function shown(name: string, value: unknown): string {
  if (value === undefined) return "";
  const text = Array.isArray(value) ? value.join(",") : String(value);
  if (SECRET_NAME.test(name)) return text === "" ? "" : `******** (${text.length} characters)`;
  if (/_URL$/.test(name)) {
    try {
      const url = new URL(text);
      if (url.password) url.password = "********";
      return url.toString();
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * The effective value of every setting and where it came from, secrets masked, for
 * `parley serve --print-config`. Validates like loadConfig, but generates nothing.
 */
export function describeConfig(env: Environment = process.env, fileValues: Environment = {}): ConfigLine[] {
  const values: Record<string, unknown> = validEnvironment(layered(env, fileValues));
  return Object.keys(envSchema.shape).map((name) => {
    const fromEnv = env[name] !== undefined && env[name] !== "";
    const source: ConfigSource = fromEnv ? "environment" : fileValues[name] ? "file" : "default";
    let value = shown(name, values[name]);
    if (name === "JWT_SECRET" && value === "") {
      const path = String(values.DATABASE_PATH);
      value = `(generated, kept in ${path === ":memory:" ? "memory" : join(dirname(path), ".jwt-secret")})`;
    }
    return { name, value, source };
  });
}

/** `parley admin create`'s inputs for scripts (ADMIN_*), read here like every variable. */
export function adminCreateEnvironment(env: Environment = process.env) {
  return {
    username: env.ADMIN_USERNAME,
    email: env.ADMIN_EMAIL,
    password: env.ADMIN_PASSWORD,
    "first-name": env.ADMIN_FIRST_NAME,
    "last-name": env.ADMIN_LAST_NAME,
  };
}

/** The commit a container image was built from (the Dockerfile sets PARLEY_COMMIT), if any. */
export function imageCommit(env: Environment = process.env): string | undefined {
  const commit = env.PARLEY_COMMIT;
  return commit && commit !== "unknown" ? commit : undefined;
}
