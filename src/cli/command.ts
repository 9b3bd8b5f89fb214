// The shape of a `parley` subcommand and what they share: flags parsed with node:util's
// parseArgs (strict), `--help` and `--config FILE` on each, and one set of exit codes.
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { type Config, ConfigError, loadConfig, readConfigFile } from "../config.ts";

/** Exit codes of every command, listed in `parley --help`. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export type Flags = Record<string, string | boolean | undefined>;

export type Command = {
  /** One or two words: "serve", "admin create". */
  name: string;
  /** What follows the name in the usage line, e.g. "FILE". */
  args?: string;
  /** One line for `parley --help`. */
  summary: string;
  /** The help text below the usage line: what it does, its flags, its variables. */
  help: string;
  options?: ParseArgsOptionsConfig;
  /** How many positional arguments it takes. */
  positionals?: { min: number; max: number };
  /** Whether it reads the configuration (and so takes --config FILE). */
  readsConfig?: boolean;
  run(input: { flags: Flags; positionals: string[] }): Promise<number | undefined> | number | undefined;
};

/** A wrong invocation: the message, then a pointer to --help; exit 2. */
export class UsageError extends Error {}

/** The command could not do its job: the message says what to do; exit 1 (or another code). */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

const CONFIG_HELP = `  --config FILE   read settings from a .env-style file (NAME=value lines); a variable
                  set in the environment wins over the file`;

export function usageLine(command: Command): string {
  return `usage: parley ${command.name}${command.args ? ` ${command.args}` : ""} [options]`;
}

export function helpText(command: Command): string {
  const common = [command.readsConfig ? CONFIG_HELP : "", "  -h, --help      show this help"].filter(Boolean);
  return `${usageLine(command)}\n\n${command.summary}\n\n${command.help.trim()}\n\n${common.join("\n")}\n`;
}

/** Parses a command's arguments; UsageError on an unknown flag or a wrong count of arguments. */
export function parseCommand(command: Command, args: string[]): { flags: Flags; positionals: string[] } | "help" {
  const options: ParseArgsOptionsConfig = {
    ...command.options,
    help: { type: "boolean", short: "h" },
    ...(command.readsConfig ? { config: { type: "string" } } : {}),
  };
  let parsed: { values: Flags; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help) return "help";
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  const count = parsed.positionals.length;
  if (count < min) throw new UsageError(`missing ${command.args ?? "argument"}`);
  if (count > max) throw new UsageError(`unexpected argument: ${parsed.positionals[max]}`);
  return { flags: parsed.values, positionals: parsed.positionals };
}

/** The configuration for a command: the environment over `--config FILE`; exit 1 when invalid. */
export function commandConfig(flags: Flags): Config {
  try {
    return loadConfig(undefined, configFileValues(flags));
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError(error.message);
    throw error;
  }
}

/** The values of `--config FILE` (none without it); warns about names that are not settings. */
export function configFileValues(flags: Flags): Record<string, string> {
  if (typeof flags.config !== "string") return {};
  try {
    const { values, unknown } = readConfigFile(flags.config);
    for (const name of unknown) console.error(`warning: ${flags.config}: ${name} is not a Parley setting (ignored)`);
    return values;
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError(error.message);
    throw error;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
