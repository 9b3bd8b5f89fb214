// What this build of Parley is: the package version and the commit it was built from.
// One source for `parley version`, the logs and the metrics.
import packageJson from "../package.json" with { type: "json" };
import { imageCommit } from "./config.ts";

// Replaced with the commit by scripts/release.ts (Bun.build's `define`); undeclared elsewhere.
declare const PARLEY_BUILD_COMMIT: string | undefined;

export type BuildInfo = { version: string; commit: string };

let cached: BuildInfo | undefined;

/**
 * The version from package.json; the commit baked into an executable, else the image's
 * (PARLEY_COMMIT), else the checkout's, else "unknown".
 */
export function buildInfo(): BuildInfo {
  cached ??= {
    version: packageJson.version,
    commit: typeof PARLEY_BUILD_COMMIT === "string" ? PARLEY_BUILD_COMMIT : (imageCommit() ?? checkoutCommit()),
  };
  return cached;
}

/** The short commit of the repository this file is in, when git and a checkout are there. */
export function checkoutCommit(): string {
  try {
    const result = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], {
      cwd: import.meta.dir,
      stdout: "pipe",
      stderr: "ignore",
    });
    const commit = result.stdout.toString().trim();
    return result.exitCode === 0 && /^[0-9a-f]+$/.test(commit) ? commit : "unknown";
  } catch {
    return "unknown";
  }
}
