// `parley <command>`: the one command of Parley, the same in the repository
// (`bun run parley …`) and in the executable built by `bun run release`.

import { type Command, CommandError, EXIT, errorMessage, helpText, parseCommand, UsageError } from "./command.ts";
import { adminCreate } from "./commands/admin-create.ts";
import { backup, restore } from "./commands/backup.ts";
import { dbCopy } from "./commands/db-copy.ts";
import { migrate } from "./commands/migrate.ts";
import { seed } from "./commands/seed.ts";
import { serve } from "./commands/serve.ts";
import { version } from "./commands/version.ts";

// In the order `parley --help` lists them. Planned here when it exists:
// `admin reset-link` (a one-time link to set a new password) beside `admin create`.
export const COMMANDS: Command[] = [serve, migrate, adminCreate, backup, restore, dbCopy, seed, version];

function overview(): string {
  const names = COMMANDS.map((c) => `${c.name}${c.args ? ` ${c.args}` : ""}`);
  const width = Math.max(...names.map((n) => n.length));
  const rows = COMMANDS.map((c, i) => `  ${names[i]?.padEnd(width)}  ${c.summary}`);
  return `usage: parley <command> [options]

Parley, a real-time chat. Commands:

${rows.join("\n")}

Each command takes --help. Those that read the settings take --config FILE (a
.env-style file; a variable set in the environment wins over it).

Exit codes: ${EXIT.ok} done, ${EXIT.failed} failed (the message says what to do), ${EXIT.usage} wrong usage
(unknown command, flag or argument), ${EXIT.interrupted} interrupted.
`;
}

/** The command named by the first one or two words, and the arguments after its name. */
function findCommand(args: string[]): { command: Command; rest: string[] } | undefined {
  for (const command of COMMANDS) {
    const words = command.name.split(" ");
    if (words.every((word, i) => args[i] === word)) return { command, rest: args.slice(words.length) };
  }
  return undefined;
}

/** Runs one command line; resolves to the exit code (serve resolves only when it stops). */
export async function runCli(args: string[]): Promise<number> {
  const [first] = args;
  if (first === undefined || first === "help" || first === "--help" || first === "-h") {
    (first === undefined ? console.error : console.log)(overview());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === "--version" || first === "-v") return (await version.run({ flags: {}, positionals: [] })) ?? EXIT.ok;
  const found = findCommand(args);
  if (!found) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => `parley ${c.name}`);
    const hint = group.length ? `"${first}" needs a subcommand: ${group.join(", ")}` : `unknown command "${first}"`;
    console.error(`parley: ${hint}. Run \`parley --help\` for the list.`);
    return EXIT.usage;
  }
  const { command, rest } = found;
  try {
    const parsed = parseCommand(command, rest);
    if (parsed === "help") {
      console.log(helpText(command));
      return EXIT.ok;
    }
    return (await command.run(parsed)) ?? EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`parley ${command.name}: ${error.message}. Run \`parley ${command.name} --help\` for its usage.`);
      return EXIT.usage;
    }
    if (error instanceof CommandError) {
      console.error(error.message);
      return error.exitCode;
    }
    console.error(`parley ${command.name} failed: ${errorMessage(error)}`);
    return EXIT.failed;
  }
}

if (import.meta.main) process.exit(await runCli(process.argv.slice(2)));
