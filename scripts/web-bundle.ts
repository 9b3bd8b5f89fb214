// Builds the web client (web/dist) when it is missing or older than its sources. Used by
// `bun start` and by the end-to-end tests, so a fresh clone serves the app at once.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");

/**
 * Inputs of the bundle: the sources (with the shared schemas and the client package the
 * app imports), the page, the build config and the dependencies.
 */
const INPUTS = [
  "web/src",
  "src/shared",
  "packages/parley-client/src",
  "web/public",
  "web/index.html",
  "web/vite.config.ts",
  "web/service-worker.js",
  "package.json",
  "bun.lock",
];
const OUTPUT = "web/dist/index.html";

function newestMtime(path: string): number {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why the bundle needs building, or null when it is up to date. */
export function webBundleStaleness(root = ROOT): string | null {
  const built = newestMtime(join(root, OUTPUT));
  if (built === 0) return "web/dist is missing";
  for (const input of INPUTS) {
    if (newestMtime(join(root, input)) > built) return `${input} changed since the last build`;
  }
  return null;
}

/** Runs `vite build` if the bundle is stale. Throws when the build fails. */
export async function ensureWebBundle(options: { root?: string; quiet?: boolean } = {}): Promise<boolean> {
  const root = options.root ?? ROOT;
  const reason = webBundleStaleness(root);
  if (!reason) return false;
  if (!options.quiet) console.log(`Building the web client (${reason})…`);
  const build = Bun.spawn(
    [process.execPath, "--bun", join(root, "node_modules/vite/bin/vite.js"), "build", "--config", "web/vite.config.ts"],
    // Always the production build, whoever asks: under `bun test` NODE_ENV is "test", and
    // vite then kept the libraries' development branches (2.5 KB more to start with), so
    // the budget test and the browser tests ran a bundle no one is ever served.
    {
      cwd: root,
      stdout: options.quiet ? "pipe" : "inherit",
      stderr: "pipe",
      env: { ...process.env, NODE_ENV: "production" },
    },
  );
  const [code, errors] = await Promise.all([build.exited, new Response(build.stderr).text()]);
  if (code !== 0) throw new Error(`the web build failed (exit ${code}):\n${errors}`);
  return true;
}
