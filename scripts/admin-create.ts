// bun run admin:create — creates an admin account, or makes an existing user an admin.
// Values come from flags, then ADMIN_* variables, then (on a terminal) prompts.
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { findUserByUsername, setAdminFlag, signup } from "../src/auth/accounts.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import { logActivity } from "../src/db/activity.ts";
import { openDatabase } from "../src/db/client.ts";
import { systemClock } from "../src/deps.ts";
import { signupInput } from "../src/shared/api.ts";
import { AppError } from "../src/shared/errors.ts";

const USAGE = `usage: bun run admin:create --username U --email E --password P [--first-name F] [--last-name L]

Creates an admin account (first name "Admin" and last name the username unless given),
or, when the username exists, only makes that user an admin.
Missing values are read from ADMIN_USERNAME, ADMIN_EMAIL, ADMIN_PASSWORD,
ADMIN_FIRST_NAME and ADMIN_LAST_NAME, then asked for on a terminal.`;

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

/** A refusal once the database is open: reported after it is closed. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

let flags: Record<string, string | boolean | undefined>;
try {
  flags = parseArgs({
    options: {
      username: { type: "string" },
      email: { type: "string" },
      password: { type: "string" },
      "first-name": { type: "string" },
      "last-name": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);

// The command's own inputs, like its flags (the server's configuration is in config.ts).
const fromEnvironment: Record<string, string | undefined> = {
  username: process.env.ADMIN_USERNAME,
  email: process.env.ADMIN_EMAIL,
  password: process.env.ADMIN_PASSWORD,
  "first-name": process.env.ADMIN_FIRST_NAME,
  "last-name": process.env.ADMIN_LAST_NAME,
};

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

// Reads a line without echoing it (raw mode), for the password.
function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the question shows, so that nothing typed early is echoed.
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  process.stdout.write(question);
  return new Promise((resolve) => {
    let value = "";
    const finish = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write("\n");
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") {
          finish();
          resolve(value);
          return;
        }
        if (char === "\u0003") {
          finish();
          process.exit(130);
        }
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on("data", onData);
  });
}

/** A value from the flags or the environment; otherwise asked for, or an error. */
async function value(name: string, label: string, options: { hidden?: boolean; fallback?: string } = {}) {
  const given = flags[name] ?? fromEnvironment[name];
  if (typeof given === "string" && given !== "") return given;
  if (options.fallback !== undefined) return options.fallback;
  if (!interactive) {
    throw new Refusal(`--${name} is required (or ADMIN_${name.toUpperCase().replace("-", "_")}).\n\n${USAGE}`, 2);
  }
  return options.hidden ? askHidden(`${label}: `) : ask(`${label}: `);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, 1);
  throw error;
}

let username: string;
try {
  username = (await value("username", "Username")).trim();
} catch (error) {
  if (error instanceof Refusal) fail(error.message, error.exitCode);
  throw error;
}
const database = openDatabase(config.databasePath);
const deps = { db: database.db, clock: systemClock };
try {
  const existing = findUserByUsername(deps, username);
  if (existing) {
    if (existing.isAdmin) {
      console.log(`User "${existing.username}" already exists and is already an admin; nothing changed.`);
    } else {
      setAdminFlag(deps, existing.id, true);
      logActivity(deps.db, {
        at: deps.clock.now(),
        kind: "admin_created",
        userId: existing.id,
        detail: { via: "admin:create", existing: true },
      });
      console.log(`User "${existing.username}" already exists: made them an admin (password and details unchanged).`);
    }
  } else {
    const email = await value("email", "Email");
    let password = await value("password", "Password (8–200 characters)", { hidden: true });
    if (interactive && !flags.password && !fromEnvironment.password) {
      const again = await askHidden("Password again: ");
      if (again !== password) throw new Refusal("The passwords differ; nothing was created.", 2);
    }
    const parsed = signupInput.safeParse({
      username,
      email,
      password,
      firstName: await value("first-name", "First name", { fallback: "Admin" }),
      lastName: await value("last-name", "Last name", { fallback: username }),
    });
    password = "";
    if (!parsed.success) {
      const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
      throw new Refusal(`Invalid input, nothing was created:\n${lines.join("\n")}`, 2);
    }
    const user = await signup(deps, parsed.data, null);
    setAdminFlag(deps, user.id, true);
    logActivity(deps.db, {
      at: deps.clock.now(),
      kind: "admin_created",
      userId: user.id,
      detail: { via: "admin:create", existing: false },
    });
    console.log(`Created admin "${user.username}" (id ${user.id}) in ${config.databasePath}.`);
  }
} catch (error) {
  if (error instanceof Refusal) {
    console.error(error.message);
    process.exitCode = error.exitCode;
  } else if (error instanceof AppError) {
    const details = Object.values(error.fields ?? {}).join("; ");
    console.error(`${error.message}${details ? `: ${details}` : ""}; nothing was created.`);
    process.exitCode = 1;
  } else {
    throw error;
  }
} finally {
  database.close();
}
