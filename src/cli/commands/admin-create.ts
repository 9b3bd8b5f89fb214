// `parley admin create`: creates an admin account, or makes an existing user an admin.
// Values come from flags, then ADMIN_* variables, then (on a terminal) prompts. The
// password never travels on the command line (shell history, the process list): it is
// asked for without echo, or read from stdin (--password-stdin) or ADMIN_PASSWORD.

import { signupRequest } from "../../auth/password-policy.ts";
import { systemClock } from "../../clock.ts";
import { adminCreateEnvironment } from "../../config.ts";
import type { Deps } from "../../deps.ts";
import { AppError } from "../../shared/errors.ts";
import { type Command, CommandError, commandConfig, EXIT, type Flags, UsageError } from "../command.ts";

const VIA = "parley admin create";

export const adminCreate: Command = {
  name: "admin create",
  summary: "Create an admin account, or make an existing user an admin.",
  help: `
The first name is "Admin" and the last name the username unless given. When the
username exists, only makes that user an admin (password and details unchanged).

options:
  --username NAME     (or ADMIN_USERNAME)
  --email ADDRESS     (or ADMIN_EMAIL)
  --first-name NAME   (or ADMIN_FIRST_NAME)
  --last-name NAME    (or ADMIN_LAST_NAME)
  --password-stdin    read the password from standard input (one line), for scripts:
                        printf '%s\\n' "$PASSWORD" | parley admin create --username root ...

The password is asked for on a terminal, without echo (twice), or taken from
ADMIN_PASSWORD or --password-stdin. It is never accepted as a flag: a flag lands in
the shell history and in the process list, where other users of the machine see it.
Missing values are asked for on a terminal; elsewhere they are an error.`,
  readsConfig: true,
  options: {
    username: { type: "string" },
    email: { type: "string" },
    "first-name": { type: "string" },
    "last-name": { type: "string" },
    "password-stdin": { type: "boolean" },
    // Recognized only to refuse it with the reason (see help).
    password: { type: "string" },
  },
  async run({ flags }) {
    if (flags.password !== undefined) {
      throw new UsageError(
        "--password is not accepted: it would land in the shell history and the process list. Leave it out to be asked on a terminal, or use --password-stdin or ADMIN_PASSWORD in scripts.",
      );
    }
    const config = commandConfig(flags);
    // Loaded here, so that the other commands do not load accounts and the database.
    const [{ findUserByUsername, signup }, { databaseLabel, openConfiguredDatabase }] = await Promise.all([
      import("../../auth/accounts.ts"),
      import("../../db/open.ts"),
    ]);
    const inputs = new Inputs(flags);
    const username = (await inputs.text("username", "Username")).trim();
    const database = await openConfiguredDatabase(config);
    const deps = { db: database.db, clock: systemClock };
    try {
      const existing = await findUserByUsername(deps, username);
      if (existing) {
        if (existing.isAdmin) {
          console.log(`User "${existing.username}" already exists and is already an admin; nothing changed.`);
          return EXIT.ok;
        }
        await makeAdmin(deps, existing.id, true);
        console.log(`User "${existing.username}" already exists: made them an admin (password and details unchanged).`);
        return EXIT.ok;
      }
      const parsed = signupRequest.safeParse({
        username,
        email: await inputs.text("email", "Email"),
        password: await inputs.password(),
        firstName: await inputs.text("first-name", "First name", "Admin"),
        lastName: await inputs.text("last-name", "Last name", username),
      });
      if (!parsed.success) {
        const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
        throw new CommandError(`Invalid input, nothing was created:\n${lines.join("\n")}`, EXIT.usage);
      }
      const user = await signup(deps, parsed.data, null);
      await makeAdmin(deps, user.id, false);
      console.log(`Created admin "${user.username}" (id ${user.id}) in ${databaseLabel(config)}.`);
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const details = Object.values(error.fields ?? {}).join("; ");
      throw new CommandError(`${error.message}${details ? `: ${details}` : ""}; nothing was created.`);
    } finally {
      await database.close();
    }
  },
};

async function makeAdmin(deps: Pick<Deps, "db" | "clock">, userId: number, existing: boolean) {
  const [{ setAdminFlag }, { logActivity }] = await Promise.all([
    import("../../auth/accounts.ts"),
    import("../../db/activity.ts"),
  ]);
  await setAdminFlag(deps, userId, true);
  await logActivity(deps.db, { at: deps.clock.now(), kind: "admin_created", userId, detail: { via: VIA, existing } });
}

/** Where each value comes from: a flag, an ADMIN_* variable, stdin, or a prompt. */
class Inputs {
  private readonly environment = adminCreateEnvironment();
  /** Prompts only on a terminal, and never when stdin carries the password. */
  private readonly interactive: boolean;

  constructor(private readonly flags: Flags) {
    this.interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !flags["password-stdin"];
    if (flags["password-stdin"] && process.stdin.isTTY) {
      throw new UsageError("--password-stdin reads a pipe; on a terminal leave it out and you are asked without echo");
    }
  }

  private given(name: keyof ReturnType<typeof adminCreateEnvironment>): string | undefined {
    const value = this.flags[name] ?? this.environment[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  }

  private missing(name: string, variable: string): never {
    throw new UsageError(`--${name} is required (or ${variable})`);
  }

  async text(name: "username" | "email" | "first-name" | "last-name", label: string, fallback?: string) {
    const value = this.given(name) ?? fallback;
    if (value !== undefined) return value;
    if (!this.interactive) this.missing(name, `ADMIN_${name.toUpperCase().replace("-", "_")}`);
    const { default: input } = await import("@inquirer/input");
    return prompting(() => input({ message: label, required: true }));
  }

  async password(): Promise<string> {
    if (this.flags["password-stdin"]) return readPasswordFromStdin();
    const given = this.given("password");
    if (given !== undefined) return given;
    if (!this.interactive) {
      throw new UsageError(
        "No password: run on a terminal to be asked, or give it through ADMIN_PASSWORD or --password-stdin",
      );
    }
    const { default: password } = await import("@inquirer/password");
    const first = await prompting(() =>
      password({ message: "Password (8–200 characters)", mask: false, toggleMask: false }),
    );
    const again = await prompting(() => password({ message: "Password again", mask: false, toggleMask: false }));
    if (again !== first) throw new CommandError("The passwords differ; nothing was created.", EXIT.usage);
    return first;
  }
}

/** The first line of stdin, without its line ending (spaces are part of a password). */
async function readPasswordFromStdin(): Promise<string> {
  const text = await new Response(Bun.stdin.stream()).text();
  const line = text.split(/\r?\n/)[0] ?? "";
  if (line === "") throw new UsageError("--password-stdin: standard input was empty; pipe the password into it");
  return line;
}

/** A prompt; Ctrl+C (which the prompt library reports as an error) ends with exit 130. */
async function prompting<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if (error instanceof Error && error.name === "ExitPromptError") {
      throw new CommandError("Interrupted; nothing was created.", EXIT.interrupted);
    }
    throw error;
  }
}
