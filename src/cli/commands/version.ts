// `parley version`: what this build is, for bug reports and deploy checks.
import { buildInfo } from "../../version.ts";
import type { Command } from "../command.ts";

export const version: Command = {
  name: "version",
  summary: "Print the version, the commit it was built from, and the runtime.",
  help: `
Prints one line: parley VERSION (commit COMMIT; bun BUN_VERSION, OS-ARCH).`,
  run() {
    const { version, commit } = buildInfo();
    console.log(`parley ${version} (commit ${commit}; bun ${Bun.version}, ${process.platform}-${process.arch})`);
    return 0;
  },
};
