// Boots Parley from the environment (`parley serve`): for `bun run dev` and the container.
import { runCli } from "./cli/parley.ts";

process.exit(await runCli(["serve", ...process.argv.slice(2)]));
