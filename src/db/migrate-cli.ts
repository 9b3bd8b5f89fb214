// `parley migrate` under its older name, which the compose file's migrate service runs.
import { runCli } from "../cli/parley.ts";

process.exit(await runCli(["migrate", ...process.argv.slice(2)]));
